import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isInvalidTokenChallenge, toRegistryChallenge } from './registry-auth.ts';
import { parseWwwAuthenticate, type AuthChallenge } from './www-authenticate.ts';

describe('parseWwwAuthenticate', () => {
  const table: Array<[string, AuthChallenge[]]> = [
    ['Basic realm="registry"', [{ scheme: 'basic', params: { realm: 'registry' } }]],
    [
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"',
      [
        {
          scheme: 'bearer',
          params: {
            realm: 'https://auth.docker.io/token',
            service: 'registry.docker.io',
            scope: 'repository:library/nginx:pull',
          },
        },
      ],
    ],
    [
      'Bearer realm="https://a/token", scope="repository:a:pull,push", error="insufficient_scope", Basic realm="fallback"',
      [
        {
          scheme: 'bearer',
          params: {
            realm: 'https://a/token',
            scope: 'repository:a:pull,push',
            error: 'insufficient_scope',
          },
        },
        { scheme: 'basic', params: { realm: 'fallback' } },
      ],
    ],
    [
      'Bearer realm=https://unquoted/token,service=svc',
      [{ scheme: 'bearer', params: { realm: 'https://unquoted/token', service: 'svc' } }],
    ],
    [
      'Bearer realm="with \\"escaped\\" quote"',
      [{ scheme: 'bearer', params: { realm: 'with "escaped" quote' } }],
    ],
    ['Negotiate', [{ scheme: 'negotiate', params: {} }]],
    ['Negotiate abc123==', [{ scheme: 'negotiate', params: { '': 'abc123==' } }]],
    ['', []],
    ['   ,  ', []],
    ['BEARER REALM="x"', [{ scheme: 'bearer', params: { realm: 'x' } }]],
  ];
  for (const [header, expected] of table) {
    it(JSON.stringify(header).slice(0, 70), () =>
      assert.deepEqual(parseWwwAuthenticate(header), expected),
    );
  }
});

describe('toRegistryChallenge', () => {
  it('prefers Bearer with a usable realm, else Basic, else none', () => {
    assert.deepEqual(
      toRegistryChallenge(
        parseWwwAuthenticate('Basic realm="r", Bearer realm="https://t/token",service="s"'),
      ),
      { scheme: 'bearer', realm: 'https://t/token', service: 's' },
    );
    assert.deepEqual(
      toRegistryChallenge(parseWwwAuthenticate('Bearer realm="not a url", Basic realm="r"')),
      { scheme: 'basic' },
    );
    assert.deepEqual(toRegistryChallenge(parseWwwAuthenticate('')), { scheme: 'none' });
  });
  it('recognises invalid_token only', () => {
    assert.equal(isInvalidTokenChallenge('Bearer realm="x",error="invalid_token"'), true);
    assert.equal(isInvalidTokenChallenge('Bearer realm="x",error="insufficient_scope"'), false);
    assert.equal(isInvalidTokenChallenge(undefined), false);
  });
});
