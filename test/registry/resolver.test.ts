// The HTTP resolver against a real distribution registry on loopback (and a fault proxy in front
// of it for the failures a real registry will not produce on demand).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseImageReference, type ImageReference } from '../../src/core/image-reference.ts';
import {
  MEDIA_TYPES,
  type ImageResolver,
  type TagResolution,
} from '../../src/core/image-resolver.ts';
import {
  type Credential,
  type CredentialProvider,
} from '../../src/registry/credentials/credential.ts';
import { NO_CREDENTIALS } from '../../src/registry/credentials/credential-providers.ts';
import {
  createRegistryClient,
  type RegistryClient,
} from '../../src/registry/create-registry-client.ts';
import { defaultRegistryConfig, type RegistryConfig } from '../../src/registry/registry-config.ts';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.ts';
import {
  startRegistry,
  TEST_PASSWORD,
  TEST_USER,
  type TestRegistry,
} from '../../harness/registry/registry.ts';

const FAST: Partial<RegistryConfig> = {
  retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 2_000 },
  requestTimeoutMs: 1_500,
  connectTimeoutMs: 1_000,
};

function ref(text: string): ImageReference {
  const parsed = parseImageReference(text);
  if (!parsed.ok) throw new Error(parsed.problem.message);
  return parsed.reference;
}

function client(
  overrides: Partial<RegistryConfig> = {},
  credentials: CredentialProvider = NO_CREDENTIALS,
): RegistryClient {
  return createRegistryClient(defaultRegistryConfig({ ...FAST, ...overrides }), credentials);
}

function staticCredentials(
  username: string,
  password: string,
  detail = 'test',
): CredentialProvider {
  const credential: Credential = {
    username,
    password,
    identityToken: undefined,
    registryToken: undefined,
    source: { kind: 'test', detail },
  };
  return { credentialsFor: () => Promise.resolve([credential]) };
}

function expectOk(result: TagResolution): Extract<TagResolution, { ok: true }>['value'] {
  assert.ok(result.ok, result.ok ? '' : `${result.failure.kind}: ${result.failure.message}`);
  return result.value;
}

function expectFailure(result: TagResolution, kind: string): string {
  assert.equal(result.ok, false, 'expected a failure');
  if (result.ok) return '';
  assert.equal(result.failure.kind, kind, result.failure.message);
  return result.failure.message;
}

async function withClient<T>(
  c: RegistryClient,
  fn: (resolver: ImageResolver) => Promise<T>,
): Promise<T> {
  try {
    return await fn(c.resolver);
  } finally {
    await c.close();
  }
}

