// Hostile and hung registries (issue 17: F-12, F-19, F-20), through a fault proxy in front of a
// real docker-registry. Assertions count requests, never wall-clock time.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseImageReference, type ImageReference } from '../../src/core/image-reference.ts';
import type { TagResolution } from '../../src/core/image-resolver.ts';
import { NO_CREDENTIALS } from '../../src/registry/credentials/credential-providers.ts';
import { createRegistryClient } from '../../src/registry/create-registry-client.ts';
import { defaultRegistryConfig, type RegistryConfig } from '../../src/registry/registry-config.ts';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.ts';
import { startRegistry, type TestRegistry } from '../../harness/registry/registry.ts';

function ref(text: string): ImageReference {
  const parsed = parseImageReference(text);
  if (!parsed.ok) throw new Error(parsed.problem.message);
  return parsed.reference;
}

async function withResolver<T>(
  overrides: Partial<RegistryConfig>,
  fn: (resolver: ReturnType<typeof createRegistryClient>['resolver']) => Promise<T>,
): Promise<T> {
  const client = createRegistryClient(
    defaultRegistryConfig({
      retry: { attempts: 4, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 30_000 },
      ...overrides,
    }),
    NO_CREDENTIALS,
  );
  try {
    return await fn(client.resolver);
  } finally {
    await client.close();
  }
}

const kindOf = (r: TagResolution): string => (r.ok ? 'ok' : r.failure.kind);
const messageOf = (r: TagResolution): string => (r.ok ? '' : r.failure.message);

describe('hostile registries', () => {
  let registry: TestRegistry;
  let proxy: FaultProxy;
  let digest: string;
  const manifestsFor = (repo: string): number =>
    proxy.requests.filter((r) => r.path.startsWith(`/v2/${repo}/manifests/`)).length;
  const only =
    (repo: string, method?: string) =>
    (m: string, p: string): boolean =>
      p.startsWith(`/v2/${repo}/manifests/`) && (method === undefined || m === method);

  before(async () => {
    registry = await startRegistry('plain');
    proxy = await startFaultProxy(registry.host);
    digest = (await registry.pusher.pushImage('hostile/app', 'v1')).digest;
  });
  after(async () => {
    await proxy.stop();
    await registry.pusher.close();
    await registry.stop();
  });

  it('F-19: a HEAD with a non-manifest Content-Type is not believed; GET hashes the real bytes', async () => {
    proxy.add({
      match: only('hostile/app', 'HEAD'),
      respond: {
        status: 200,
        headers: {
          'content-type': 'text/html',
          'docker-content-digest': `sha256:${'c'.repeat(64)}`,
        },
      },
    });
    const result = await withResolver({}, (r) => r.resolveTag(ref(`${proxy.host}/hostile/app:v1`)));
    assert.ok(result.ok, messageOf(result));
    assert.equal(result.value.digest, digest);
  });

  it('F-19: a GET answered with a non-manifest Content-Type is a protocol failure', async () => {
    const html = (m: string, p: string) => only('hostile/app')(m, p);
    proxy.add({
      match: html,
      times: 2,
      rewriteHeaders: (h) => {
        const rest = Object.fromEntries(
          Object.entries(h).filter(([name]) => name !== 'docker-content-digest'),
        );
        return { ...rest, 'content-type': 'text/html' };
      },
    });
    const result = await withResolver({}, (r) => r.resolveTag(ref(`${proxy.host}/hostile/app:v1`)));
    assert.equal(kindOf(result), 'protocol');
    assert.match(messageOf(result), /answered with "text\/html", not an image manifest/);
  });

  it('F-20: a body over the size cap is a protocol failure, not unreachable', async () => {
    const huge = 'x'.repeat(8 * 1024 * 1024 + 10);
    proxy.add({
      match: only('hostile/app'),
      times: 2,
      respond: {
        status: 200,
        headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
        body: huge,
      },
    });
    const result = await withResolver({}, (r) => r.resolveTag(ref(`${proxy.host}/hostile/app:v1`)));
    assert.equal(kindOf(result), 'protocol');
    assert.match(messageOf(result), /sent more than 8388608 bytes/);
  });

  it('F-12: a Retry-After that ends past the look-up deadline is not waited for', async () => {
    proxy.add({
      match: only('deadline/a'),
      times: 10,
      respond: { status: 429, headers: { 'retry-after': '5' } },
    });
    const result = await withResolver({ lookupDeadlineMs: 2_000 }, (r) =>
      r.resolveTag(ref(`${proxy.host}/deadline/a:v1`)),
    );
    assert.equal(kindOf(result), 'rate-limited');
    assert.equal(
      manifestsFor('deadline/a'),
      1,
      'one try: the 5 s wait would pass the 2 s deadline',
    );
  });

  it('F-12: tries of a hung look-up stop at its deadline, not after every retry', async () => {
    proxy.add({ match: only('deadline/b'), times: 10, hang: true });
    const result = await withResolver(
      { requestTimeoutMs: 300, lookupDeadlineMs: 450, breakerThreshold: 100 },
      (r) => r.resolveTag(ref(`${proxy.host}/deadline/b:v1`)),
    );
    assert.equal(kindOf(result), 'unreachable');
    assert.ok(manifestsFor('deadline/b') <= 2, `${manifestsFor('deadline/b')} tries, not 4`);
  });

  it('F-12: after 3 failures in a row a registry is skipped: the rest fail at once as unreachable', async () => {
    const hung = await startFaultProxy(registry.host);
    try {
      hung.add({ times: 1_000, hang: true });
      const tags = Array.from({ length: 12 }, (_, i) => ref(`${hung.host}/many/app:t${i}`));
      const results = await withResolver(
        { requestTimeoutMs: 300, lookupDeadlineMs: 5_000, maxConcurrencyPerRegistry: 2 },
        (r) => Promise.all(tags.map((t) => r.resolveTag(t))),
      );
      assert.deepEqual(new Set(results.map(kindOf)), new Set(['unreachable']));
      assert.ok(results.some((r) => /not tried: 3 requests in a row failed/.test(messageOf(r))));
      const sent = hung.requests.filter((r) => r.path.includes('/manifests/')).length;
      assert.ok(sent <= 4, `${sent} manifest requests for 12 tags × 4 tries`);
    } finally {
      await hung.stop();
    }
  });
});
