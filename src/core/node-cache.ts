// What a node has cached under a tag, read from `node.status.images` (semantics doc §4.3): each
// entry lists RepoDigests then RepoTags, at most 5 names, and only the 50 largest images are
// listed — so absence proves nothing, while presence under the tag says what an IfNotPresent
// container started there would run.

import type { Digest } from './digest.ts';
import { parseImageReference, referenceName, type ImageReference } from './image-reference.ts';
import type { ContainerVerdict } from './container-verdict.ts';

export interface NodeImageEntry {
  readonly names: readonly string[];
  readonly sizeBytes?: number | undefined;
}

export type CachedTag =
  { readonly cached: false } | { readonly cached: true; readonly digest: Digest | undefined };

/** The node's cached image for `ref`'s tag: the entry carrying `name:tag`, and its repo digest. */
export function cachedImageForTag(
  images: readonly NodeImageEntry[],
  ref: ImageReference,
  tag: string,
): CachedTag {
  return indexNodeImages(images).get(`${referenceName(ref)}:${tag}`) ?? { cached: false };
}

/**
 * Every `name:tag` a node lists, mapped to what it caches there: the same answers as
 * what cachedImageForTag looks up, computed once per node instead of once per question.
 */
export function indexNodeImages(images: readonly NodeImageEntry[]): ReadonlyMap<string, CachedTag> {
  const index = new Map<string, CachedTag>();
  for (const entry of images) {
    const parsed = entry.names.map(parseImageReference).flatMap((p) => (p.ok ? [p.reference] : []));
    for (const ref of parsed) {
      if (ref.tag === undefined || ref.digest !== undefined) continue;
      const key = `${referenceName(ref)}:${ref.tag}`;
      if (index.has(key)) continue; // the first entry carrying the tag wins
      const digest = parsed.find(
        (r) => referenceName(r) === referenceName(ref) && r.digest !== undefined,
      )?.digest;
      index.set(key, { cached: true, digest });
    }
  }
  return index;
}

/**
 * `reverify-pulls`: the node caches an old image, but its kubelet (KEP-2535) would not let a new
 * Pod of this workload use it without pulling again, which fetches the current image.
 */
export type NodeCacheRisk =
  'old-image-cached' | 'reverify-pulls' | 'current' | 'cached-digest-unknown' | 'not-listed';

/**
 * Whether a new IfNotPresent Pod on this node would start something other than `current`.
 * `judged` is the verdict for the cached digest as if a container ran it (same index, this node's
 * child, or the same bits under a re-indexed tag): fresh means the cached copy is current.
 */
export function nodeCacheRisk(
  cached: CachedTag,
  current: Digest,
  judged: ContainerVerdict | undefined,
): NodeCacheRisk {
  if (!cached.cached) return 'not-listed';
  if (cached.digest === undefined) return 'cached-digest-unknown';
  if (cached.digest === current || judged?.verdict === 'fresh') return 'current';
  if (judged?.verdict === 'stale') return 'old-image-cached';
  return 'cached-digest-unknown';
}
