// POST /invalidate on a running webhook with the real registry: a moved tag is served from the
// cache until a caller with the token invalidates it; without the token nothing is forgotten.
import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { NO_CREDENTIALS } from '../../src/registry/credentials/credential-providers.ts';
import { defaultRegistryConfig } from '../../src/registry/registry-config.ts';
import { createLogger } from '../../src/telemetry/logger.ts';
import { ensureServingCert } from '../../src/webhook/serving-cert.ts';
import { startWebhook, type RunningWebhook } from '../../src/webhook/start-webhook.ts';
import { startRegistry, type TestRegistry } from '../../harness/registry/registry.ts';

const TOKEN = 'a-long-enough-test-token-0123456789';

describe('POST /invalidate', { timeout: 120_000 }, () => {
  let registry: TestRegistry;
  let webhook: RunningWebhook;
  let ca: Buffer;

  const post = (
    path: string,
    body: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; json: unknown }> =>
    new Promise((resolve, reject) => {
      const req = httpsRequest(
        { host: '127.0.0.1', port: webhook.port, path, method: 'POST', ca, headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString();
            let json: unknown = text;
            try {
              json = JSON.parse(text);
            } catch {
              // plain-text answer
            }
            resolve({ status: res.statusCode ?? 0, json });
          });
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify(body));
    });

  const pinnedImage = async (image: string): Promise<string> => {
    const review = {
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: {
        uid: 'u-1',
        kind: { group: '', version: 'v1', kind: 'Pod' },
        namespace: 'default',
        operation: 'CREATE',
        object: { metadata: {}, spec: { containers: [{ name: 'app', image }] } },
      },
    };
    const { status, json } = await post('/mutate', review);
    assert.equal(status, 200);
    const patch = (json as { response: { patch?: string } }).response.patch;
    assert.ok(patch !== undefined, JSON.stringify(json));
    const ops = JSON.parse(Buffer.from(patch, 'base64').toString()) as Array<{ value: unknown }>;
    return String(ops[0]?.value);
  };

  before(async () => {
    registry = await startRegistry('plain');
    const dir = await mkdtemp(join(tmpdir(), 'kube-fresh-invalidate-'));
    const cert = await ensureServingCert(join(dir, 'pki'), ['127.0.0.1']);
    ca = await readFile(cert.caFile);
    webhook = await startWebhook({
      listen: { host: '127.0.0.1', port: 0 },
      tls: { certFile: cert.certFile, keyFile: cert.keyFile },
      metricsListen: undefined,
      cacheTtlMs: 600_000,
      resolveTimeoutMs: 5_000,
      excludedNamespaces: [],
      registry: defaultRegistryConfig(),
      dockerCredentials: NO_CREDENTIALS,
      secrets: { get: () => Promise.resolve({ ok: false, reason: 'missing' }) },
      logger: createLogger({ component: 'webhook', destination: new PassThrough().resume() }),
      invalidateToken: TOKEN,
    });
  });
  after(async () => {
    await webhook?.close(0);
    await registry?.pusher.close();
    await registry?.stop();
  });

  it('forgets a moved tag only for a caller with the token', async () => {
    const image = `${registry.host}/app/web:1`;
    const d1 = (await registry.pusher.pushImage('app/web', '1')).digest;
    assert.equal(await pinnedImage(image), `${image}@${d1}`);
    const d2 = (await registry.pusher.pushImage('app/web', '1')).digest;
    assert.equal(await pinnedImage(image), `${image}@${d1}`, 'cached');

    const refused = await post('/invalidate', { images: [image] });
    assert.equal(refused.status, 401);
    const wrong = await post('/invalidate', { images: [image] }, { authorization: 'Bearer nope' });
    assert.equal(wrong.status, 401);
    assert.equal(await pinnedImage(image), `${image}@${d1}`, 'still cached');

    const bad = await post('/invalidate', { images: 'x' }, { authorization: `Bearer ${TOKEN}` });
    assert.equal(bad.status, 400);
    const done = await post(
      '/invalidate',
      { images: [`${registry.host}/app/web:1@${d1}`] }, // any spelling of the tag
      { authorization: `Bearer ${TOKEN}` },
    );
    assert.equal(done.status, 200);
    assert.deepEqual(done.json, { invalidated: [`${registry.host}/app/web:1`] });
    assert.equal(await pinnedImage(image), `${image}@${d2}`);
  });
});
