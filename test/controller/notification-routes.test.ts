// The notification routes on a real loopback server: status codes per outcome, redeliveries
// handled once, the body limit, URL tokens, metrics, and logs that never show a secret.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, describe, it } from 'node:test';
import { notificationRoutes } from '../../src/controller/notification-routes.ts';
import type { PushClaim } from '../../src/registry/notifications/push-claim.ts';
import { startServer } from '../../src/serving/http-server.ts';
import { parseListenAddress } from '../../src/serving/listen-address.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { createMetricsRegistry } from '../../src/telemetry/metrics-registry.ts';

const FIXTURES = join(import.meta.dirname, '../fixtures/notifications');
const fixture = (name: string): Buffer => readFileSync(join(FIXTURES, name));
const EVENTS_TYPE = 'application/vnd.docker.distribution.events.v1+json';
const SECRETS = {
  distribution: { token: 'dist-s3cret-token' },
  dockerhub: { token: 'hub-s3cret-token' },
  github: { secret: 'gh-s3cret' },
  harbor: { authorization: 'Bearer harbor-s3cret' },
  quay: { token: 'quay-s3cret-token' },
};

describe('notificationRoutes', async () => {
  const claims: PushClaim[] = [];
  let failNext = false;
  const logStream = new PassThrough();
  const logText: string[] = [];
  logStream.on('data', (c: Buffer) => logText.push(c.toString('utf8')));
  const logger = createLogger({ component: 'test', destination: logStream, level: 'debug' });
  const metrics = createMetricsRegistry('test');
  const server = await startServer({
    listen: parseListenAddress('127.0.0.1:0'),
    routes: notificationRoutes({
      secrets: SECRETS,
      onClaims: (batch) => {
        if (failNext) {
          failNext = false;
          throw new Error('queue full');
        }
        claims.push(...batch);
      },
      metrics,
      logger,
      maxBodyBytes: 64 * 1024,
    }),
    onHandlerError: () => undefined,
  });
  after(() => server.close());
  const base = `http://127.0.0.1:${server.port}`;
  const post = (path: string, body: Buffer | string, headers: Record<string, string> = {}) =>
    fetch(base + path, {
      method: 'POST',
      body: typeof body === 'string' ? body : new Uint8Array(body),
      headers,
    });
  const distribution = (body: Buffer | string, token = SECRETS.distribution.token) =>
    post('/hooks/distribution', body, {
      authorization: `Bearer ${token}`,
      'content-type': EVENTS_TYPE,
    });

  it('accepts a push (202) and hands over one claim with the digest', async () => {
    const response = await distribution(fixture('distribution-push.json'));
    assert.equal(response.status, 202);
    assert.deepEqual(await response.json(), { accepted: 1, duplicates: 0, ignored: 0 });
    assert.equal(claims.length, 1);
    assert.equal(claims[0]?.repository, 'demo/app');
    assert.equal(
      claims[0]?.digest,
      'sha256:66a74556f1df4dff04a659f83b1f2e577f8f770f373b9f0a7e0a62e30fd4106e',
    );
  });

  it('handles a redelivery of the same event id once (200)', async () => {
    const response = await distribution(fixture('distribution-push.json'));
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { accepted: 0, duplicates: 1, ignored: 0 });
    assert.equal(claims.length, 1);
  });

  it('refuses a wrong token (401) and a disabled provider path stays routed', async () => {
    const response = await distribution(fixture('distribution-multiarch.json'), 'wrong');
    assert.equal(response.status, 401);
    assert.equal(claims.length, 1);
    // Credentials are checked before the body is read: a stranger's oversized body is 401, not 413.
    const big = JSON.stringify({ events: [], padding: 'x'.repeat(70 * 1024) });
    assert.equal((await distribution(big, 'wrong')).status, 401);
  });

  it('refuses malformed bodies (400) and bodies over the limit (413)', async () => {
    assert.equal((await distribution('{"events": [')).status, 400);
    const big = JSON.stringify({ events: [], padding: 'x'.repeat(70 * 1024) });
    assert.equal((await distribution(big)).status, 413);
    assert.equal(claims.length, 1);
  });

  it('answers pulls with 200 and no claim', async () => {
    const response = await distribution(fixture('distribution-pull.json'));
    assert.equal(response.status, 200);
    assert.equal(claims.length, 1);
  });

  it('takes the Docker Hub and Quay token from the query or the last path segment', async () => {
    const hub = fixture('dockerhub-push.json');
    assert.equal((await post('/hooks/dockerhub', hub)).status, 401);
    assert.equal((await post('/hooks/dockerhub?token=nope', hub)).status, 401);
    assert.equal(
      (await post(`/hooks/dockerhub?token=${SECRETS.dockerhub.token}`, hub)).status,
      202,
    );
    const quay = fixture('quay-push.json');
    assert.equal((await post(`/hooks/quay/${SECRETS.quay.token}`, quay)).status, 202);
    assert.equal((await post(`/hooks/quay/${SECRETS.quay.token}/x`, quay)).status, 401);
    assert.equal(claims.length, 4);
  });

  it('verifies GitHub signatures over the raw body', async () => {
    const body = fixture('github-package-published.json');
    const signature = `sha256=${createHmac('sha256', SECRETS.github.secret).update(body).digest('hex')}`;
    const headers = {
      'content-type': 'application/json',
      'x-github-event': 'package',
      'x-github-delivery': 'd-1',
    };
    const bad = await post('/hooks/github', body, {
      ...headers,
      'x-hub-signature-256': 'sha256=00',
    });
    assert.equal(bad.status, 401);
    const good = await post('/hooks/github', body, {
      ...headers,
      'x-hub-signature-256': signature,
    });
    assert.equal(good.status, 202);
    assert.equal(claims.at(-1)?.registry, 'ghcr.io');
  });

  it('answers 500 when the controller cannot take the claims, and accepts the redelivery', async () => {
    const body = fixture('harbor-push-default.json');
    const headers = { authorization: SECRETS.harbor.authorization };
    failNext = true;
    assert.equal((await post('/hooks/harbor', body, headers)).status, 500);
    const before = claims.length;
    assert.equal((await post('/hooks/harbor', body, headers)).status, 202);
    assert.equal(claims.length, before + 1);
  });

  it('counts results per provider and never logs or exports a secret', async () => {
    const text = await metrics.metrics();
    const line = (provider: string, result: string): number => {
      const match = new RegExp(
        `kube_fresh_notifications_total\\{provider="${provider}",result="${result}"[^}]*\\} (\\d+)`,
      ).exec(text);
      return Number(match?.[1] ?? 0);
    };
    assert.equal(line('distribution', 'accepted'), 1);
    assert.equal(line('distribution', 'duplicate'), 1);
    assert.equal(line('distribution', 'unauthorized'), 2);
    assert.equal(line('distribution', 'malformed'), 1);
    assert.equal(line('distribution', 'too_large'), 1);
    assert.equal(line('distribution', 'ignored'), 1);
    assert.equal(line('dockerhub', 'unauthorized'), 2);
    assert.equal(line('quay', 'accepted'), 1);
    assert.equal(line('harbor', 'failed'), 1);
    assert.equal(line('harbor', 'accepted'), 1);
    logger.flush();
    await new Promise((resolve) => setImmediate(resolve));
    const logs = logText.join('');
    assert.match(logs, /push notification/);
    assert.match(logs, /notification refused/);
    assert.doesNotMatch(logs + text, /s3cret/);
  });
});
