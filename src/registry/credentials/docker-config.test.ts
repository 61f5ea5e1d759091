import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  authEntryFor,
  dockerConfigKey,
  helperFor,
  parseDockerConfig,
  type DockerConfig,
} from './docker-config.ts';
import { parsePullSecret } from './pull-secret.ts';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

function config(json: unknown): DockerConfig {
  const parsed = parseDockerConfig(JSON.stringify(json));
  assert.ok(parsed.ok);
  return parsed.config;
}

describe('docker config.json', () => {
  it('reads auth, username/password, identity tokens; auth wins', () => {
    const c = config({
      auths: {
        'reg.a:5000': { auth: b64('alice:secret') },
        'reg.b': { username: 'bob', password: 'pw' },
        'reg.c': { identitytoken: 'refresh' },
        'reg.d': { auth: b64('dave:x'), username: 'no' },
      },
    });
    assert.deepEqual(pick(authEntryFor(c, 'reg.a:5000', 'cfg')), [
      'alice',
      'secret',
      undefined,
      'cfg: reg.a:5000',
    ]);
    assert.deepEqual(pick(authEntryFor(c, 'reg.b', 'cfg')), ['bob', 'pw', undefined, 'cfg: reg.b']);
    assert.deepEqual(pick(authEntryFor(c, 'reg.c', 'cfg')), [
      undefined,
      undefined,
      'refresh',
      'cfg: reg.c',
    ]);
    assert.equal(authEntryFor(c, 'reg.d', 'cfg')?.username, 'dave');
    assert.equal(authEntryFor(c, 'reg.e', 'cfg'), undefined);
  });

  it('matches legacy keys with a scheme or path by hostname; Docker Hub lives under the index URL', () => {
    const c = config({
      auths: {
        'https://reg.legacy:443/v1/': { auth: b64('l:p') },
        'https://index.docker.io/v1/': { auth: b64('hub:p') },
      },
    });
    assert.equal(authEntryFor(c, 'reg.legacy:443', 'cfg')?.username, 'l');
    assert.equal(dockerConfigKey('docker.io'), 'https://index.docker.io/v1/');
    assert.equal(authEntryFor(c, dockerConfigKey('docker.io'), 'cfg')?.username, 'hub');
    assert.equal(dockerConfigKey('localhost:5000'), 'localhost:5000');
  });

  it('a per-registry helper overrides the default store', () => {
    const c = config({ credsStore: 'desktop', credHelpers: { 'ecr.example': 'ecr-login' } });
    assert.equal(helperFor(c, 'ecr.example'), 'ecr-login');
    assert.equal(helperFor(c, 'other'), 'desktop');
    assert.equal(helperFor(config({}), 'other'), undefined);
  });

  it('malformed files are values with a message', () => {
    for (const [text, message] of [
      ['{', /not valid JSON/],
      ['[]', /top level/],
      ['{"auths": 3}', /"auths"/],
      ['{"credHelpers": {"a": 1}}', /"credHelpers"/],
      ['{"credsStore": 5}', /"credsStore"/],
    ] as const) {
      const parsed = parseDockerConfig(text);
      assert.equal(parsed.ok, false);
      if (!parsed.ok) assert.match(parsed.message, message);
    }
  });
});

describe('pull secret payloads', () => {
  it('dockerconfigjson has auths; dockercfg is the inner map', () => {
    const json = parsePullSecret('kubernetes.io/dockerconfigjson', {
      '.dockerconfigjson': b64(JSON.stringify({ auths: { 'reg.a': { auth: b64('u:p') } } })),
    });
    assert.deepEqual(json, { ok: true, entries: { 'reg.a': { username: 'u', password: 'p' } } });
    const cfg = parsePullSecret('kubernetes.io/dockercfg', {
      '.dockercfg': b64(JSON.stringify({ 'reg.b': { username: 'u', password: 'p', email: 'e' } })),
    });
    assert.deepEqual(cfg, { ok: true, entries: { 'reg.b': { username: 'u', password: 'p' } } });
  });
  it('reports a broken payload; a missing key is skipped, as the kubelet skips it', () => {
    const missing = parsePullSecret('kubernetes.io/dockerconfigjson', {});
    assert.equal(missing.ok && missing.ignored, 'it has no .dockerconfigjson key');
    assert.equal(
      parsePullSecret('kubernetes.io/dockerconfigjson', { '.dockerconfigjson': b64('nope') }).ok,
      false,
    );
  });
});

function pick(c: ReturnType<typeof authEntryFor>): unknown[] {
  return [c?.username, c?.password, c?.identityToken, c?.source.detail];
}

describe('parseDockerConfig error messages (F-14)', () => {
  it('never quote the text around a syntax error, which may be the secret', () => {
    for (const text of [
      '{"auths":{"r":{"password":hunter2}}}',
      '{"auths":{"r":{"auth":dXNlcjpodW50ZXIy"}}}',
      '{"auths":{"r":{"auth":"dXNlcjpodW50ZXIy"}}',
      '{"auths":\n {"r": {"password": "hunter2" "x": 1}}}',
    ]) {
      const parsed = parseDockerConfig(text);
      assert.equal(parsed.ok, false);
      const message = parsed.ok ? '' : parsed.message;
      assert.match(message, /^not valid JSON/);
      assert.doesNotMatch(message, /hunter2|dXNlcjpodW/, message);
    }
  });
});
