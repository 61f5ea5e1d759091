import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { UsageError } from '../core/errors.ts';
import { openCliSession } from './cli-session.ts';
import { parseRequestTimeout } from './cluster-options.ts';
import type { CliIo } from './io.ts';

const kubeconfig = (server: string, namespace: string) =>
  `clusters: [{name: c, cluster: {server: "${server}"}}]\nusers: [{name: u, user: {token: t}}]\n` +
  `contexts: [{name: ctx, context: {cluster: c, user: u, namespace: ${namespace}}}, {name: other, context: {cluster: c, user: u}}]\ncurrent-context: ctx\n`;

describe('cluster options', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kube-fresh-cluster-options-'));
    await writeFile(join(dir, 'config'), kubeconfig('https://k8s.example:6443', 'team'));
  });
  after(() => rm(dir, { recursive: true, force: true }));
  const io = (env: Record<string, string>): CliIo => ({
    stdout: { write: () => true },
    stderr: { write: () => true },
    env,
    programName: 'kube-fresh',
  });

  it('reads KUBECONFIG from io.env and scopes to the context namespace, -n or all namespaces', async () => {
    const env = { KUBECONFIG: join(dir, 'config') };
    const plain = await openCliSession({}, io(env));
    assert.deepEqual(
      [plain.target.context, plain.target.server, plain.namespace],
      ['ctx', 'https://k8s.example:6443', 'team'],
    );
    assert.equal((await openCliSession({ namespace: 'ops' }, io(env))).namespace, 'ops');
    assert.equal(
      (await openCliSession({ allNamespaces: true, namespace: 'ops' }, io(env))).namespace,
      undefined,
    );
    assert.equal((await openCliSession({ context: 'other' }, io(env))).namespace, 'default');
  });

  it('finds ~/.kube/config through io.env.HOME and prefers --kubeconfig', async () => {
    const home = join(dir, 'home');
    await mkdir(join(home, '.kube'), { recursive: true });
    await writeFile(join(home, '.kube', 'config'), kubeconfig('https://home.example', 'h'));
    assert.equal(
      (await openCliSession({}, io({ HOME: home }))).target.server,
      'https://home.example',
    );
    const explicit = await openCliSession({ kubeconfig: join(dir, 'config') }, io({ HOME: home }));
    assert.equal(explicit.target.server, 'https://k8s.example:6443');
  });

  it('rejects bad flag values as usage errors', async () => {
    await assert.rejects(openCliSession({ namespace: 'Bad_NS' }, io({})), UsageError);
    await assert.rejects(
      openCliSession({ requestTimeout: 'soon', kubeconfig: join(dir, 'config') }, io({})),
      UsageError,
    );
  });

  it('parses --request-timeout like kubectl', () => {
    assert.equal(parseRequestTimeout('30s'), 30_000);
    assert.equal(parseRequestTimeout('1m'), 60_000);
    assert.equal(parseRequestTimeout('250ms'), 250);
    assert.equal(parseRequestTimeout('2'), 2_000);
    assert.equal(parseRequestTimeout('1.5s'), 1_500);
    assert.equal(parseRequestTimeout('1h1m'), 3_660_000);
    assert.equal(parseRequestTimeout('1m30.5s'), 90_500);
    // F-17: nothing a timer cannot hold (it would become 1 ms, or crash with ERR_OUT_OF_RANGE).
    for (const bad of ['0', '-1s', '5x', '', '0.0001s', '3000000s', '99999999999999s', '1e9'])
      assert.throws(() => parseRequestTimeout(bad), UsageError, bad);
    assert.equal(parseRequestTimeout('596h'), 596 * 3_600_000);
  });
});
