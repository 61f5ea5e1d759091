// What the registry serves, for the stand-in kubelet: tags that can be moved, deterministic
// digests, and the error text containerd reports for a tag that does not exist. Tests that need a
// real registry pass their own lookup instead (see RegistryLookup).
import { createHash } from 'node:crypto';
import { normaliseReference, type RegistryImage } from './fake-image-store.ts';
import { containerdNotFound } from './kubelet-messages.ts';

/** reference (normalised `name:tag` or `name@digest`) → image, or the runtime's error text. */
export type RegistryLookup = (pullRef: string) => RegistryImage | { readonly error: string };

/** An image with digests derived from `seed`, so tests can name "v1" and "v2". */
export function fakeRegistryImage(seed: string, sizeBytes = 10_000_000): RegistryImage {
  const digest = (kind: string): string =>
    `sha256:${createHash('sha256').update(`${kind}:${seed}`).digest('hex')}`;
  return { digest: digest('manifest'), configDigest: digest('config'), sizeBytes };
}

export class FakeRegistryState {
  readonly #tags = new Map<string, RegistryImage>();
  readonly #digests = new Map<string, RegistryImage>();

  /** Points `reference` (a tag) at `image`, as a push does. */
  push(reference: string, image: RegistryImage): RegistryImage {
    const ref = normaliseReference(reference);
    if (ref === undefined || ref.digest !== undefined)
      throw new Error(`push needs name:tag, not ${reference}`);
    this.#tags.set(ref.pullRef, image);
    this.#digests.set(`${ref.name}@${image.digest}`, image);
    return image;
  }

  readonly lookup: RegistryLookup = (pullRef) => {
    const image = this.#tags.get(pullRef) ?? this.#digests.get(pullRef);
    return image ?? { error: containerdNotFound(pullRef) };
  };
}
