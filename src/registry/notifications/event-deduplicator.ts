// Remembers recently handled event ids so a redelivery (distribution retries a failed POST with
// the same event id, GitHub redeliveries keep X-GitHub-Delivery) is acted on once. Bounded in
// both size and age: an id older than the TTL, or pushed out by newer ones, is forgotten.

export interface DeduplicatorOptions {
  /** Most ids remembered (default 10,000; a few hundred KiB). */
  readonly maxEntries?: number;
  /** How long an id is remembered (default 1 h: distribution retries for as long as it runs). */
  readonly ttlMs?: number;
  /** Milliseconds clock, injectable for tests. */
  readonly now?: () => number;
}

export class EventDeduplicator {
  readonly #seen = new Map<string, number>();
  readonly #maxEntries: number;
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(options: DeduplicatorOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 10_000;
    this.#ttlMs = options.ttlMs ?? 3_600_000;
    this.#now = options.now ?? Date.now;
  }

  /** True the first time a key is seen within the TTL (and records it); false for a repeat. */
  firstSeen(key: string): boolean {
    const now = this.#now();
    this.#expire(now);
    const at = this.#seen.get(key);
    if (at !== undefined && now - at < this.#ttlMs) return false;
    this.#seen.delete(key);
    this.#seen.set(key, now);
    while (this.#seen.size > this.#maxEntries) {
      const oldest = this.#seen.keys().next();
      if (oldest.done === true) break;
      this.#seen.delete(oldest.value);
    }
    return true;
  }

  /** Forgets a key again (its handling failed, so a redelivery must be acted on). */
  forget(key: string): void {
    this.#seen.delete(key);
  }

  get size(): number {
    return this.#seen.size;
  }

  /** Map order is insertion order, so expired entries sit at the front. */
  #expire(now: number): void {
    for (const [key, at] of this.#seen) {
      if (now - at < this.#ttlMs) break;
      this.#seen.delete(key);
    }
  }
}
