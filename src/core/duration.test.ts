import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDuration } from './duration.ts';

describe('parseDuration', () => {
  it('reads Go/kubectl durations', () => {
    for (const [text, ms] of [
      ['30s', 30_000],
      ['5m', 300_000],
      ['1h30m', 5_400_000],
      ['500ms', 500],
      ['1.5s', 1_500],
      [' 2m ', 120_000],
    ] as const)
      assert.deepEqual(parseDuration(text), { ok: true, ms }, text);
  });

  it('refuses what Go refuses, and zero', () => {
    for (const text of ['', '30', 's', '5x', '-5m', '0s', '5m garbage', '1d'])
      assert.equal(parseDuration(text).ok, false, text);
  });
});
