// Exponential backoff with full jitter, honouring Retry-After. Only network errors, 5xx and 429 are
// retried; 4xx answers are facts, not accidents.

import type { RetryConfig } from './registry-config.ts';

/** Delay before retry number `retry` (1-based): random in [0, min(max, base·2^(retry-1))]. */
export function backoffDelayMs(
  config: RetryConfig,
  retry: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(config.maxDelayMs, config.baseDelayMs * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}

/** Retry-After as seconds or an HTTP date → milliseconds from `now`; undefined if absent/invalid. */
export function parseRetryAfterMs(
  header: string | undefined,
  now: number = Date.now(),
): number | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));
