// A hand-driven ElectionClock for unit tests: time moves only in `advance`, which wakes sleepers
// in order and lets the promise chains they start run before moving on.

import type { ElectionClock } from './election-clock.ts';

interface Sleeper {
  readonly at: number;
  readonly wake: () => void;
}

export class FakeElectionClock implements ElectionClock {
  #now = 0;
  readonly #wallStart: number;
  #sleepers: Sleeper[] = [];

  constructor(wallStart = Date.UTC(2026, 11, 8, 3, 0, 0)) {
    this.#wallStart = wallStart;
  }

  now(): number {
    return this.#now;
  }

  wallNow(): number {
    return this.#wallStart + this.#now;
  }

  sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const sleeper: Sleeper = {
        at: this.#now + Math.max(0, ms),
        wake: () => {
          this.#sleepers = this.#sleepers.filter((s) => s !== sleeper);
          signal.removeEventListener('abort', sleeper.wake);
          resolve();
        },
      };
      this.#sleepers.push(sleeper);
      signal.addEventListener('abort', sleeper.wake, { once: true });
    });
  }

  /** Moves time forward by `ms`, waking each sleeper at its own time. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    await settle();
    for (;;) {
      const next = this.#sleepers.filter((s) => s.at <= target).sort((a, b) => a.at - b.at)[0];
      if (next === undefined) break;
      this.#now = Math.max(this.#now, next.at);
      next.wake();
      await settle();
    }
    this.#now = target;
    await settle();
  }
}

/** Lets every pending promise chain (the fakes answer in microtasks) run to its next sleep. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
}
