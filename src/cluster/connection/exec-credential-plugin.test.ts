import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InputError } from '../../core/errors.ts';
import { ClusterError } from '../cluster-error.ts';
import { ExecCredentialPlugin, type ExecPluginSettings } from './exec-credential-plugin.ts';
import type { ExecConfig } from './kubeconfig-document.ts';

const V1 = 'client.authentication.k8s.io/v1';

describe('ExecCredentialPlugin', () => {
  let dir: string;
  let counter: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kube-fresh-exec-'));
    counter = join(dir, 'runs');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  /** A plugin script that counts its runs and prints `body`. */
  async function plugin(name: string, body: string, exit = 0): Promise<string> {
    const path = join(dir, name);
    await writeFile(
      path,
      `#!/bin/sh\necho run >> ${counter}-${name}\ncat <<'JSON'\n${body}\nJSON\nexit ${exit}\n`,
    );
    await chmod(path, 0o755);
    return path;
  }
  const runs = async (name: string) =>
    (await readFile(`${counter}-${name}`, 'utf8').catch(() => '')).split('\n').filter(Boolean)
      .length;
  const settings = (exec: Partial<ExecConfig>, now?: () => number): ExecPluginSettings => ({
    userName: 'u',
    exec: {
      command: 'x',
      args: [],
      env: [],
      apiVersion: V1,
      installHint: undefined,
      provideClusterInfo: false,
      interactiveMode: 'Never',
      ...exec,
    },
    cluster: {
      name: 'c',
      server: 'https://k',
      caData: undefined,
      caFile: undefined,
      insecureSkipTlsVerify: false,
      tlsServerName: undefined,
      proxyUrl: undefined,
    },
    target: { context: 'ctx', server: 'https://k' },
    env: { PATH: process.env.PATH },
    timeoutMs: 5_000,
    ...(now ? { now } : {}),
  });

  it('returns the token, caches it until expirationTimestamp, and shares one run between callers', async () => {
    let now = Date.parse('2030-01-01T00:00:00Z');
    const command = await plugin(
      'token.sh',
      JSON.stringify({
        apiVersion: V1,
        kind: 'ExecCredential',
        status: { token: 'abc', expirationTimestamp: '2030-01-01T00:10:00Z' },
      }),
    );
    const p = new ExecCredentialPlugin(settings({ command }, () => now));
    const [first, second] = await Promise.all([p.credential(), p.credential()]);
    assert.equal(first.token, 'abc');
    assert.equal(second, first);
    await p.credential();
    assert.equal(await runs('token.sh'), 1);
    now += 11 * 60_000;
    await p.credential();
    assert.equal(await runs('token.sh'), 2);
    p.invalidate();
    await p.credential();
    assert.equal(await runs('token.sh'), 3);
  });

  it('accepts a client certificate pair', async () => {
    const command = await plugin(
      'cert.sh',
      JSON.stringify({
        apiVersion: V1,
        kind: 'ExecCredential',
        status: { clientCertificateData: 'C', clientKeyData: 'K' },
      }),
    );
    const credential = await new ExecCredentialPlugin(settings({ command })).credential();
    assert.deepEqual(
      [
        credential.token,
        credential.clientCertificateData,
        credential.clientKeyData,
        credential.expiresAt,
      ],
      [undefined, 'C', 'K', undefined],
    );
  });

  const failures: [title: string, script: string, stdout: string, exit: number, message: RegExp][] =
    [
      [
        'answers another apiVersion',
        'version.sh',
        JSON.stringify({
          apiVersion: 'client.authentication.k8s.io/v1beta1',
          kind: 'ExecCredential',
          status: { token: 't' },
        }),
        0,
        /is configured for client\.authentication\.k8s\.io\/v1 but answered client\.authentication\.k8s\.io\/v1beta1/,
      ],
      [
        'returns no credential',
        'empty.sh',
        JSON.stringify({ apiVersion: V1, kind: 'ExecCredential', status: {} }),
        0,
        /returned neither a token nor a client certificate/,
      ],
      [
        'returns a key without a certificate',
        'half.sh',
        JSON.stringify({ apiVersion: V1, kind: 'ExecCredential', status: { clientKeyData: 'K' } }),
        0,
        /only one of clientCertificateData and clientKeyData/,
      ],
      ['prints something else', 'text.sh', 'hello', 0, /stdout is not JSON/],
      ['exits with an error', 'fails.sh', 'token expired, run login', 3, /exited with 3/],
    ];
  for (const [title, name, body, exit, message] of failures) {
    it(`fails as unauthorized when the plugin ${title}`, async () => {
      const command = await plugin(name, body, exit);
      await assert.rejects(
        new ExecCredentialPlugin(settings({ command })).credential(),
        (error: unknown) => {
          assert.ok(error instanceof ClusterError);
          assert.equal(error.failure, 'unauthorized');
          assert.match(error.message, message);
          assert.match(error.message, /\(context "ctx", server https:\/\/k\)$/);
          return true;
        },
      );
    });
  }

  it('refuses configurations kubectl refuses', () => {
    assert.throws(
      () =>
        new ExecCredentialPlugin(settings({ apiVersion: 'client.authentication.k8s.io/v1alpha1' })),
      InputError,
    );
    assert.throws(
      () => new ExecCredentialPlugin(settings({ interactiveMode: undefined })),
      /interactiveMode must be set/,
    );
    assert.doesNotThrow(
      () =>
        new ExecCredentialPlugin(
          settings({
            apiVersion: 'client.authentication.k8s.io/v1beta1',
            interactiveMode: undefined,
          }),
        ),
    );
  });

  it('does not run plugins that need a terminal', async () => {
    await assert.rejects(
      new ExecCredentialPlugin(settings({ interactiveMode: 'Always' })).credential(),
      /requires an interactive terminal/,
    );
  });
});

