import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeRateLimit, parseRateLimit, quotaNearlySpent } from './rate-limit.ts';
import { backoffDelayMs, isRetryableStatus, parseRetryAfterMs } from './retry-policy.ts';

const retry = { attempts: 4, baseDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 30_000 };

describe('retry policy', () => {
  it('full jitter under an exponential ceiling', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5].map((n) => backoffDelayMs(retry, n, () => 0.999)),
      [99, 199, 399, 799, 999],
    );
    assert.equal(
      backoffDelayMs(retry, 3, () => 0),
      0,
    );
  });
  it('Retry-After as seconds or a date', () => {
    assert.equal(parseRetryAfterMs('7'), 7_000);
    assert.equal(
      parseRetryAfterMs(
        'Wed, 25 Nov 2026 12:00:10 GMT',
        Date.parse('Wed, 25 Nov 2026 12:00:00 GMT'),
      ),
      10_000,
    );
    assert.equal(parseRetryAfterMs('soon'), undefined);
    assert.equal(parseRetryAfterMs(undefined), undefined);
  });
  it('retries only 429 and 5xx', () => {
    assert.deepEqual([200, 401, 403, 404, 429, 500, 503].map(isRetryableStatus), [
      false,
      false,
      false,
      false,
      true,
      true,
      true,
    ]);
  });
});

describe('Docker Hub rate-limit headers', () => {
  it('parses count and window', () => {
    assert.deepEqual(parseRateLimit('100;w=21600', '76;w=21600'), {
      limit: 100,
      remaining: 76,
      windowSeconds: 21600,
    });
    assert.deepEqual(parseRateLimit('200', '3'), {
      limit: 200,
      remaining: 3,
      windowSeconds: undefined,
    });
    assert.equal(parseRateLimit(undefined, '3'), undefined);
    assert.equal(parseRateLimit('x', '3'), undefined);
  });
  it('the reserve is a fraction of the limit, at least one', () => {
    assert.equal(quotaNearlySpent({ limit: 100, remaining: 11, windowSeconds: 1 }, 0.1), false);
    assert.equal(quotaNearlySpent({ limit: 100, remaining: 10, windowSeconds: 1 }, 0.1), true);
    assert.equal(quotaNearlySpent({ limit: 5, remaining: 1, windowSeconds: 1 }, 0.1), true);
    assert.equal(quotaNearlySpent(undefined, 0.1), false);
    assert.equal(
      describeRateLimit({ limit: 100, remaining: 5, windowSeconds: 21600 }),
      '5 of 100 pulls left per 6 h',
    );
  });
});
