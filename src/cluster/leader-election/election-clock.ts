// Time for the elector, behind an interface so unit tests can drive it with a fake clock. The
// algorithm only ever compares local times it measured itself (never the Lease's renewTime), so
// a monotonic clock is right: wall-clock jumps cannot shorten or stretch a lease.

import { performance } from 'node:perf_hooks';

export interface ElectionClock {
  /** Milliseconds on a monotonic clock. */
  now(): number;
  /** Wall-clock epoch milliseconds, only for the times written into the Lease. */
  wallNow(): number;
  /** Resolves after `ms`, or at once when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const systemClock: ElectionClock = {
  now: () => performance.now(),
  wallNow: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      signal.addEventListener('abort', done, { once: true });
    }),
};
