// Asks the registry about each distinct tag exactly once, a bounded number at a time. Shared by
// `pin` (what to pin to) and `lint --online` (KF007: has a pinned tag moved?).

import pLimit from 'p-limit';
import type { Digest } from '../core/digest.ts';
import { familiarString, type ImageReference } from '../core/image-reference.ts';
import type { ImageResolver, RegistryFailure } from '../core/image-resolver.ts';

/** Requests in flight at once; the resolver also bounds per registry. */
const CONCURRENCY = 16;

export interface TagLookupFailure {
  /** The tag as `name:tag` in its familiar form, e.g. `nginx:1.27`. */
  readonly image: string;
  readonly failure: RegistryFailure;
}

export interface TagLookups {
  /** Digest by tagKey, for every tag that resolved. */
  readonly digests: ReadonlyMap<string, Digest>;
  /** Failures by tagKey. */
  readonly failures: ReadonlyMap<string, TagLookupFailure>;
  /** Registry lookups made: one per distinct tag. */
  readonly requests: number;
}

/** Resolves every target (keyed by tagKey, so already de-duplicated). */
export async function lookupTags(
  targets: ReadonlyMap<string, ImageReference>,
  resolver: ImageResolver,
): Promise<TagLookups> {
  const limit = pLimit(CONCURRENCY);
  const digests = new Map<string, Digest>();
  const failures = new Map<string, TagLookupFailure>();
  await Promise.all(
    [...targets].map(([key, ref]) =>
      limit(async () => {
        const resolution = await resolver.resolveTag(ref);
        if (resolution.ok) digests.set(key, resolution.value.digest);
        else failures.set(key, { image: familiarString(ref), failure: resolution.failure });
      }),
    ),
  );
  return { digests, failures, requests: targets.size };
}

/** One line for a failed lookup, e.g. `nginx:9.9: not-found: manifest unknown`. */
export function describeLookupFailure(failure: TagLookupFailure): string {
  return `${failure.image}: ${failure.failure.kind}: ${failure.failure.message}`;
}
