// Tag → digest answers shared across admissions. A success is reused for `ttlMs` (the freshness
// bound: a pin names what the tag pointed to at most ttlMs + one registry round trip ago, unless
// `invalidate` was called when the tag moved); a failure only for a few seconds, so an outage
// costs one look-up per tag per few seconds, not one per Pod. Concurrent callers share one request.
// Entries are per credential scope: a Pod is never pinned through credentials it does not have.

import type { TagOutcome } from './pod-pin-plan.ts';

export interface TagCacheSettings {
  readonly ttlMs: number;
  /** How long a failure is remembered (capped by ttlMs). */
  readonly failureTtlMs?: number;
  readonly maxEntries?: number;
  readonly now?: () => number;
}

interface Entry {
  expiresAt: number;
  readonly outcome: Promise<TagOutcome>;
}

export interface TagCacheStats {
  readonly hits: number;
  readonly misses: number;
  readonly entries: number;
}

export class TagDigestCache {
  /** tagKey → scope → entry, so `invalidate(tagKey)` drops every scope's answer at once. */
  private readonly byTag = new Map<string, Map<string, Entry>>();
  private readonly generation = new Map<string, number>();
  private size = 0;
  private hits = 0;
  private misses = 0;

  constructor(private readonly settings: TagCacheSettings) {}

  /** The cached or shared answer, else `fetch()` (which must not reject). */
  get(tagKey: string, scope: string, fetch: () => Promise<TagOutcome>): Promise<TagOutcome> {
    const now = this.now();
    const entry = this.byTag.get(tagKey)?.get(scope);
    if (entry !== undefined && entry.expiresAt > now) {
      this.hits += 1;
      return entry.outcome;
    }
    this.misses += 1;
    const generation = this.generation.get(tagKey) ?? 0;
    const outcome = fetch();
    // Stored before it settles so concurrent admissions share the request.
    const fresh: Entry = { expiresAt: Number.POSITIVE_INFINITY, outcome };
    this.store(tagKey, scope, fresh);
    void outcome.then((settled) => {
      if ((this.generation.get(tagKey) ?? 0) !== generation) return;
      const ttl = settled.ok
        ? this.settings.ttlMs
        : Math.min(this.settings.ttlMs, this.settings.failureTtlMs ?? 5_000);
      fresh.expiresAt = this.now() + ttl;
    });
    return outcome;
  }

  /** Forgets every answer for the tag (a push notification or a poll saw it move). */
  invalidate(tagKey: string): void {
    this.generation.set(tagKey, (this.generation.get(tagKey) ?? 0) + 1);
    const scopes = this.byTag.get(tagKey);
    if (scopes === undefined) return;
    this.size -= scopes.size;
    this.byTag.delete(tagKey);
  }

  stats(): TagCacheStats {
    return { hits: this.hits, misses: this.misses, entries: this.size };
  }

  private store(tagKey: string, scope: string, entry: Entry): void {
    let scopes = this.byTag.get(tagKey);
    if (scopes === undefined) {
      scopes = new Map();
      this.byTag.set(tagKey, scopes);
    }
    if (!scopes.has(scope)) this.size += 1;
    scopes.set(scope, entry);
    if (this.size > (this.settings.maxEntries ?? 10_000)) this.evictOldestTag();
  }

  private evictOldestTag(): void {
    const oldest = this.byTag.keys().next();
    if (oldest.done !== true) this.invalidate(oldest.value);
  }

  private now(): number {
    return (this.settings.now ?? Date.now)();
  }
}
