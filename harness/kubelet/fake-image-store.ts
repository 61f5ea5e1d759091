// A container runtime's image store on one node, for the stand-in kubelet: images keyed by ID
// (the config digest) with their repo tags and repo digests, how a pull moves a tag, and how
// containerd and CRI-O turn that into containerStatuses[].image/imageID (semantics doc §4.1, §4.2).

import { parseImageReference, referenceName } from '../../src/core/image-reference.ts';
import type { RuntimeImage } from './kubelet-messages.ts';

/** What a registry serves for a reference. */
export interface RegistryImage {
  /** The digest the reference resolves to: an index digest for multi-arch images. */
  readonly digest: string;
  /** The image config digest, which becomes the node-local image ID. */
  readonly configDigest: string;
  readonly sizeBytes: number;
}

interface StoredImage {
  readonly id: string;
  readonly repoTags: Set<string>;
  /** Insertion order = pull order (CRI-O puts the pulled digest first, cri-o#9615). */
  readonly repoDigests: string[];
  readonly sizeBytes: number;
}

export interface NormalisedReference {
  readonly name: string;
  readonly tag: string | undefined;
  readonly digest: string | undefined;
  /** What the runtime pulls and looks up: `name@digest` when there is a digest (containerd's
   *  ParseDockerRef drops the tag), else `name:tag` with the implicit `latest`. */
  readonly pullRef: string;
}

export function normaliseReference(image: string): NormalisedReference | undefined {
  const parsed = parseImageReference(image);
  if (!parsed.ok) return undefined;
  const ref = parsed.reference;
  const name = referenceName(ref);
  const tag = ref.digest === undefined ? (ref.tag ?? 'latest') : ref.tag;
  const pullRef = ref.digest === undefined ? `${name}:${tag ?? 'latest'}` : `${name}@${ref.digest}`;
  return { name, tag, digest: ref.digest, pullRef };
}

export class FakeImageStore {
  readonly #images = new Map<string, StoredImage>();

  /** CRI ImageStatus: presence by the exact normalised tag or digest reference. */
  lookup(image: string): RuntimeImage | undefined {
    const ref = normaliseReference(image);
    if (ref === undefined) return undefined;
    for (const stored of this.#images.values()) {
      const found =
        ref.digest !== undefined
          ? stored.repoDigests.includes(ref.pullRef)
          : stored.repoTags.has(ref.pullRef);
      if (found) return view(stored);
    }
    return undefined;
  }

  /**
   * PullImage: the image gets `name@digest`; a pull by tag moves the tag onto it, so the image the
   * tag pointed at before keeps only its repo digests (and containerd shows `sha256:…` for it).
   */
  recordPull(image: string, pulled: RegistryImage): RuntimeImage {
    const ref = normaliseReference(image);
    if (ref === undefined) throw new Error(`cannot pull invalid reference ${image}`);
    let stored = this.#images.get(pulled.configDigest);
    if (stored === undefined) {
      stored = {
        id: pulled.configDigest,
        repoTags: new Set(),
        repoDigests: [],
        sizeBytes: pulled.sizeBytes,
      };
      this.#images.set(stored.id, stored);
    }
    const repoDigest = `${ref.name}@${pulled.digest}`;
    const known = stored.repoDigests.indexOf(repoDigest);
    if (known >= 0) stored.repoDigests.splice(known, 1);
    stored.repoDigests.unshift(repoDigest);
    if (ref.digest === undefined) {
      for (const other of this.#images.values()) other.repoTags.delete(ref.pullRef);
      stored.repoTags.add(ref.pullRef);
    }
    return view(stored);
  }

  /**
   * An image imported without a registry (`ctr images import`, `kind load`): tagged, but with no
   * repo digest, so runtimes report the bare image ID as imageID.
   */
  recordImport(image: string, imported: Omit<RegistryImage, 'digest'>): RuntimeImage {
    const ref = normaliseReference(image);
    if (ref === undefined || ref.digest !== undefined)
      throw new Error(`import needs name:tag, not ${image}`);
    let stored = this.#images.get(imported.configDigest);
    if (stored === undefined) {
      stored = {
        id: imported.configDigest,
        repoTags: new Set(),
        repoDigests: [],
        sizeBytes: imported.sizeBytes,
      };
      this.#images.set(stored.id, stored);
    }
    for (const other of this.#images.values()) other.repoTags.delete(ref.pullRef);
    stored.repoTags.add(ref.pullRef);
    return view(stored);
  }

  byId(id: string): RuntimeImage | undefined {
    const stored = this.#images.get(id);
    return stored === undefined ? undefined : view(stored);
  }

  list(): RuntimeImage[] {
    return [...this.#images.values()].map(view);
  }
}

function view(stored: StoredImage): RuntimeImage {
  return {
    id: stored.id,
    repoTags: [...stored.repoTags],
    repoDigests: [...stored.repoDigests],
    sizeBytes: stored.sizeBytes,
  };
}

/**
 * containerd ContainerStatus, evaluated at every status sync: `image` = the first (sorted) repo
 * tag that still points at the image, else the image ID `sha256:<config>`; `imageID` = the first
 * (sorted) repo digest, else the image ID.
 */
export function containerdStatusImage(image: RuntimeImage): { image: string; imageID: string } {
  const tag = [...image.repoTags].sort()[0];
  const digest = [...image.repoDigests].sort()[0];
  return { image: tag ?? image.id, imageID: digest ?? image.id };
}

/**
 * CRI-O, fixed when the container is created: `image` = "some name of the image" (the requested
 * tag when the image carries it, else its first tag); `imageID` = RepoDigests[0] with the pulled
 * digest first, else the bare 64-hex image ID.
 */
export function crioStatusImage(
  image: RuntimeImage,
  specImage: string,
): { image: string; imageID: string } {
  const ref = normaliseReference(specImage);
  const requestedTag = ref?.digest === undefined ? ref?.pullRef : undefined;
  const name =
    requestedTag !== undefined && image.repoTags.includes(requestedTag)
      ? requestedTag
      : ([...image.repoTags].sort()[0] ?? specImage);
  return { image: name, imageID: image.repoDigests[0] ?? image.id.replace(/^sha256:/, '') };
}
