import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Digest } from '../../core/digest.ts';
import type { TagOutcome } from './pod-pin-plan.ts';
import { TagDigestCache } from './tag-digest-cache.ts';

const ok = (n: string): TagOutcome => ({ ok: true, digest: `sha256:${n.repeat(64)}` as Digest });

describe('TagDigestCache', () => {
  it('shares one fetch in flight and reuses the answer until the TTL passes', async () => {
    let now = 0;
    const cache = new TagDigestCache({ ttlMs: 30_000, now: () => now });
    let fetches = 0;
    const fetch = (): Promise<TagOutcome> => {
      fetches += 1;
      return Promise.resolve(ok('a'));
    };
    await Promise.all([cache.get('t', 's', fetch), cache.get('t', 's', fetch)]);
    now = 29_999;
    await cache.get('t', 's', fetch);
    assert.equal(fetches, 1);
    now = 30_001;
    await cache.get('t', 's', fetch);
    assert.equal(fetches, 2);
    assert.deepEqual(cache.stats(), { hits: 2, misses: 2, entries: 1 });
  });

  it('keeps credential scopes apart and invalidates every scope of a tag', async () => {
    const cache = new TagDigestCache({ ttlMs: 30_000 });
    await cache.get('t', 'with-secret', () => Promise.resolve(ok('a')));
    const anonymous = await cache.get('t', 'docker-config', () =>
      Promise.resolve<TagOutcome>({ ok: false, reason: 'unauthorized' }),
    );
    assert.equal(anonymous.ok, false);
    cache.invalidate('t');
    assert.equal(cache.stats().entries, 0);
    assert.deepEqual(await cache.get('t', 'with-secret', () => Promise.resolve(ok('c'))), ok('c'));
  });

  it('does not store an answer that was in flight when the tag was invalidated', async () => {
    const cache = new TagDigestCache({ ttlMs: 30_000 });
    let release: (o: TagOutcome) => void = () => undefined;
    const first = cache.get('t', 's', () => new Promise((r) => (release = r)));
    cache.invalidate('t');
    release(ok('a'));
    await first;
    assert.deepEqual(await cache.get('t', 's', () => Promise.resolve(ok('b'))), ok('b'));
  });

  it('remembers a failure only briefly', async () => {
    let now = 0;
    const cache = new TagDigestCache({ ttlMs: 30_000, failureTtlMs: 1_000, now: () => now });
    await cache.get('t', 's', () => Promise.resolve<TagOutcome>({ ok: false, reason: 'down' }));
    now = 1_001;
    assert.deepEqual(await cache.get('t', 's', () => Promise.resolve(ok('a'))), ok('a'));
  });
});
