// The real Debian docker-registry with a `notifications` endpoint pointing at a loopback server
// running the /hooks routes: a push produces exactly one claim carrying the pushed manifest
// digest; a wrong token in the registry's config is refused (401) and produces none.
//
// "Exactly one" without timing: distribution delivers an endpoint's events serially, in order, so
// once the pull event of a later HEAD has arrived, every event of the push before it has too.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { Registry } from 'prom-client';
import { notificationRoutes } from '../../src/controller/notification-routes.ts';
import type { PushClaim } from '../../src/registry/notifications/push-claim.ts';
import { startServer, type RunningServer } from '../../src/serving/http-server.ts';
import { parseListenAddress } from '../../src/serving/listen-address.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { createMetricsRegistry } from '../../src/telemetry/metrics-registry.ts';
import { MEDIA_TYPES } from '../../src/core/image-resolver.ts';
import { startRegistry, type TestRegistry } from '../../harness/registry/registry.ts';

const TOKEN = 'registry-notification-token-5f0c';

interface Receiver {
  readonly server: RunningServer;
  readonly claims: PushClaim[];
  readonly metrics: Registry;
  count(result: string): Promise<number>;
}

async function startReceiver(): Promise<Receiver> {
  const claims: PushClaim[] = [];
  const metrics = createMetricsRegistry('test');
  const server = await startServer({
    listen: parseListenAddress('127.0.0.1:0'),
    routes: notificationRoutes({
      secrets: { distribution: { token: TOKEN } },
      onClaims: (batch) => claims.push(...batch),
      metrics,
      logger: createLogger({ component: 'test', level: 'silent' }),
    }),
    onHandlerError: () => undefined,
  });
  const count = async (result: string): Promise<number> => {
    const text = await metrics.metrics();
    const match = new RegExp(
      `kube_fresh_notifications_total\\{provider="distribution",result="${result}"[^}]*\\} (\\d+)`,
    ).exec(text);
    return Number(match?.[1] ?? 0);
  };
  return { server, claims, metrics, count };
}

/** Polls until `check` holds; the budget is generous because the machine may be busy. */
async function eventually(what: string, check: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function headManifest(
  registry: TestRegistry,
  repository: string,
  tag: string,
): Promise<void> {
  const response = await fetch(`${registry.url}/v2/${repository}/manifests/${tag}`, {
    method: 'HEAD',
    headers: { accept: Object.values(MEDIA_TYPES).join(', ') },
  });
  assert.equal(response.status, 200);
}

describe('distribution notifications from the real docker-registry', async () => {
  const receiver = await startReceiver();
  const url = `http://127.0.0.1:${receiver.server.port}/hooks/distribution`;
  const registry = await startRegistry('plain', { notifications: { url, token: TOKEN } });
  after(async () => {
    await registry.pusher.close();
    await registry.stop();
    await receiver.server.close();
  });

  it('a tag push produces exactly one claim with the pushed manifest digest', async () => {
    const pushed = await registry.pusher.pushImage('demo/app', 'v1');
    await headManifest(registry, 'demo/app', 'v1');
    await eventually(
      'the pull event after the push',
      async () => (await receiver.count('ignored')) >= 1,
    );
    assert.equal(receiver.claims.length, 1);
    const claim = receiver.claims[0];
    assert.equal(claim?.provider, 'distribution');
    assert.equal(claim?.registry, registry.host);
    assert.equal(claim?.repository, 'demo/app');
    assert.equal(claim?.tag, 'v1');
    assert.equal(claim?.digest, pushed.digest);
    assert.ok(claim?.eventId);
    assert.equal(await receiver.count('unauthorized'), 0);
  });

  it('a multi-arch push produces one claim, for the index under its tag', async () => {
    const before = receiver.claims.length;
    const ignoredBefore = await receiver.count('ignored');
    const index = await registry.pusher.pushIndex('demo/multi', 'v2', [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
    ]);
    await headManifest(registry, 'demo/multi', 'v2');
    // The two untagged children and the HEAD's pull event are all ignored.
    await eventually(
      'the pull event after the index push',
      async () => (await receiver.count('ignored')) >= ignoredBefore + 3,
    );
    const added = receiver.claims.slice(before);
    assert.deepEqual(
      added.map((c) => `${c.repository}:${c.tag}@${c.digest}`),
      [`demo/multi:v2@${index.digest}`],
    );
  });
});

describe('a registry configured with a wrong token', async () => {
  const receiver = await startReceiver();
  const url = `http://127.0.0.1:${receiver.server.port}/hooks/distribution`;
  // threshold 1 and a long backoff: the registry retries forever, but slowly, until it is stopped.
  const registry = await startRegistry('plain', {
    notifications: { url, token: 'not-the-token', threshold: 1, backoffMs: 500 },
  });
  after(async () => {
    // The registry first: it would keep retrying against a closed port otherwise.
    await registry.pusher.close();
    await registry.stop();
    await receiver.server.close();
  });

  it('is refused with 401 and produces no claim', async () => {
    await registry.pusher.pushImage('demo/app', 'v1');
    await eventually('a refused delivery', async () => (await receiver.count('unauthorized')) >= 2);
    assert.equal(receiver.claims.length, 0);
    assert.equal(await receiver.count('accepted'), 0);
  });
});
