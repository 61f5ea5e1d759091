// F-2: manifest requests that a registry answers with a redirect (registry.k8s.io answers every
// one with 307), through loopback redirecting proxies in front of a real docker-registry.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseImageReference, type ImageReference } from '../../src/core/image-reference.ts';
import type { TagResolution } from '../../src/core/image-resolver.ts';
import type { CredentialProvider } from '../../src/registry/credentials/credential.ts';
import { createRegistryClient } from '../../src/registry/create-registry-client.ts';
import { defaultRegistryConfig } from '../../src/registry/registry-config.ts';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.ts';
import { startRegistry, type TestRegistry } from '../../harness/registry/registry.ts';

const SECRET = 'redirect-pass-3f9a';
const credentials: CredentialProvider = {
  credentialsFor: () =>
    Promise.resolve([
      {
        username: 'redirect-user',
        password: SECRET,
        identityToken: undefined,
        registryToken: undefined,
        source: { kind: 'test', detail: 'test' },
      },
    ]),
};

function ref(text: string): ImageReference {
  const parsed = parseImageReference(text);
  if (!parsed.ok) throw new Error(parsed.problem.message);
  return parsed.reference;
}

async function resolveWith<T>(
  fn: (resolver: ReturnType<typeof createRegistryClient>['resolver']) => Promise<T>,
): Promise<T> {
  const client = createRegistryClient(
    defaultRegistryConfig({
      retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 10, maxRetryAfterMs: 1_000 },
    }),
    credentials,
  );
  try {
    return await fn(client.resolver);
  } finally {
    await client.close();
  }
}

const failureOf = (r: TagResolution): { kind: string; message: string } =>
  r.ok ? { kind: 'ok', message: '' } : r.failure;

describe('registry redirects (F-2)', () => {
  let registry: TestRegistry;
  let front: FaultProxy;
  let target: FaultProxy;
  let single: string;
  let index: { digest: string };
  const always = 1_000_000;
  const isPing = (_m: string, p: string): boolean => p === '/v2/';
  const isManifest = (_m: string, p: string): boolean => /\/manifests\//.test(p);

  before(async () => {
    registry = await startRegistry('plain');
    [front, target] = await Promise.all([
      startFaultProxy(registry.host),
      startFaultProxy(registry.host),
    ]);
    single = (await registry.pusher.pushImage('redir/app', 'v1')).digest;
    index = await registry.pusher.pushIndex('redir/multi', 'v1', [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
    ]);
    // The front asks for Basic auth, so the client sends Authorization to it; the target does not.
    front.add({
      match: isPing,
      times: always,
      respond: { status: 401, headers: { 'www-authenticate': 'Basic realm="front"' } },
    });
  });
  after(async () => {
    await Promise.all([front.stop(), target.stop()]);
    await registry.pusher.close();
    await registry.stop();
  });

  it('follows a 307 on HEAD and a 308 on GET to another origin, without Authorization there', async () => {
    for (const [method, status] of [
      ['HEAD', 307],
      ['GET', 308],
    ] as const) {
      front.add({
        match: (m, p) => m === method && isManifest(m, p) && !p.includes('?'),
        times: 1,
        redirect: { status, location: (path) => `http://${target.host}${path}` },
      });
    }
    const seen = target.requests.length;
    const { tag, platforms } = await resolveWith(async (resolver) => {
      const tagResult = await resolver.resolveTag(ref(`${front.host}/redir/multi:v1`));
      assert.ok(tagResult.ok, JSON.stringify(tagResult));
      return {
        tag: tagResult.value,
        platforms: await resolver.platforms(
          ref(`${front.host}/redir/multi:v1`),
          tagResult.value.digest,
        ),
      };
    });
    assert.equal(tag.digest, index.digest);
    assert.ok(platforms.ok && platforms.platforms.length === 2);
    const hops = target.requests.slice(seen);
    assert.ok(hops.length >= 2, 'HEAD and GET reached the redirect target');
    assert.ok(
      hops.every((r) => r.authorization === undefined),
      'no Authorization after origin change',
    );
    const fronted = front.requests.filter((r) => isManifest(r.method, r.path));
    assert.ok(
      fronted.some((r) => r.authorization?.startsWith('Basic ')),
      'the front got it',
    );
  });

  it('keeps Authorization on a same-origin redirect', async () => {
    front.add({
      match: (m, p) => isManifest(m, p) && !p.includes('?'),
      times: 1,
      redirect: { status: 302, location: (path) => `${path}?hop=1` },
    });
    const seen = front.requests.length;
    const result = await resolveWith((resolver) =>
      resolver.resolveTag(ref(`${front.host}/redir/app:v1`)),
    );
    assert.ok(result.ok, failureOf(result).message);
    assert.equal(result.value.digest, single);
    const hop = front.requests.slice(seen).find((r) => r.path.endsWith('?hop=1'));
    assert.ok(hop?.authorization?.startsWith('Basic '));
  });

  it('stops after 5 redirects with a protocol failure', async () => {
    front.add({
      match: (m, p) => isManifest(m, p) && p.includes('/loop/'),
      times: always,
      redirect: { location: (path) => path.replace(/(\?n=\d+)?$/, `?n=${Math.random()}`) },
    });
    const seen = front.requests.length;
    const result = await resolveWith((resolver) =>
      resolver.resolveTag(ref(`${front.host}/loop/app:v1`)),
    );
    assert.deepEqual([failureOf(result).kind], ['protocol']);
    assert.match(failureOf(result).message, /more than 5 redirects/);
    const hops = front.requests.slice(seen).filter((r) => r.path.includes('/loop/'));
    assert.ok(hops.length <= 12, `bounded (${hops.length} requests for HEAD and GET)`);
  });

  it('refuses a redirect to plain HTTP on a host that is neither loopback nor --insecure-registry', async () => {
    front.add({
      match: (m, p) => isManifest(m, p) && p.includes('/down/'),
      times: always,
      redirect: { location: (path) => `http://registry.invalid:5000${path}` },
    });
    const result = await resolveWith((resolver) =>
      resolver.resolveTag(ref(`${front.host}/down/app:v1`)),
    );
    assert.equal(failureOf(result).kind, 'protocol');
    assert.match(
      failureOf(result).message,
      /redirected to plain HTTP at http:\/\/registry\.invalid:5000/,
    );
  });

  it('still verifies the bytes served by the redirect target', async () => {
    front.add({
      match: (m, p) => m === 'GET' && isManifest(m, p) && p.includes('sha256:'),
      times: 1,
      redirect: { location: (path) => `http://${target.host}${path}` },
    });
    target.add({
      match: (m, p) => m === 'GET' && isManifest(m, p),
      times: 1,
      replaceBody: '{"schemaVersion":2}',
    });
    const result = await resolveWith((resolver) =>
      resolver.platforms(ref(`${front.host}/redir/multi:v1`), index.digest as never),
    );
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.failure.message, /does not hash to it/);
  });
});