describe('ExecCredentialPlugin against hostile plugins (F-8, F-13, F-15)', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kube-fresh-exec-hostile-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  async function script(name: string, body: string): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, `#!/bin/bash\n${body}\n`);
    await chmod(path, 0o755);
    return path;
  }
  const base = (command: string, timeoutMs: number): ExecPluginSettings => ({
    userName: 'u',
    exec: {
      command,
      args: [],
      env: [],
      apiVersion: V1,
      installHint: undefined,
      provideClusterInfo: false,
      interactiveMode: 'Never',
    },
    cluster: {
      name: 'c',
      server: 'https://k',
      caData: undefined,
      caFile: undefined,
      insecureSkipTlsVerify: false,
      tlsServerName: undefined,
      proxyUrl: undefined,
    },
    target: { context: 'ctx', server: 'https://k' },
    env: { PATH: process.env.PATH },
    timeoutMs,
  });

  it('a wrapper whose grandchild holds the pipes is stopped at the timeout, grandchild included', async () => {
    const pidFile = join(dir, 'grandchild.pid');
    const command = await script('wrapper.sh', `sleep 1000 &\necho $! > ${pidFile}\nwait`);
    await assert.rejects(
      new ExecCredentialPlugin(base(command, 500)).credential(),
      /gave no answer within 0.5 s/,
    );
    const pid = Number(await readFile(pidFile, 'utf8'));
    assert.ok(await gone(pid), `grandchild ${pid} still runs`);
  });

  it('a plugin that prints without end is stopped at the output cap', async () => {
    const command = await script('flood.sh', 'yes ExecCredential');
    await assert.rejects(
      new ExecCredentialPlugin(base(command, 60_000)).credential(),
      /printed more than 1048576 bytes on stdout/,
    );
  });

  it('a failing plugin is not quoted: its stderr may hold the token', async () => {
    const command = await script(
      'leak.sh',
      'echo "token kubetoken-SECRET-xyz expired" >&2\nexit 1',
    );
    await assert.rejects(
      new ExecCredentialPlugin(base(command, 10_000)).credential(),
      (error: unknown) => {
        assert.ok(error instanceof ClusterError);
        assert.match(error.message, /exited with 1/);
        assert.doesNotMatch(error.message, /kubetoken-SECRET-xyz/);
        return true;
      },
    );
  });
});

/** Whether a process has ended (reaped by init after its group was killed); polls a while. */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 200; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}
