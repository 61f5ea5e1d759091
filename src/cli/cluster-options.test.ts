import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { UsageError } from '../core/errors.ts';
import { connectClusterFromOptions, parseRequestTimeout } from './cluster-options.ts';
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
    const plain = await connectClusterFromOptions({}, io(env));
    assert.deepEqual(
      [plain.reader.target.context, plain.reader.target.server, plain.namespace],
      ['ctx', 'https://k8s.example:6443', 'team'],
    );
    assert.equal((await connectClusterFromOptions({ namespace: 'ops' }, io(env))).namespace, 'ops');
    assert.equal(
      (await connectClusterFromOptions({ allNamespaces: true, namespace: 'ops' }, io(env)))
        .namespace,
      undefined,
    );
    assert.equal(
      (await connectClusterFromOptions({ context: 'other' }, io(env))).namespace,
      'default',
    );
  });

  it('finds ~/.kube/config through io.env.HOME and prefers --kubeconfig', async () => {
    const home = join(dir, 'home');
    await mkdir(join(home, '.kube'), { recursive: true });
    await writeFile(join(home, '.kube', 'config'), kubeconfig('https://home.example', 'h'));
    assert.equal(
      (await connectClusterFromOptions({}, io({ HOME: home }))).reader.target.server,
      'https://home.example',
    );
    const explicit = await connectClusterFromOptions(
      { kubeconfig: join(dir, 'config') },
      io({ HOME: home }),
    );
    assert.equal(explicit.reader.target.server, 'https://k8s.example:6443');
  });

  it('rejects bad flag values as usage errors', async () => {
    await assert.rejects(connectClusterFromOptions({ namespace: 'Bad_NS' }, io({})), UsageError);
    await assert.rejects(
      connectClusterFromOptions(
        { requestTimeout: 'soon', kubeconfig: join(dir, 'config') },
        io({}),
      ),
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
