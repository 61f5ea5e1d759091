// Connecting the way kubectl does and failing the way users can act on, against a real
// kube-apiserver: KUBECONFIG merging, --context, exec plugins, token files, in-cluster config,
// untrusted CAs, malformed kubeconfigs, a stopped server.
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ClusterError } from '../../src/cluster/cluster-error.ts';
import { connectCluster } from '../../src/cluster/connection/connect-cluster.ts';
import { InputError, UsageError } from '../../src/core/errors.ts';
import { startControlPlane, type ControlPlane } from '../../harness/control-plane/control-plane.ts';
import { createControlPlanePki } from '../../harness/control-plane/pki-k8s.ts';
import { writeKubeconfig } from '../../harness/control-plane/test-kubeconfig.ts';
import { rejectsWith, seedShop } from './access-fixtures.ts';

describe('connections and their failures', { timeout: 180_000 }, () => {
  let cp: ControlPlane;
  let dir: string;
  let token: string;
  const connect = (kubeconfig: string, context?: string) =>
    connectCluster({
      sources: { kubeconfigFlag: kubeconfig },
      selection: { context },
      env: {},
    }).then((c) => c.reader);

  before(async () => {
    cp = await startControlPlane({ controllers: false });
    dir = await mkdtemp(join(tmpdir(), 'kube-fresh-access-'));
    token = await seedShop(cp);
  });
  after(async () => {
    await cp?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('merges KUBECONFIG files like kubectl: the first file to name a context or current-context wins', async () => {
    const first = await writeKubeconfig(join(dir, 'first.yaml'), [
      { name: 'dev', server: 'https://127.0.0.1:1', caPem: cp.caPem, credentials: { token } },
    ]);
    const second = await writeKubeconfig(
      join(dir, 'second.yaml'),
      [
        { name: 'dev', server: cp.server, caPem: cp.caPem, credentials: { token } },
        {
          name: 'prod',
          server: cp.server,
          caPem: cp.caPem,
          credentials: { token },
          namespace: 'shop',
        },
      ],
      'prod',
    );
    const kubeconfigEnv = [join(dir, 'missing.yaml'), first, second].join(':');
    const { reader } = await connectCluster({ sources: { kubeconfigEnv }, env: {} });
    assert.deepEqual(reader.target, {
      context: 'dev',
      server: 'https://127.0.0.1:1',
      user: 'dev-user',
      namespace: 'default',
    });
    await assert.rejects(
      reader.readSnapshot({}),
      rejectsWith(
        'unreachable',
        /^cannot reach the API server to list Pods in all namespaces: connect ECONNREFUSED 127\.0\.0\.1:1 \(context "dev", server https:\/\/127\.0\.0\.1:1\)$/,
      ),
    );
    const { reader: prod } = await connectCluster({
      sources: { kubeconfigEnv },
      selection: { context: 'prod' },
      env: {},
    });
    assert.equal(prod.target.server, cp.server);
    assert.equal(prod.target.namespace, 'shop');
    assert.equal((await prod.readSnapshot({ namespace: prod.target.namespace })).pods.length, 2);
    await assert.rejects(
      connectCluster({ sources: { kubeconfigEnv }, selection: { context: 'staging' }, env: {} }),
      (error: Error) =>
        error instanceof UsageError &&
        /context "staging" not found in .*first\.yaml, .*second\.yaml/.test(error.message),
    );
  });

  it('runs exec credential plugins as kubectl does, once for parallel requests', async () => {
    const calls = join(dir, 'plugin-calls.log');
    await writeFile(
      join(dir, 'plugin.sh'),
      `#!/bin/sh\nprintf '%s|%s|%s|%s\\n' "$1" "$PLUGIN_GREETING" "$KF_PASSED" "$KUBERNETES_EXEC_INFO" >> ${calls}\n` +
        `printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s"}}' '${token}'\n`,
    );
    await chmod(join(dir, 'plugin.sh'), 0o755);
    const exec = {
      apiVersion: 'client.authentication.k8s.io/v1',
      command: './plugin.sh',
      args: ['--cluster-token'],
      env: [{ name: 'PLUGIN_GREETING', value: 'hello' }],
      interactiveMode: 'Never',
      provideClusterInfo: true,
    };
    const kubeconfig = await writeKubeconfig(join(dir, 'exec.yaml'), [
      { name: 'exec', server: cp.server, caPem: cp.caPem, credentials: { exec } },
    ]);
    const { reader } = await connectCluster({
      sources: { kubeconfigFlag: kubeconfig },
      env: { KF_PASSED: 'yes', PATH: process.env.PATH },
    });
    const snapshot = await reader.readSnapshot({ namespace: 'shop' });
    assert.equal(snapshot.pods.length, 2);
    const lines = (await readFile(calls, 'utf8')).trim().split('\n');
    assert.equal(lines.length, 1, 'one plugin run shared by six parallel lists');
    const [arg, greeting, passed, info] = (lines[0] ?? '').split('|');
    assert.deepEqual([arg, greeting, passed], ['--cluster-token', 'hello', 'yes']);
    const execInfo = JSON.parse(info ?? '{}') as {
      spec?: { interactive?: boolean; cluster?: { server?: string } };
    };
    assert.equal(execInfo.spec?.interactive, false);
    assert.equal(execInfo.spec?.cluster?.server, cp.server);
  });

  it('reports an exec plugin that is not installed with its installHint', async () => {
    const exec = {
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      command: 'kube-fresh-no-such-plugin',
      installHint: 'brew install no-such-plugin',
    };
    const kubeconfig = await writeKubeconfig(join(dir, 'exec-missing.yaml'), [
      { name: 'missing', server: cp.server, caPem: cp.caPem, credentials: { exec } },
    ]);
    const reader = await connect(kubeconfig);
    await assert.rejects(reader.readSnapshot({}), (error: unknown) => {
      rejectsWith(
        'unauthorized',
        /exec plugin kube-fresh-no-such-plugin executable kube-fresh-no-such-plugin not found/,
      )(error);
      assert.equal((error as ClusterError).hint, 'brew install no-such-plugin');
      return true;
    });
  });

  it('reads a relative token file, with its trailing newline trimmed', async () => {
    await writeFile(join(dir, 'token.txt'), `${token}\n`);
    const path = join(dir, 'token-file.yaml');
    await writeFile(
      path,
      `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: ${cp.server}\n    certificate-authority: ca.crt\n` +
        `users:\n- name: u\n  user:\n    tokenFile: token.txt\ncontexts:\n- name: t\n  context: {cluster: c, user: u}\ncurrent-context: t\n`,
    );
    await writeFile(join(dir, 'ca.crt'), cp.caPem);
    const snapshot = await (await connect(path)).readSnapshot({ namespace: 'shop' });
    assert.equal(snapshot.pods.length, 2);
  });

  it('uses the in-cluster ServiceAccount when there is no kubeconfig', async () => {
    const saDir = join(dir, 'serviceaccount');
    await rm(saDir, { recursive: true, force: true });
    await mkdir(saDir);
    await writeFile(join(saDir, 'token'), token);
    await writeFile(join(saDir, 'ca.crt'), cp.caPem);
    await writeFile(join(saDir, 'namespace'), 'shop');
    const port = new URL(cp.server).port;
    const { reader } = await connectCluster({
      sources: {
        home: join(dir, 'no-home'),
        inCluster: { host: '127.0.0.1', port },
        serviceAccountDir: saDir,
      },
      env: {},
    });
    assert.deepEqual(reader.target, {
      context: 'in-cluster',
      server: cp.server,
      user: 'in-cluster-service-account',
      namespace: 'shop',
    });
    assert.equal((await reader.readSnapshot({ namespace: 'shop' })).pods.length, 2);
  });

  it('refuses a server whose certificate the kubeconfig CA did not sign', async () => {
    await mkdir(join(dir, 'other-pki'));
    const otherCa = (await createControlPlanePki(join(dir, 'other-pki'))).caPem;
    const kubeconfig = await writeKubeconfig(join(dir, 'wrong-ca.yaml'), [
      { name: 'wrong-ca', server: cp.server, caPem: otherCa, credentials: { token } },
    ]);
    await assert.rejects(
      (await connect(kubeconfig)).readSnapshot({}),
      rejectsWith('unreachable', /TLS: .*certificate/i),
    );
  });

  it('rejects malformed kubeconfigs with the file and the entry', async () => {
    const broken = join(dir, 'broken.yaml');
    await writeFile(broken, 'apiVersion: v1\nclusters: [ {name: x\n');
    await assert.rejects(
      connect(broken),
      (e: Error) =>
        e instanceof InputError && e.message.startsWith(`kubeconfig ${broken} is not valid YAML`),
    );
    const noServer = join(dir, 'no-server.yaml');
    await writeFile(noServer, 'clusters:\n- name: x\n  cluster: {}\n');
    await assert.rejects(
      connect(noServer),
      new InputError(`kubeconfig ${noServer}: clusters[0].cluster.server is missing`),
    );
    await assert.rejects(
      connect(join(dir, 'absent.yaml')),
      (e: Error) =>
        e instanceof InputError && /cannot read kubeconfig .*absent\.yaml: ENOENT/.test(e.message),
    );
  });

  it('reports a stopped API server as unreachable, naming the context and server', async () => {
    const reader = await connect(cp.kubeconfigPath);
    await cp.stopApiServer();
    await assert.rejects(
      reader.readSnapshot({ namespace: 'shop' }),
      rejectsWith(
        'unreachable',
        new RegExp(
          `ECONNREFUSED .*\\(context "kube-fresh-test-admin", server ${cp.server.replace(/\./g, '\\.')}\\)$`,
        ),
      ),
    );
  });
});
