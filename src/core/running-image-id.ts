// containerStatuses[].imageID in the forms the runtimes produce (semantics doc §4.2).

import { isDigest, type Digest } from './digest.ts';
import { parseImageReference, referenceName } from './image-reference.ts';

/**
 * `repo-digest`: `repository@digest` — the digest the tag resolved to when the node pulled it
 * (an index digest for multi-arch images on containerd), or a platform manifest digest.
 * `image-id`: the node-local image ID, i.e. the config digest; no repository is known.
 */
export type RunningImageKind = 'repo-digest' | 'image-id';

export interface RunningImage {
  /** Normalised repository name (`docker.io/library/nginx`) for repo digests. */
  readonly repository: string | undefined;
  readonly digest: Digest;
  readonly kind: RunningImageKind;
}

export type RunningImageProblem = 'missing' | 'unparsable';

export type ParsedRunningImage =
  | { readonly ok: true; readonly image: RunningImage }
  | { readonly ok: false; readonly problem: RunningImageProblem; readonly message: string };

const DOCKER_PULLABLE = 'docker-pullable://';
const DOCKER_IMAGE = 'docker://';

/**
 * Accepts containerd/CRI-O `repo@sha256:…`, containerd `sha256:<config digest>`, CRI-O's bare
 * 64-hex image ID, and dockershim/cri-dockerd `docker-pullable://repo@sha256:…` and
 * `docker://sha256:…`.
 */
export function parseRunningImageId(imageId: string | undefined | null): ParsedRunningImage {
  if (imageId === undefined || imageId === null || imageId === '') {
    return {
      ok: false,
      problem: 'missing',
      message: 'no imageID yet: the container has not been created',
    };
  }
  let text = imageId;
  if (text.startsWith(DOCKER_PULLABLE)) text = text.slice(DOCKER_PULLABLE.length);
  else if (text.startsWith(DOCKER_IMAGE)) text = text.slice(DOCKER_IMAGE.length);
  if (/^[a-f0-9]{64}$/.test(text)) text = `sha256:${text}`;
  if (isDigest(text)) return ok({ repository: undefined, digest: text, kind: 'image-id' });
  const parsed = parseImageReference(text);
  if (parsed.ok && parsed.reference.digest !== undefined) {
    const repository = referenceName(parsed.reference);
    return ok({ repository, digest: parsed.reference.digest, kind: 'repo-digest' });
  }
  return {
    ok: false,
    problem: 'unparsable',
    message: `imageID ${JSON.stringify(imageId)} is not a known form`,
  };
}

function ok(image: RunningImage): ParsedRunningImage {
  return { ok: true, image };
}
