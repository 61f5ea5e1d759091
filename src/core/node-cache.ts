// What a node has cached under a tag, read from `node.status.images` (semantics doc §4.3): each
// entry lists RepoDigests then RepoTags, at most 5 names, and only the 50 largest images are
// listed — so absence proves nothing, while presence under the tag says what an IfNotPresent
// container started there would run.

import type { Digest } from './digest.ts';
import { parseImageReference, referenceName, type ImageReference } from './image-reference.ts';
import type { PlatformManifest } from './image-resolver.ts';

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

export type NodeCacheRisk = 'old-image-cached' | 'current' | 'cached-digest-unknown' | 'not-listed';

/** Whether a new IfNotPresent Pod on this node would start something other than `current`. */
export function nodeCacheRisk(
  cached: CachedTag,
  current: Digest,
  children: readonly PlatformManifest[],
): NodeCacheRisk {
  if (!cached.cached) return 'not-listed';
  if (cached.digest === undefined) return 'cached-digest-unknown';
  if (cached.digest === current || children.some((c) => c.digest === cached.digest))
    return 'current';
  return 'old-image-cached';
}