describe('resolver on a plain-HTTP registry', () => {
  let registry: TestRegistry;
  before(async () => {
    registry = await startRegistry('plain');
  });
  after(async () => {
    await registry.pusher.close();
    await registry.stop();
  });

  it('follows a tag that moved to the new digest (TTL 0 between runs)', async () => {
    const first = await registry.pusher.pushImage('team/app', 'dev');
    const c = client({ tagCacheTtlMs: 0 });
    await withClient(c, async (resolver) => {
      assert.equal(
        expectOk(await resolver.resolveTag(ref(`${registry.host}/team/app:dev`))).digest,
        first.digest,
      );
      const second = await registry.pusher.pushImage('team/app', 'dev');
      assert.notEqual(second.digest, first.digest);
      const now = expectOk(await resolver.resolveTag(ref(`${registry.host}/team/app:dev`)));
      assert.equal(now.digest, second.digest);
      assert.equal(now.mediaType, MEDIA_TYPES.ociManifest);
      assert.deepEqual(now.credentialSource, {
        kind: 'anonymous',
        detail: 'no credential matched',
      });
    });
  });

  for (const flavour of ['docker', 'oci'] as const) {
    it(`returns the ${flavour === 'docker' ? 'manifest list' : 'OCI index'} digest, not its amd64 child, and lists the children on demand`, async () => {
      const index = await registry.pusher.pushIndex(
        `multi/${flavour}`,
        'v1',
        [
          { os: 'linux', architecture: 'amd64' },
          { os: 'linux', architecture: 'arm', variant: 'v7' },
          { os: 'linux', architecture: 'arm64', variant: 'v8' },
        ],
        flavour,
      );
      await withClient(client(), async (resolver) => {
        const r = ref(`${registry.host}/multi/${flavour}:v1`);
        const resolved = expectOk(await resolver.resolveTag(r));
        assert.equal(resolved.digest, index.digest);
        assert.equal(
          resolved.mediaType,
          flavour === 'docker' ? MEDIA_TYPES.dockerList : MEDIA_TYPES.ociIndex,
        );
        const platforms = await resolver.platforms(r, resolved.digest);
        assert.ok(platforms.ok);
        assert.deepEqual(
          platforms.platforms.map((p) => [p.os, p.architecture, p.variant, p.digest]),
          index.children.map((c) => [
            c.platform.os,
            c.platform.architecture,
            c.platform.variant,
            c.digest,
          ]),
        );
        const arm = index.children[1];
        assert.ok(arm);
        const config = await resolver.configDigest(r, arm.digest as never);
        assert.ok(config.ok);
        assert.equal(config.configDigest, arm.configDigest);
        // Content by digest is immutable: asking again sends nothing.
        const before = (await registry.manifestRequests()).length;
        await resolver.platforms(r, resolved.digest);
        await resolver.configDigest(r, arm.digest as never);
        assert.equal((await registry.manifestRequests()).length, before);
      });
    });
  }

  it('a single-platform image has no platform children and costs no GET', async () => {
    const image = await registry.pusher.pushImage('single/app', 'v1', 'docker');
    await withClient(client(), async (resolver) => {
      const r = ref(`${registry.host}/single/app:v1`);
      const resolved = expectOk(await resolver.resolveTag(r));
      assert.equal(resolved.digest, image.digest);
      assert.equal(resolved.mediaType, MEDIA_TYPES.dockerManifest);
      const platforms = await resolver.platforms(r, resolved.digest);
      assert.deepEqual(platforms, { ok: true, platforms: [] });
      const gets = (await registry.manifestRequests()).filter(
        (e) => e.method === 'GET' && e.path.startsWith('/v2/single/app/'),
      );
      assert.equal(gets.length, 0);
    });
  });

  it('an unknown tag or repository is not-found', async () => {
    await registry.pusher.pushImage('known/app', 'v1');
    await withClient(client(), async (resolver) => {
      const tagMessage = expectFailure(
        await resolver.resolveTag(ref(`${registry.host}/known/app:nope`)),
        'not-found',
      );
      assert.match(tagMessage, /known\/app:nope not found/);
      expectFailure(await resolver.resolveTag(ref(`${registry.host}/unknown/app:v1`)), 'not-found');
    });
  });

  it('100 concurrent callers asking for one tag cause one manifest request (registry access log)', async () => {
    await registry.pusher.pushImage('dedup/app', 'v1');
    await withClient(client(), async (resolver) => {
      const results = await Promise.all(
        Array.from({ length: 100 }, () =>
          resolver.resolveTag(ref(`${registry.host}/dedup/app:v1`)),
        ),
      );
      assert.equal(new Set(results.map((r) => expectOk(r).digest)).size, 1);
      // Different spellings of the same tag are one tag too.
      await resolver.resolveTag(ref(`${registry.host}/dedup/app:v1`));
      const served = (await registry.manifestRequests()).filter(
        (e) => e.path === '/v2/dedup/app/manifests/v1',
      );
      assert.deepEqual(
        served.map((e) => e.method),
        ['HEAD'],
      );
    });
  });

  it('a stopped registry is unreachable, never a digest', async () => {
    const doomed = await startRegistry('plain');
    await doomed.pusher.pushImage('gone/app', 'v1');
    await doomed.pusher.close();
    await doomed.stop();
    await withClient(client(), async (resolver) => {
      const message = expectFailure(
        await resolver.resolveTag(ref(`${doomed.host}/gone/app:v1`)),
        'unreachable',
      );
      assert.match(message, /cannot reach https?:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
    });
  });

  it('refuses credentials over plain HTTP to a non-loopback-looking host only; loopback is fine', async () => {
    await withClient(client({}, staticCredentials('u', 'p')), async (resolver) => {
      const image = await registry.pusher.pushImage('creds/app', 'v1');
      assert.equal(
        expectOk(await resolver.resolveTag(ref(`${registry.host}/creds/app:v1`))).digest,
        image.digest,
      );
    });
  });
});

describe('resolver through a fault-injecting proxy', () => {
  let registry: TestRegistry;
  let proxy: FaultProxy;
  before(async () => {
    registry = await startRegistry('plain');
    proxy = await startFaultProxy(registry.host);
    await registry.pusher.pushImage('faults/app', 'v1');
  });
  after(async () => {
    await proxy.stop();
    await registry.pusher.close();
    await registry.stop();
  });
  const target = (): ImageReference => ref(`${proxy.host}/faults/app:v1`);
  const manifestHits = (): number =>
    proxy.requests.filter((r) => r.path.includes('/manifests/')).length;

  it('retries 429 with Retry-After, then succeeds', async () => {
    proxy.add({ times: 2, respond: { status: 429, headers: { 'retry-after': '1' } } });
    const started = Date.now();
    const before = manifestHits();
    await withClient(client(), async (resolver) => {
      expectOk(await resolver.resolveTag(target()));
    });
    assert.equal(manifestHits() - before, 3);
    assert.ok(Date.now() - started >= 1_900, 'waited for Retry-After twice');
  });

  it('retries 503 with Retry-After, then succeeds', async () => {
    proxy.add({ times: 1, respond: { status: 503, headers: { 'retry-after': '1' } } });
    await withClient(client(), async (resolver) => {
      expectOk(await resolver.resolveTag(target()));
    });
  });

  it('gives up as rate-limited when 429 persists, and does not wait for a Retry-After beyond the cap', async () => {
    proxy.add({
      times: 1,
      respond: {
        status: 429,
        headers: {
          'retry-after': '3600',
          'ratelimit-limit': '100;w=21600',
          'ratelimit-remaining': '0;w=21600',
        },
      },
    });
    const started = Date.now();
    await withClient(client({ tagCacheTtlMs: 0 }), async (resolver) => {
      const message = expectFailure(await resolver.resolveTag(target()), 'rate-limited');
      assert.match(message, /HTTP 429; retry after 3600; 0 of 100 pulls left per 6 h/);
    });
    assert.ok(Date.now() - started < 1_500);
  });

  it('gives up as unreachable when 5xx persists', async () => {
    proxy.add({ times: 3, respond: { status: 502 } });
    await withClient(client(), async (resolver) => {
      assert.match(
        expectFailure(await resolver.resolveTag(target()), 'unreachable'),
        /HTTP 502 after 3 tries/,
      );
    });
  });

  it('a registry that does not answer in time is unreachable', async () => {
    proxy.add({ times: 3, hang: true });
    await withClient(client({ requestTimeoutMs: 300 }), async (resolver) => {
      assert.match(
        expectFailure(await resolver.resolveTag(target()), 'unreachable'),
        /did not answer within 300 ms/,
      );
    });
  });

  it('falls back to GET and hashes the bytes when HEAD carries no digest', async () => {
    const digest = (await registry.pusher.pushImage('faults/nodigest', 'v1')).digest;
    proxy.add({
      match: (m, p) => m === 'HEAD' && p.includes('/faults/nodigest/'),
      rewriteHeaders: ({ 'docker-content-digest': _, ...rest }) => rest,
    });
    proxy.add({
      match: (m, p) => m === 'GET' && p.includes('/faults/nodigest/'),
      rewriteHeaders: ({ 'docker-content-digest': _, ...rest }) => rest,
    });
    await withClient(client(), async (resolver) => {
      assert.equal(
        expectOk(await resolver.resolveTag(ref(`${proxy.host}/faults/nodigest:v1`))).digest,
        digest,
      );
    });
  });

  it('falls back to GET when HEAD is refused with 405', async () => {
    const digest = (await registry.pusher.pushImage('faults/nohead', 'v1')).digest;
    proxy.add({
      match: (m, p) => m === 'HEAD' && p.includes('/faults/nohead/'),
      respond: { status: 405 },
    });
    await withClient(client(), async (resolver) => {
      assert.equal(
        expectOk(await resolver.resolveTag(ref(`${proxy.host}/faults/nohead:v1`))).digest,
        digest,
      );
    });
  });

  it('a GET whose digest header does not match the bytes is a protocol failure', async () => {
    await registry.pusher.pushImage('faults/liar', 'v1');
    proxy.add({
      match: (m, p) => m === 'HEAD' && p.includes('/faults/liar/'),
      respond: { status: 405 },
    });
    proxy.add({
      match: (m, p) => m === 'GET' && p.includes('/faults/liar/'),
      replaceBody: '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json"}',
    });
    await withClient(client(), async (resolver) => {
      assert.match(
        expectFailure(await resolver.resolveTag(ref(`${proxy.host}/faults/liar:v1`)), 'protocol'),
        /does not match the manifest bytes/,
      );
    });
  });

  it('garbage instead of a manifest is a protocol failure', async () => {
    proxy.add({
      match: (m, p) => p.includes('/faults/garbage/'),
      times: 2,
      respond: {
        status: 200,
        headers: { 'content-type': 'text/html' },
        body: '<html>login</html>',
      },
    });
    await withClient(client(), async (resolver) => {
      expectFailure(await resolver.resolveTag(ref(`${proxy.host}/faults/garbage:v1`)), 'protocol');
    });
  });

  it('403 on HEAD falls back to GET; 403 on both is forbidden', async () => {
    await registry.pusher.pushImage('faults/denied', 'v1');
    proxy.add({
      times: 2,
      match: (_m, p) => p.includes('/faults/denied/'),
      respond: {
        status: 403,
        body: '{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}',
      },
    });
    await withClient(client(), async (resolver) => {
      const message = expectFailure(
        await resolver.resolveTag(ref(`${proxy.host}/faults/denied:v1`)),
        'forbidden',
      );
      assert.match(message, /DENIED: requested access to the resource is denied/);
    });
    const hits = proxy.requests
      .filter((r) => r.path.includes('/faults/denied/'))
      .map((r) => r.method);
    assert.deepEqual(hits, ['HEAD', 'GET']);
  });

  it('reads Docker Hub rate-limit headers and stops spending GETs when the quota is nearly spent', async () => {
    await registry.pusher.pushIndex('faults/quota', 'v1', [{ os: 'linux', architecture: 'amd64' }]);
    const quota = { 'ratelimit-limit': '100;w=21600', 'ratelimit-remaining': '5;w=21600' };
    proxy.add({
      match: (m, p) => m === 'HEAD' && p.includes('/faults/quota/'),
      rewriteHeaders: (h) => ({ ...h, ...quota }),
    });
    const c = client();
    await withClient(c, async (resolver) => {
      const r = ref(`${proxy.host}/faults/quota:v1`);
      const resolved = expectOk(await resolver.resolveTag(r));
      assert.deepEqual(c.resolver.rateLimit(proxy.host), {
        limit: 100,
        remaining: 5,
        windowSeconds: 21600,
      });
      const platforms = await resolver.platforms(r, resolved.digest);
      assert.equal(platforms.ok, false);
      if (!platforms.ok) {
        assert.equal(platforms.failure.kind, 'rate-limited');
        assert.match(
          platforms.failure.message,
          /pull quota nearly spent \(5 of 100 pulls left per 6 h\)/,
        );
      }
    });
    assert.equal(
      proxy.requests.filter((r) => r.method === 'GET' && r.path.includes('/faults/quota/')).length,
      0,
    );
  });
});

describe('resolver with TLS and htpasswd Basic auth', () => {
  let registry: TestRegistry;
  let digest: string;
  before(async () => {
    registry = await startRegistry('htpasswd-tls');
    digest = (await registry.pusher.pushImage('secure/app', 'v1')).digest;
  });
  after(async () => {
    await registry.pusher.close();
    await registry.stop();
  });
  const target = (): ImageReference => ref(`${registry.host}/secure/app:v1`);

  it('resolves with the right password and the CA trusted', async () => {
    await withClient(
      client(
        { extraCaCertificates: [registry.pki?.caCertPem ?? ''] },
        staticCredentials(TEST_USER, TEST_PASSWORD, 'htpasswd user'),
      ),
      async (resolver) => {
        const resolved = expectOk(await resolver.resolveTag(target()));
        assert.equal(resolved.digest, digest);
        assert.deepEqual(resolved.credentialSource, { kind: 'test', detail: 'htpasswd user' });
      },
    );
  });

  it('a wrong password is unauthorized, and the message names the source but not the secret', async () => {
    await withClient(
      client(
        { extraCaCertificates: [registry.pki?.caCertPem ?? ''] },
        staticCredentials(TEST_USER, 'wrong-password', 'bad creds'),
      ),
      async (resolver) => {
        const message = expectFailure(await resolver.resolveTag(target()), 'unauthorized');
        assert.match(message, /bad creds/);
        assert.doesNotMatch(message, /wrong-password/);
      },
    );
  });

  it('no credential is unauthorized', async () => {
    await withClient(
      client({ extraCaCertificates: [registry.pki?.caCertPem ?? ''] }),
      async (resolver) => {
        assert.match(
          expectFailure(await resolver.resolveTag(target()), 'unauthorized'),
          /requires a login/,
        );
      },
    );
  });

  it('an untrusted certificate is a tls failure; --insecure-registry accepts it', async () => {
    await withClient(client({}, staticCredentials(TEST_USER, TEST_PASSWORD)), async (resolver) => {
      assert.match(expectFailure(await resolver.resolveTag(target()), 'tls'), /--registry-ca/);
    });
    await withClient(
      client({ insecureRegistries: [registry.host] }, staticCredentials(TEST_USER, TEST_PASSWORD)),
      async (resolver) => {
        assert.equal(expectOk(await resolver.resolveTag(target())).digest, digest);
      },
    );
  });

  it('the first matching credential is refused, the next one works (kubelet tries each)', async () => {
    const bad: Credential = {
      username: TEST_USER,
      password: 'nope',
      identityToken: undefined,
      registryToken: undefined,
      source: { kind: 'pull-secret', detail: 'ns/bad' },
    };
    const good: Credential = {
      ...bad,
      password: TEST_PASSWORD,
      source: { kind: 'pull-secret', detail: 'ns/good' },
    };
    const provider: CredentialProvider = { credentialsFor: () => Promise.resolve([bad, good]) };
    await withClient(
      client({ extraCaCertificates: [registry.pki?.caCertPem ?? ''] }, provider),
      async (resolver) => {
        assert.deepEqual(expectOk(await resolver.resolveTag(target())).credentialSource, {
          kind: 'pull-secret',
          detail: 'ns/good',
        });
      },
    );
  });
});

describe('resolver with token auth', () => {
  let registry: TestRegistry;
  before(async () => {
    registry = await startRegistry('token');
    await registry.pusher.pushImage('public/app', 'v1');
    await registry.pusher.pushImage('public/app', 'v2');
    await registry.pusher.pushImage('private/app', 'v1');
  });
  after(async () => {
    await registry.pusher.close();
    await registry.stop();
  });

  it('anonymous tokens work for public repositories; one token per repository, reused across tags', async () => {
    const before = registry.tokenServer?.requests.length ?? 0;
    await withClient(client(), async (resolver) => {
      expectOk(await resolver.resolveTag(ref(`${registry.host}/public/app:v1`)));
      expectOk(await resolver.resolveTag(ref(`${registry.host}/public/app:v2`)));
    });
    const requests = registry.tokenServer?.requests.slice(before) ?? [];
    assert.deepEqual(
      requests.map((r) => [r.user, r.scopes]),
      [[undefined, ['repository:public/app:pull']]],
    );
  });

  it('one manifest request per tag: the challenge is learnt once, before the first manifest request', async () => {
    await registry.pusher.pushImage('economy/app', 'v1');
    await withClient(client(), async (resolver) => {
      expectOk(await resolver.resolveTag(ref(`${registry.host}/economy/app:v1`)));
    });
    const served = (await registry.manifestRequests()).filter((e) =>
      e.path.startsWith('/v2/economy/'),
    );
    assert.deepEqual(
      served.map((e) => `${e.method} ${e.status}`),
      ['HEAD 200'],
    );
  });

  it('a private repository needs the right credentials', async () => {
    await withClient(client(), async (resolver) => {
      expectFailure(
        await resolver.resolveTag(ref(`${registry.host}/private/app:v1`)),
        'unauthorized',
      );
    });
    await withClient(client({}, staticCredentials(TEST_USER, 'wrong')), async (resolver) => {
      assert.match(
        expectFailure(
          await resolver.resolveTag(ref(`${registry.host}/private/app:v1`)),
          'unauthorized',
        ),
        /token service .* refused/,
      );
    });
    await withClient(client({}, staticCredentials(TEST_USER, TEST_PASSWORD)), async (resolver) => {
      expectOk(await resolver.resolveTag(ref(`${registry.host}/private/app:v1`)));
    });
  });

  it('an invalid_token answer drops the cached token, fetches a new one and retries once', async () => {
    await registry.pusher.pushImage('public/retoken', 'v1');
    const proxy = await startFaultProxy(registry.host);
    try {
      const before = registry.tokenServer?.requests.length ?? 0;
      // The registry's challenge names its own token realm, so tokens come from the real server.
      proxy.add({
        match: (m, p) => m === 'HEAD' && p.includes('/public/retoken/'),
        respond: {
          status: 401,
          headers: { 'www-authenticate': 'Bearer realm="http://invalid",error="invalid_token"' },
        },
      });
      await withClient(client(), async (resolver) => {
        expectOk(await resolver.resolveTag(ref(`${proxy.host}/public/retoken:v1`)));
      });
      const heads = proxy.requests.filter(
        (r) => r.method === 'HEAD' && r.path.includes('/public/retoken/'),
      );
      assert.equal(heads.length, 2);
      assert.equal((registry.tokenServer?.requests.length ?? 0) - before, 2);
    } finally {
      await proxy.stop();
    }
  });

  it('uses the OAuth2 refresh-token grant for an identity token', async () => {
    const identity: Credential = {
      username: undefined,
      password: undefined,
      identityToken: `${TEST_USER}:${TEST_PASSWORD}`,
      registryToken: undefined,
      source: { kind: 'docker-config', detail: 'identitytoken' },
    };
    const before = registry.tokenServer?.requests.length ?? 0;
    await withClient(
      client({}, { credentialsFor: () => Promise.resolve([identity]) }),
      async (resolver) => {
        expectOk(await resolver.resolveTag(ref(`${registry.host}/private/app:v1`)));
      },
    );
    assert.deepEqual(
      registry.tokenServer?.requests.slice(before).map((r) => [r.method, r.user]),
      [['POST', TEST_USER]],
    );
  });
});
