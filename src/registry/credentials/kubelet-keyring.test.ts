import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { globMatch } from './glob-match.ts';
import { isDefaultRegistry, KubeletKeyring, normaliseKey, urlsMatch } from './kubelet-keyring.ts';

const auth = (user: string): { auth: string } => ({
  auth: Buffer.from(`${user}:pw-${user}`).toString('base64'),
});

describe('kubelet keyring: the §8.3 consequences table', () => {
  const table: Array<[string, string, boolean]> = [
    ['https://index.docker.io/v1/', 'docker.io/library/nginx', true], // through the Docker Hub fallback
    ['docker.io', 'docker.io/library/nginx', true],
    ['registry-1.docker.io', 'docker.io/library/nginx', false], // 3 labels vs 2
    ['*.example.com', 'reg.example.com/app', true],
    ['*.com', 'reg.example.com/app', false], // 2 labels vs 3
    ['reg.example.com:443', 'reg.example.com/app', false], // the port must match exactly
    ['reg.example.com/other', 'reg.example.com/app', false], // path prefix
    ['reg.example.com/team', 'reg.example.com/team/app', true],
    ['http://reg.example.com:5000/v2/', 'reg.example.com:5000/app', true],
    ['reg.example.com:5000', 'reg.example.com/app', false],
    ['*.*.com', 'reg.example.com/app', true],
    ['reg.*.com', 'reg.example.com/app', true],
    // Keys are parsed as URLs first, as Go's url.Parse does: `?` starts a query, so this key is "r".
    ['r?g.example.com', 'reg.example.com/app', false],
    // …and a leading `[` must be an IPv6 literal: the key is invalid and ignored.
    ['[a-r]eg.example.com', 'reg.example.com/app', false],
    // Bracketed IPv6 with a port: net.SplitHostPort drops the brackets on both sides.
    ['[::1]:5000', '[::1]:5000/app', true],
    ['http://[::1]:5000/v2/', '[::1]:5000/app', true],
    ['[::1]:5000', '[::1]:5001/app', false],
    // Without a port the brackets stay, and as a glob class "[::1]" matches one character.
    ['[::1]', '[::1]/app', false],
    // url.Parse drops userinfo, percent-decodes the path, and rejects what it cannot parse.
    ['user:pa55@reg.example.com', 'reg.example.com/app', true],
    ['https://user@reg.example.com:5000/v2/', 'reg.example.com:5000/app', true],
    ['reg.example.com/team%2Fapp', 'reg.example.com/team/app', true],
    ['reg.example.com/%7eteam', 'reg.example.com/~team/app', true],
    ['reg.example.com/%zz', 'reg.example.com/app', false],
    ['reg.example.com:http', 'reg.example.com/app', false],
    ['reg example.com', 'reg example.com/app', false],
    ['reg.example.com#frag', 'reg.example.com/app', true],
    // Only /v1/ and /v2/ lose three characters: /v2/team is the path /team; /v2 stays a path.
    ['https://reg.example.com/v2/team', 'reg.example.com/team/app', true],
    ['reg.example.com/v2', 'reg.example.com/app', false],
    // Malformed glob classes match nothing (filepath.ErrBadPattern); well-formed ones match.
    ['r[e]g.example.com', 'reg.example.com/app', true],
    ['r[]g.example.com', 'r]g.example.com/app', false],
    ['r[-e]g.example.com', 'reg.example.com/app', false],
    ['r[e-]g.example.com', 'reg.example.com/app', false],
    ['reg.example.co[m', 'reg.example.com/app', false],
  ];
  for (const [key, image, expected] of table) {
    it(`${key} ${expected ? 'matches' : 'does not match'} ${image}`, () => {
      const keyring = new KubeletKeyring();
      keyring.add({ [key]: auth('u') }, { kind: 'pull-secret', detail: 'ns/s' });
      assert.equal(keyring.lookup(image).length > 0, expected);
    });
  }

  it('every matching key contributes, most specific path first', () => {
    const keyring = new KubeletKeyring();
    keyring.add(
      { 'quay.io': auth('host'), 'quay.io/org': auth('org'), 'quay.io/org/app': auth('app') },
      { kind: 'pull-secret', detail: 'ns/s' },
    );
    assert.deepEqual(
      keyring.lookup('quay.io/org/app').map((c) => c.username),
      ['app', 'org', 'host'],
    );
    assert.deepEqual(
      keyring.lookup('quay.io/other/x').map((c) => c.username),
      ['host'],
    );
  });

  it('auth overrides username/password and the source names the secret and key, not the password', () => {
    const keyring = new KubeletKeyring();
    keyring.add(
      { 'reg.example.com': { username: 'ignored', password: 'ignored', ...auth('real') } },
      { kind: 'pull-secret', detail: 'default/regcred' },
    );
    const [credential] = keyring.lookup('reg.example.com/app');
    assert.equal(credential?.username, 'real');
    assert.equal(credential?.password, 'pw-real');
    assert.deepEqual(credential?.source, {
      kind: 'pull-secret',
      detail: 'default/regcred: reg.example.com',
    });
  });

  it('the Docker Hub fallback applies only to default-registry images', () => {
    const keyring = new KubeletKeyring();
    keyring.add(
      { 'https://index.docker.io/v1/': auth('hub') },
      { kind: 'pull-secret', detail: 'ns/hub' },
    );
    assert.equal(keyring.lookup('docker.io/bitnami/redis').length, 1);
    assert.equal(keyring.lookup('ghcr.io/org/app').length, 0);
  });
});

