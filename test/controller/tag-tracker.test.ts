// The tag tracker against the real docker-registry: one HEAD per tag per interval no matter how
// often the flows ask, moves seen by polling, and push claims confirmed the way the issue asks —
// the digest checked in that repository, then the tag re-checked until it agrees (the registry
// queues its event before it moves the tag), never a move for a digest the registry denies.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseImageReference, type ImageReference } from '../../src/core/image-reference.ts';
import {
  createRegistryClient,
  type RegistryClient,
} from '../../src/registry/create-registry-client.ts';
import { NO_CREDENTIALS } from '../../src/registry/credentials/credential-providers.ts';
import { defaultRegistryConfig } from '../../src/registry/registry-config.ts';
import { TagTracker, type TagMove } from '../../src/usecases/keep-fresh/tag-tracker.ts';
import { startRegistry, type TestRegistry } from '../../harness/registry/registry.ts';
import { eventually } from './eventually.ts';

const UA = 'kube-fresh-tracker-test';

function ref(text: string): ImageReference {
  const parsed = parseImageReference(text);
  assert.ok(parsed.ok);
  return parsed.reference;
}

describe('tag tracker on a real registry', { timeout: 120_000 }, () => {
  let registry: TestRegistry;
  let client: RegistryClient;
  const trackers: TagTracker[] = [];
  const newTracker = (moves: TagMove[] = []): TagTracker => {
    const tracker = new TagTracker({
      resolver: client.resolver,
      onMoved: (m) => moves.push(m),
      claimRetry: { attempts: 40, initialMs: 20, maxMs: 200 },
    });
    trackers.push(tracker);
    tracker.start();
    return tracker;
  };
  const heads = async (): Promise<number> =>
    (await registry.manifestRequests(UA)).filter((r) => r.method === 'HEAD').length;

  before(async () => {
    registry = await startRegistry('plain');
    client = createRegistryClient(
      defaultRegistryConfig({
        insecureRegistries: [registry.host],
        tagCacheTtlMs: 0,
        userAgent: UA,
      }),
      NO_CREDENTIALS,
    );
  });

  after(async () => {
    for (const t of trackers) t.stop();
    await client?.close();
    await registry?.pusher.close();
    await registry?.stop();
  });

  it('asks the registry once per tag per interval, however often the flows ask', async () => {
    const tags = ['one', 'two', 'three'];
    const pushed = await Promise.all(tags.map((t) => registry.pusher.pushImage('count/app', t)));
    const tracker = newTracker();
    const before = await heads();
    tracker.track(
      tags.map((t) => ({ ref: ref(`${registry.host}/count/app:${t}`), intervalMs: 3_600_000 })),
    );
    const resolver = tracker.resolver();
    for (let round = 0; round < 5; round++) {
      for (const [i, t] of tags.entries()) {
        const answer = await resolver.resolveTag(ref(`${registry.host}/count/app:${t}`));
        assert.ok(answer.ok);
        assert.equal(answer.value.digest, pushed[i]?.digest);
      }
    }
    assert.equal(tracker.requests, 3);
    assert.equal((await heads()) - before, 3);
  });

  it('sees a move at the next poll', async () => {
    await registry.pusher.pushImage('poll/app', 'v1');
    const moves: TagMove[] = [];
    const tracker = newTracker(moves);
    tracker.track([{ ref: ref(`${registry.host}/poll/app:v1`), intervalMs: 200 }]);
    await tracker.resolution(ref(`${registry.host}/poll/app:v1`));
    const v2 = await registry.pusher.pushImage('poll/app', 'v1');
    await eventually(() => moves.length > 0, 30_000, 'a poll sees the move');
    assert.equal(moves[0]?.to, v2.digest);
    assert.equal(moves[0]?.source, 'poll');
  });

  it('confirms a claimed digest, then waits for the tag to agree before settling', async () => {
    const v1 = await registry.pusher.pushImage('push/app', 'live');
    const moves: TagMove[] = [];
    const tracker = newTracker(moves);
    const live = ref(`${registry.host}/push/app:live`);
    tracker.track([{ ref: live, intervalMs: 3_600_000 }]);
    const first = await tracker.resolution(live);
    assert.ok(first.ok && first.value.digest === v1.digest);
    // The event arrives before the tag moves: the manifest exists by digest, the tag still says v1.
    const v2 = await registry.pusher.pushImage('push/app', undefined);
    const headsBefore = await heads();
    const claim = tracker.claimPush({
      registry: registry.host,
      repository: 'push/app',
      tag: 'live',
      digest: v2.digest,
      eventId: 'evt-1',
      provider: 'distribution',
      receivedAt: Date.now(),
    });
    // The tag is re-checked (and still answers v1): nothing moves meanwhile.
    await eventually(
      async () => (await heads()) >= headsBefore + 2,
      10_000,
      're-checks of the tag',
    );
    assert.equal(moves.length, 0, 'no move before the tag agrees');
    const current = await tracker.resolution(live);
    assert.ok(current.ok && current.value.digest === v1.digest);
    await registry.pusher.retag('push/app', v2.digest, 'live');
    assert.deepEqual(await claim, { outcome: 'moved', digest: v2.digest });
    assert.equal(moves.length, 1);
    assert.equal(moves[0]?.source, 'notification');
    assert.equal(moves[0]?.to, v2.digest);
    // The same delivery again (distribution retries with the same id) is handled once.
    assert.deepEqual(
      await tracker.claimPush({
        registry: registry.host,
        repository: 'push/app',
        tag: 'live',
        digest: v2.digest,
        eventId: 'evt-1',
        provider: 'distribution',
      }),
      { outcome: 'duplicate' },
    );
  });

  it('never moves to a digest the registry does not confirm', async () => {
    const v1 = await registry.pusher.pushImage('deny/app', 'live');
    const moves: TagMove[] = [];
    const tracker = newTracker(moves);
    const live = ref(`${registry.host}/deny/app:live`);
    tracker.track([{ ref: live, intervalMs: 3_600_000 }]);
    await tracker.resolution(live);
    const bogus = `sha256:${'ab'.repeat(32)}`;
    const outcome = await tracker.claimPush({
      registry: registry.host,
      repository: 'deny/app',
      tag: 'live',
      digest: bogus,
      provider: 'distribution',
    });
    assert.equal(outcome.outcome, 'unconfirmed');
    // A digest that exists, but in another repository, is not confirmed either.
    const elsewhere = await registry.pusher.pushImage('other/app', 'x');
    const crossRepo = await tracker.claimPush({
      registry: registry.host,
      repository: 'deny/app',
      tag: 'live',
      digest: elsewhere.digest,
      provider: 'distribution',
    });
    assert.equal(crossRepo.outcome, 'unconfirmed');
    const current = await tracker.resolution(live);
    assert.ok(current.ok && current.value.digest === v1.digest);
    assert.equal(moves.length, 0);
  });

  it('re-resolves a claim without a digest (Docker Hub, Quay) with a short retry', async () => {
    await registry.pusher.pushImage('hub/app', 'latest');
    const moves: TagMove[] = [];
    const tracker = newTracker(moves);
    const latest = ref(`${registry.host}/hub/app:latest`);
    tracker.track([{ ref: latest, intervalMs: 3_600_000 }]);
    await tracker.resolution(latest);
    const v2 = await registry.pusher.pushImage('hub/app', 'latest');
    const outcome = await tracker.claimPush({
      registry: registry.host,
      repository: 'hub/app',
      tag: 'latest',
      provider: 'dockerhub',
    });
    assert.deepEqual(outcome, { outcome: 'moved', digest: v2.digest });
    assert.equal(moves.length, 1);
    const untracked = await tracker.claimPush({
      registry: registry.host,
      repository: 'nobody/uses',
      tag: 'this',
      provider: 'dockerhub',
    });
    assert.equal(untracked.outcome, 'ignored');
  });
});
