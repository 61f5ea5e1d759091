// `kube-fresh resolve` as a user runs it: the built binary, real registries, real config files.
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, type CliResult } from '../support/run-cli.ts';
import {
  startRegistry,
  TEST_PASSWORD,
  TEST_USER,
  type TestRegistry,
} from '../../harness/registry/registry.ts';

interface ResolveJson {
  input: string;
  name: string | null;
  tag: string | null;
  digest: string | null;
  mediaType: string | null;
  platforms?: Array<{ os: string; architecture: string; variant?: string; digest: string }> | null;
  credentialSource: { kind: string; detail: string } | null;
  pinned?: { digest: string; tagMoved: boolean };
  error?: { kind: string; message: string };
}

const parse = (result: CliResult): ResolveJson[] => JSON.parse(result.stdout) as ResolveJson[];

function assertNoSecret(result: CliResult, ...secrets: string[]): void {
  for (const secret of secrets) {
    assert.ok(!result.stdout.includes(secret), 'secret on stdout');
    assert.ok(!result.stderr.includes(secret), 'secret on stderr');
  }
}

describe('kube-fresh resolve (built binary, real registries)', () => {
  let plain: TestRegistry;
  let secure: TestRegistry;
  let dir: string;
  let home: string;
  const b64 = (s: string): string => Buffer.from(s).toString('base64');

  before(async () => {
    [plain, secure] = await Promise.all([startRegistry('plain'), startRegistry('htpasswd-tls')]);
    dir = await mkdtemp(join(tmpdir(), 'kube-fresh-resolve-'));
    home = join(dir, 'home'); // an empty HOME: no ~/.docker/config.json leaks in
  });
  after(async () => {
    await Promise.all([plain.pusher.close(), secure.pusher.close()]);
    await Promise.all([plain.stop(), secure.stop()]);
    await rm(dir, { recursive: true, force: true });
  });

  it('prints JSON in input order, with platforms on request, and exits 1 when one fails', async () => {
    const single = await plain.pusher.pushImage('cli/single', 'v1');
    const index = await plain.pusher.pushIndex('cli/multi', 'v1', [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
    ]);
    const inputs = [
      `${plain.host}/cli/multi:v1`,
      `${plain.host}/cli/single:v1`,
      `${plain.host}/cli/absent:v1`,
      'Bad//ref',
    ];
    const result = await runCli(['resolve', '-o', 'json', '--platforms', ...inputs], {
      env: { HOME: home },
    });
    assert.equal(result.code, 1, result.stderr);
    const [multi, one, absent, bad] = parse(result);
    assert.deepEqual(
      [multi?.input, multi?.name, multi?.tag, multi?.digest, multi?.mediaType],
      [
        inputs[0],
        `${plain.host}/cli/multi`,
        'v1',
        index.digest,
        'application/vnd.oci.image.index.v1+json',
      ],
    );
    assert.deepEqual(
      multi?.platforms,
      index.children.map((c) => ({
        os: 'linux',
        architecture: c.platform.architecture,
        ...(c.platform.variant ? { variant: c.platform.variant } : {}),
        digest: c.digest,
      })),
    );
    assert.deepEqual(multi?.credentialSource, {
      kind: 'anonymous',
      detail: 'no credential matched',
    });
    assert.equal(one?.digest, single.digest);
    assert.deepEqual(one?.platforms, []);
    assert.equal(absent?.error?.kind, 'not-found');
    assert.equal(absent?.digest, null);
    assert.equal(bad?.error?.kind, 'invalid-reference');
  });

  it('prints `reference → digest (media type)` lines and says when a pinned tag moved', async () => {
    const old = await plain.pusher.pushImage('cli/moving', 'v1');
    const now = await plain.pusher.pushImage('cli/moving', 'v1');
    const result = await runCli(
      ['resolve', `${plain.host}/cli/moving:v1`, `${plain.host}/cli/moving:v1@${old.digest}`],
      { env: { HOME: home } },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      result.stdout,
      `${plain.host}/cli/moving:v1 → ${now.digest} (application/vnd.oci.image.manifest.v1+json)\n` +
        `${plain.host}/cli/moving:v1@${old.digest} → ${now.digest} (application/vnd.oci.image.manifest.v1+json)  (tag moved: was ${old.digest})\n`,
    );
  });

  it('uses docker config auths with --docker-config and --registry-ca, naming the source but never the secret', async () => {
    const image = await secure.pusher.pushImage('cli/private', 'v1');
    const config = join(dir, 'auths.json');
    await writeFile(
      config,
      JSON.stringify({ auths: { [secure.host]: { auth: b64(`${TEST_USER}:${TEST_PASSWORD}`) } } }),
    );
    const result = await runCli(
      [
        'resolve',
        '-o',
        'json',
        '--docker-config',
        config,
        '--registry-ca',
        secure.pki?.caCertFile ?? '',
        `${secure.host}/cli/private:v1`,
      ],
      { env: { HOME: home } },
    );
    assert.equal(result.code, 0, result.stderr);
    const [resolved] = parse(result);
    assert.equal(resolved?.digest, image.digest);
    assert.deepEqual(resolved?.credentialSource, {
      kind: 'docker-config',
      detail: `${config}: ${secure.host}`,
    });
    assertNoSecret(result, TEST_PASSWORD, b64(`${TEST_USER}:${TEST_PASSWORD}`));
  });

  it('finds $DOCKER_CONFIG/config.json; a wrong password is unauthorized and stays secret', async () => {
    await secure.pusher.pushImage('cli/private2', 'v1');
    const dockerDir = join(dir, 'docker-env');
    await writeFile(join(dir, 'placeholder'), '');
    await import('node:fs/promises').then((fs) => fs.mkdir(dockerDir, { recursive: true }));
    await writeFile(
      join(dockerDir, 'config.json'),
      JSON.stringify({
        auths: { [secure.host]: { username: TEST_USER, password: 'not-the-password-42' } },
      }),
    );
    const result = await runCli(
      [
        'resolve',
        '-o',
        'json',
        '--registry-ca',
        secure.pki?.caCertFile ?? '',
        `${secure.host}/cli/private2:v1`,
      ],
      { env: { HOME: home, DOCKER_CONFIG: dockerDir } },
    );
    assert.equal(result.code, 1);
    const [resolved] = parse(result);
    assert.equal(resolved?.error?.kind, 'unauthorized');
    assert.match(
      resolved?.error?.message ?? '',
      new RegExp(`docker-env/config.json: ${secure.host.replace('.', '\\.')}`),
    );
    assertNoSecret(result, 'not-the-password-42');
  });

  it('runs a docker-credential-* helper with the server URL on stdin', async () => {
    const image = await secure.pusher.pushImage('cli/helper', 'v1');
    const bin = join(dir, 'bin');
    await import('node:fs/promises').then((fs) => fs.mkdir(bin, { recursive: true }));
    const seen = join(dir, 'helper-stdin.txt');
    const helper = join(bin, 'docker-credential-kftest');
    await writeFile(
      helper,
      `#!/bin/sh\n[ "$1" = get ] || exit 3\ncat > '${seen}'\nprintf '{"ServerURL":"x","Username":"${TEST_USER}","Secret":"${TEST_PASSWORD}"}'\n`,
    );
    await chmod(helper, 0o755);
    const config = join(dir, 'helper.json');
    await writeFile(
      config,
      JSON.stringify({ credsStore: 'nonexistent-store', credHelpers: { [secure.host]: 'kftest' } }),
    );
    const result = await runCli(
      [
        'resolve',
        '-o',
        'json',
        '--docker-config',
        config,
        '--registry-ca',
        secure.pki?.caCertFile ?? '',
        `${secure.host}/cli/helper:v1`,
      ],
      { env: { HOME: home, PATH: `${bin}:/usr/bin:/bin` } },
    );
    assert.equal(result.code, 0, result.stderr);
    const [resolved] = parse(result);
    assert.equal(resolved?.digest, image.digest);
    assert.deepEqual(resolved?.credentialSource, {
      kind: 'credential-helper',
      detail: 'docker-credential-kftest',
    });
    assert.equal(await readFile(seen, 'utf8'), secure.host);
    assertNoSecret(result, TEST_PASSWORD);
  });

  it('a missing credential helper is a warning, then an anonymous attempt', async () => {
    const config = join(dir, 'missing-helper.json');
    await writeFile(config, JSON.stringify({ credsStore: 'nowhere' }));
    await plain.pusher.pushImage('cli/anon', 'v1');
    const result = await runCli(
      ['resolve', '--docker-config', config, `${plain.host}/cli/anon:v1`],
      { env: { HOME: home, PATH: '/usr/bin:/bin' } },
    );
    assert.equal(result.code, 0);
    assert.match(
      result.stderr,
      /warning: credential helper docker-credential-nowhere: not found on PATH/,
    );
  });

  it('rejects an unreadable --docker-config and a malformed one with exit 2; a malformed default config only warns', async () => {
    const missing = await runCli(
      ['resolve', '--docker-config', join(dir, 'nope.json'), `${plain.host}/x:y`],
      { env: { HOME: home } },
    );
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /error: cannot read docker config .*nope\.json: ENOENT/);
    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{"auths": {"x": ');
    const malformed = await runCli(['resolve', '--docker-config', broken, `${plain.host}/x:y`], {
      env: { HOME: home },
    });
    assert.equal(malformed.code, 2);
    assert.match(malformed.stderr, /is malformed: not valid JSON/);
    const dockerDir = join(dir, 'broken-default');
    await import('node:fs/promises').then((fs) => fs.mkdir(dockerDir, { recursive: true }));
    await writeFile(join(dockerDir, 'config.json'), 'garbage');
    await plain.pusher.pushImage('cli/default', 'v1');
    const warned = await runCli(['resolve', `${plain.host}/cli/default:v1`], {
      env: { HOME: home, DOCKER_CONFIG: dockerDir },
    });
    assert.equal(warned.code, 0);
    assert.match(
      warned.stderr,
      /warning: docker config .* is malformed: .*continuing without its credentials/,
    );
  });

  it('usage errors exit 2', async () => {
    const timeout = await runCli(['resolve', '--registry-timeout', 'soon', 'x:y'], {
      env: { HOME: home },
    });
    assert.equal(timeout.code, 2);
    assert.match(timeout.stderr, /--registry-timeout takes a number of seconds/);
    const insecure = await runCli(['resolve', '--insecure-registry', 'http://x/y', 'x:y'], {
      env: { HOME: home },
    });
    assert.equal(insecure.code, 2);
    const ca = await runCli(['resolve', '--registry-ca', join(dir, 'placeholder'), 'x:y'], {
      env: { HOME: home },
    });
    assert.equal(ca.code, 2);
    assert.match(ca.stderr, /holds no PEM certificate/);
  });

  it('an untrusted certificate is a tls failure with advice; --insecure-registry accepts it', async () => {
    await secure.pusher.pushImage('cli/tls', 'v1');
    const config = join(dir, 'tls.json');
    await writeFile(
      config,
      JSON.stringify({
        auths: { [secure.host]: { username: TEST_USER, password: TEST_PASSWORD } },
      }),
    );
    const untrusted = await runCli(
      ['resolve', '-o', 'json', '--docker-config', config, `${secure.host}/cli/tls:v1`],
      { env: { HOME: home } },
    );
    assert.equal(untrusted.code, 1);
    assert.equal(parse(untrusted)[0]?.error?.kind, 'tls');
    const wrongCa = await runCli(
      [
        'resolve',
        '-o',
        'json',
        '--docker-config',
        config,
        '--registry-ca',
        secure.pki?.otherCaCertFile ?? '',
        `${secure.host}/cli/tls:v1`,
      ],
      { env: { HOME: home } },
    );
    assert.equal(parse(wrongCa)[0]?.error?.kind, 'tls');
    const insecure = await runCli(
      [
        'resolve',
        '-o',
        'json',
        '--docker-config',
        config,
        '--insecure-registry',
        secure.host,
        `${secure.host}/cli/tls:v1`,
      ],
      { env: { HOME: home } },
    );
    assert.equal(insecure.code, 0, insecure.stderr);
  });
});