describe('keyring helpers', () => {
  it('normaliseKey', () => {
    assert.equal(normaliseKey('https://index.docker.io/v1/'), 'index.docker.io');
    assert.equal(normaliseKey('http://reg:5000/v2/'), 'reg:5000');
    assert.equal(normaliseKey('quay.io/org'), 'quay.io/org');
    assert.equal(normaliseKey('reg.example.com'), 'reg.example.com');
    assert.equal(normaliseKey('reg.example.com:443'), 'reg.example.com:443');
    assert.equal(normaliseKey('[::1]:5000'), '[::1]:5000');
    assert.equal(normaliseKey('[a-r]eg.example.com'), undefined);
  });
  it('urlsMatch compares ports exactly', () => {
    assert.equal(urlsMatch('a.b:1', 'a.b:1/x'), true);
    assert.equal(urlsMatch('a.b', 'a.b:1/x'), false);
  });
  it('isDefaultRegistry', () => {
    for (const yes of ['nginx', 'docker.io/library/nginx', 'index.docker.io/x/y', 'bitnami/redis'])
      assert.equal(isDefaultRegistry(yes), true, yes);
    for (const no of ['ghcr.io/x/y', 'localhost:5000/x', 'reg.example.com/x', ''])
      assert.equal(isDefaultRegistry(no), false, no);
  });
  it('globMatch follows filepath.Match for a label', () => {
    const table: Array<[string, string, boolean]> = [
      ['*', 'anything', true],
      ['*', '', true],
      ['a*b*c', 'axxbyyc', true],
      ['a*b*c', 'axxbyy', false],
      ['?', '', false],
      ['\\*', '*', true],
      ['\\*', 'a', false],
      ['[', 'a', false], // malformed: matches nothing
      ['[]a]', ']', false],
      ['[a-]', 'a', false],
      ['[^]', 'x', false],
      ['a\\', 'a', false],
      ['x[', 'y', false],
      ['[z-a]', 'b', false], // an empty range is well-formed and matches nothing
      ['[\\]]', ']', true],
      ['[a-c]x', 'bx', true],
      ['[^a-c]x', 'dx', true],
      ['*'.repeat(30) + 'b', 'a'.repeat(40), false],
    ];
    for (const [pattern, name, expected] of table)
      assert.equal(globMatch(pattern, name), expected, `${pattern} ~ ${name}`);
  });
});
