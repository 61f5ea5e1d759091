import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventDeduplicator } from './event-deduplicator.ts';

describe('EventDeduplicator', () => {
  it('sees a key once within the TTL, again after it', () => {
    let now = 0;
    const seen = new EventDeduplicator({ ttlMs: 1_000, now: () => now });
    assert.equal(seen.firstSeen('a'), true);
    now = 999;
    assert.equal(seen.firstSeen('a'), false);
    now = 1_000;
    assert.equal(seen.firstSeen('a'), true);
  });

  it('stays within its size bound, forgetting the oldest first', () => {
    const seen = new EventDeduplicator({ maxEntries: 3 });
    for (const key of ['a', 'b', 'c', 'd']) assert.equal(seen.firstSeen(key), true);
    assert.equal(seen.size, 3);
    assert.equal(seen.firstSeen('d'), false);
    assert.equal(seen.firstSeen('a'), true);
  });

  it('drops expired entries as time passes', () => {
    let now = 0;
    const seen = new EventDeduplicator({ ttlMs: 10, now: () => now });
    for (let i = 0; i < 100; i++) seen.firstSeen(`k${i}`);
    now = 50;
    seen.firstSeen('fresh');
    assert.equal(seen.size, 1);
  });

  it('forgets a key on request', () => {
    const seen = new EventDeduplicator();
    seen.firstSeen('a');
    seen.forget('a');
    assert.equal(seen.firstSeen('a'), true);
  });
});
