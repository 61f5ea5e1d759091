import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeAuthStrictly, parsePullSecret } from './pull-secret.ts';
import { brokenPullSecrets, keyringFromPullSecrets } from './pull-secret-keyring.ts';

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const JSON_TYPE = 'kubernetes.io/dockerconfigjson';
const CFG_TYPE = 'kubernetes.io/dockercfg';

describe('pull Secrets as the kubelet reads them (secrets.go, config.go)', () => {
  it('counts only the two docker-config types, each with its own key', () => {
    const body = JSON.stringify({ auths: { 'reg.a': { username: 'u', password: 'p' } } });
    const inner = JSON.stringify({ 'reg.a': { username: 'u', password: 'p' } });
    const table: Array<[string, Record<string, string>, string | undefined]> = [
      [JSON_TYPE, { '.dockerconfigjson': body }, undefined],
      [CFG_TYPE, { '.dockercfg': inner }, undefined],
      ['Opaque', { '.dockerconfigjson': body }, 'type Opaque is not a pull secret type'],
      [JSON_TYPE, { '.dockercfg': inner }, 'it has no .dockerconfigjson key'],
      [CFG_TYPE, { '.dockerconfigjson': body }, 'it has no .dockercfg key'],
      [JSON_TYPE, { '.dockerconfigjson': '' }, 'it has no .dockerconfigjson key'],
    ];
    for (const [type, data, ignored] of table) {
      const parsed = parsePullSecret(type, data, 'text');
      assert.equal(parsed.ok, true, `${type} ${Object.keys(data).join()}`);
      if (!parsed.ok) continue;
      assert.equal(parsed.ignored, ignored);
      assert.deepEqual(
        parsed.entries,
        ignored === undefined ? { 'reg.a': { username: 'u', password: 'p' } } : {},
      );
    }
  });

  it('decodes JSON as Go does: case-insensitive fields, null as zero, wrong types fail', () => {
    const ok = (json: unknown) =>
      parsePullSecret(JSON_TYPE, { '.dockerconfigjson': JSON.stringify(json) }, 'text');
    assert.deepEqual(ok({ AUTHS: { r: { Username: 'u', PASSWORD: 'p', Email: null } } }), {
      ok: true,
      entries: { r: { username: 'u', password: 'p' } },
    });
    assert.deepEqual(ok({ x: 1 }), { ok: true, entries: {} });
    assert.deepEqual(ok({ auths: null }), { ok: true, entries: {} });
    assert.deepEqual(ok({ auths: { r: null } }), {
      ok: true,
      entries: { r: {} },
    });
    // identitytoken and registrytoken are not the kubelet's fields: ignored whatever their type.
    assert.equal(ok({ auths: { r: { identitytoken: 5 } } }).ok, true);
    for (const bad of [
      [],
      { auths: [] },
      { auths: { r: 'user:pass' } },
      { auths: { r: { username: 5 } } },
      { auths: { r: { password: true } } },
      { auths: { r: { email: {} } } },
      { auths: { r: { auth: 7 } } },
      { HttpHeaders: { 'X-A': 1 } },
    ]) {
      const parsed = ok(bad);
      assert.equal(parsed.ok, false, JSON.stringify(bad));
    }
    assert.equal(parsePullSecret(JSON_TYPE, { '.dockerconfigjson': '{nope' }, 'text').ok, false);
    assert.equal(parsePullSecret(CFG_TYPE, { '.dockercfg': '[]' }, 'text').ok, false);
  });

  it('decodes auth strictly: padded or unpadded standard base64 with a colon', () => {
    const pass = 'u:p?>~'; // encodes to characters that differ between the two alphabets
    const std = b64(pass);
    const table: Array<[string, { username: string; password: string } | 'error']> = [
      [std, { username: 'u', password: 'p?>~' }],
      [std.replace(/=+$/, ''), { username: 'u', password: 'p?>~' }],
      [b64('user:pw'), { username: 'user', password: 'pw' }], // "dXNlcjpwdw==" padded
      ['dXNlcjpwdw', { username: 'user', password: 'pw' }], // unpadded
      [
        `${b64('user:pw').slice(0, 6)}\n${b64('user:pw').slice(6)}`,
        { username: 'user', password: 'pw' },
      ],
      [b64('a:b:c'), { username: 'a', password: 'b:c' }],
      [std.replace(/\+/g, '-').replace(/\//g, '_'), 'error'], // URL-safe alphabet
      ['dXNlcjpwdw=', 'error'], // bad padding
      ['dXNlcjpwdw===', 'error'],
      ['dXNl cjpwdw==', 'error'],
      ['dXNlcjpwdw== ', 'error'], // trimmed to choose padding, but decoded untrimmed
      ['dXNlcjpwd', 'error'], // 9 characters: not a whole number of bytes
      [b64('no-colon'), 'error'],
    ];
    for (const [field, want] of table) {
      const got = decodeAuthStrictly(field);
      if (want === 'error') assert.equal(typeof got, 'string', JSON.stringify(field));
      else assert.deepEqual(got, want, JSON.stringify(field));
    }
  });

  it('auth overrides username and password', () => {
    assert.deepEqual(
      parsePullSecret(
        CFG_TYPE,
        { '.dockercfg': JSON.stringify({ r: { username: 'x', password: 'y', auth: b64('u:p') } }) },
        'text',
      ),
      { ok: true, entries: { r: { username: 'u', password: 'p' } } },
    );
  });

  it('one bad Secret is named, contributes nothing, and never leaks its content', () => {
    const secrets = [
      {
        namespace: 'prod',
        name: 'good',
        type: JSON_TYPE,
        data: {
          '.dockerconfigjson': JSON.stringify({ auths: { 'reg.a': { auth: b64('u:secret-pw') } } }),
        },
      },
      {
        namespace: 'prod',
        name: 'bad',
        type: JSON_TYPE,
        data: {
          '.dockerconfigjson': JSON.stringify({
            auths: { 'reg.a': { auth: 'c2VjcmV0LXB3_' }, 'reg.b': { auth: b64('v:other-pw') } },
          }),
        },
      },
    ];
    const broken = brokenPullSecrets(secrets);
    assert.deepEqual([...broken.keys()], ['prod/bad']);
    assert.match(broken.get('prod/bad') ?? '', /auths\["reg\.a"\]\.auth: illegal base64/);
    assert.ok(!(broken.get('prod/bad') ?? '').includes('c2VjcmV0'));
    const { warnings } = keyringFromPullSecrets(secrets);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /prod\/bad/);
  });
});
