// Registry answers collected for one run. Verdicts ask for facts; missing ones come back as
// lookups, which are fetched together (the resolver de-duplicates and bounds concurrency), until
// every container is judged. So a status run costs one request per distinct tag, plus one index
// GET per multi-arch tag only when a node's answer cannot be compared without its children.

import type { Lookup, RegistryFacts } from '../core/container-verdict.ts';
import type { Digest } from '../core/digest.ts';
import { digestKey, tagKey, type ImageReference } from '../core/image-reference.ts';
import type {
  ConfigDigestResult,
  ImageResolver,
  PlatformsResult,
  TagResolution,
} from '../core/image-resolver.ts';

export class RegistryFactStore implements RegistryFacts {
  private readonly tags = new Map<string, TagResolution>();
  private readonly platformLists = new Map<string, PlatformsResult>();
  private readonly configs = new Map<string, ConfigDigestResult>();
  /** Lookups made, by kind: for reports. */
  readonly asked = { tag: 0, platforms: 0, config: 0 };

  constructor(private readonly resolver: ImageResolver) {}

  tag(ref: ImageReference): TagResolution | undefined {
    return this.tags.get(tagKeyOf(ref));
  }

  platforms(ref: ImageReference, digest: Digest): PlatformsResult | undefined {
    return this.platformLists.get(digestKey(ref, digest));
  }

  config(ref: ImageReference, digest: Digest): ConfigDigestResult | undefined {
    return this.configs.get(digestKey(ref, digest));
  }

  /** Answers every lookup not answered yet; identical lookups are asked once. */
  async fetch(lookups: readonly Lookup[]): Promise<void> {
    const pending = new Map<string, Promise<void>>();
    for (const lookup of lookups) {
      const key = lookupKey(lookup);
      if (pending.has(key) || this.known(lookup)) continue;
      pending.set(key, this.fetchOne(lookup));
    }
    await Promise.all(pending.values());
  }

  private known(lookup: Lookup): boolean {
    if (lookup.kind === 'tag') return this.tags.has(tagKeyOf(lookup.ref));
    const map = lookup.kind === 'platforms' ? this.platformLists : this.configs;
    return map.has(digestKey(lookup.ref, lookup.digest));
  }

  private async fetchOne(lookup: Lookup): Promise<void> {
    this.asked[lookup.kind]++;
    if (lookup.kind === 'tag') {
      this.tags.set(tagKeyOf(lookup.ref), await this.resolver.resolveTag(lookup.ref));
    } else if (lookup.kind === 'platforms') {
      this.platformLists.set(
        digestKey(lookup.ref, lookup.digest),
        await this.resolver.platforms(lookup.ref, lookup.digest),
      );
    } else {
      this.configs.set(
        digestKey(lookup.ref, lookup.digest),
        await this.resolver.configDigest(lookup.ref, lookup.digest),
      );
    }
  }
}

/** Digest-only references never reach a tag lookup; '' keeps the map total. */
function tagKeyOf(ref: ImageReference): string {
  return tagKey(ref) ?? '';
}

function lookupKey(lookup: Lookup): string {
  return lookup.kind === 'tag'
    ? `tag ${tagKeyOf(lookup.ref)}`
    : `${lookup.kind} ${digestKey(lookup.ref, lookup.digest)}`;
}
