// RegistryAuth against a recording transport (the narrow HTTP port): which requests carry which
// credentials. The real token flow runs against docker-registry in test/registry.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Credential } from './credentials/credential.ts';
import { RegistryAuth } from './registry-auth.ts';
import { defaultRegistryConfig } from './registry-config.ts';
import { RegistryTransport, type HttpRequest, type TransportResult } from './registry-transport.ts';

class RecordingTransport extends RegistryTransport {
  readonly sent: Array<{ registry: string; target: string; authorization?: string }> = [];
  constructor(
    private readonly challenge: (registry: string) => string,
    insecureRegistries: string[] = [],
  ) {
    super(defaultRegistryConfig({ insecureRegistries }));
  }
  override send(registry: string, req: HttpRequest): Promise<TransportResult> {
    this.sent.push({ registry, target: req.target, authorization: req.headers.authorization });
    if (req.target === '/v2/')
      return answer(401, { 'www-authenticate': this.challenge(registry) }, '');
    return answer(200, {}, JSON.stringify({ token: `token-for-${registry}`, expires_in: 300 }));
  }
}

function answer(status: number, headers: Record<string, string>, body: string) {
  return Promise.resolve({
    ok: true as const,
    response: { status, headers, body: Buffer.from(body) },
  });
}

const helperCredential: Credential = {
  username: 'user',
  password: 'hunter2',
  identityToken: undefined,
  registryToken: undefined,
  source: { kind: 'credential-helper', detail: 'docker-credential-ok' },
};

describe('RegistryAuth token realms (F-6)', () => {
  const realmOn = (host: string) => () => `Bearer realm="http://${host}/token",service="reg"`;

  it('refuses to send credentials over HTTP to a non-loopback realm of a loopback registry', async () => {
    const transport = new RecordingTransport(realmOn('evil.test:9'));
    const auth = new RegistryAuth(transport);
    const result = await auth.authorize('127.0.0.1:5000', 'app', helperCredential);
    assert.equal(result.ok, false);
    assert.match(
      result.ok ? '' : result.message,
      /token service of 127\.0\.0\.1:5000 at http:\/\/evil\.test:9 over plain HTTP; use TLS, or --insecure-registry evil\.test:9/,
    );
    assert.deepEqual(
      transport.sent.map((r) => r.target),
      ['/v2/'],
    );
  });

  it('the same for an --insecure-registry registry whose realm is another plain-HTTP host', async () => {
    const transport = new RecordingTransport(realmOn('evil.test:9'), ['reg.test:5000']);
    const result = await new RegistryAuth(transport).authorize(
      'reg.test:5000',
      'app',
      helperCredential,
    );
    assert.equal(result.ok, false);
    assert.equal(transport.sent.length, 1);
  });

  it('allows a loopback realm, and a realm host named in --insecure-registry', async () => {
    for (const [realm, insecure] of [
      ['127.0.0.1:9', []],
      ['tokens.test:9', ['tokens.test']],
    ] as const) {
      const transport = new RecordingTransport(realmOn(realm), [...insecure]);
      const result = await new RegistryAuth(transport).authorize(
        '127.0.0.1:5000',
        'app',
        helperCredential,
      );
      assert.ok(result.ok, result.ok ? '' : result.message);
      assert.match(transport.sent[1]?.authorization ?? '', /^Basic /);
    }
  });
});

describe('RegistryAuth token cache (F-7)', () => {
  it('never sends a token minted for one registry to another that copies its realm and service', async () => {
    const shared = () => 'Bearer realm="https://auth.a.test/token",service="a"';
    const transport = new RecordingTransport(shared);
    const auth = new RegistryAuth(transport);
    const a = await auth.authorize('127.0.0.1:1001', 'team/app', helperCredential);
    const b = await auth.authorize('127.0.0.1:1002', 'team/app', helperCredential);
    assert.deepEqual(
      [a.ok && a.header, b.ok && b.header],
      ['Bearer token-for-127.0.0.1:1001', 'Bearer token-for-127.0.0.1:1002'],
    );
    assert.equal(
      transport.sent.filter((r) => r.target.startsWith('https://auth.a.test')).length,
      2,
    );
    // And still one token per registry and repository when asked again.
    await auth.authorize('127.0.0.1:1001', 'team/app', helperCredential);
    assert.equal(
      transport.sent.filter((r) => r.target.startsWith('https://auth.a.test')).length,
      2,
    );
  });
});
