// Shell completion as users meet it: a real bash with the printed script loaded, the built CLI
// answering `__complete` from a real control plane, kubectl (built from its Go module) calling
// `kubectl_complete-fresh` for `kubectl fresh <TAB>`, and silence when the cluster is unreachable.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { startControlPlane, type ControlPlane } from '../../harness/control-plane/control-plane.ts';
import { BUILT_BIN, runCli } from '../support/run-cli.ts';

const run = promisify(execFile);
const KUBECTL = fileURLToPath(new URL('../../.cache/tools/bin/kubectl', import.meta.url));

/** A folder with kube-fresh, kubectl-fresh and kubectl_complete-fresh on it, as an install has. */
async function installDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kube-fresh-completion-'));
  const shim = join(dir, 'kube-fresh');
  await writeFile(shim, `#!/bin/sh\nexec "${process.execPath}" "${BUILT_BIN}" "$@"\n`);
  await chmod(shim, 0o755);
  // The plugin names must reach bin.js as argv[1], so they are symlinks to it, run by node.
  for (const name of ['kubectl-fresh', 'kubectl_complete-fresh']) {
    const link = join(dir, `${name}.js`);
    await symlink(BUILT_BIN, link);
    await writeFile(join(dir, name), `#!/bin/sh\nexec "${process.execPath}" "${link}" "$@"\n`);
    await chmod(join(dir, name), 0o755);
  }
  return dir;
}

describe('completion scripts and the protocol', { timeout: 120_000 }, () => {
  let dir: string;
  before(async () => {
    dir = await installDir();
  });

  it('bash: the printed script completes commands and flag values', async () => {
    const script = (await runCli(['completion', 'bash'])).stdout;
    const probe = async (words: string[], cword: number): Promise<string[]> => {
      const body = `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${cword}; _kube_fresh; printf '%s\\n' "\${COMPREPLY[@]}"`;
      const { stdout } = await run('bash', ['-c', body], {
        env: { ...process.env, PATH: `${dir}:${process.env.PATH}` },
      });
      return stdout.split('\n').filter(Boolean);
    };
    assert.deepEqual(await probe(['kube-fresh', 'sta'], 1), ['status']);
    assert.deepEqual(await probe(['kube-fresh', 'status', '-o', 'y'], 3), ['yaml']);
  });

  it('zsh and fish scripts are valid for their shells', async (t) => {
    for (const shell of ['zsh', 'fish'] as const) {
      const script = (await runCli(['completion', shell])).stdout;
      const which = await run('sh', ['-c', `command -v ${shell} || true`]);
      if (which.stdout.trim() === '') {
        if (process.env.CI)
          assert.fail(`${shell} is missing: scripts/install-test-deps.sh installs it`);
        t.diagnostic(`${shell} not installed: syntax not checked`);
        continue;
      }
      const file = join(dir, `script.${shell}`);
      await writeFile(file, script);
      await run(shell, ['-n', file]);
    }
  });

  it(
    'kubectl fresh <TAB>: kubectl runs kubectl_complete-fresh',
    {
      skip:
        !existsSync(KUBECTL) &&
        !process.env.CI &&
        'kubectl not built (bash hack/build-go-tools.sh)',
    },
    async () => {
      const env = {
        ...process.env,
        PATH: `${dir}:${process.env.PATH}`,
        KUBECONFIG: join(dir, 'none'),
      };
      const { stdout } = await run(KUBECTL, ['__complete', 'fresh', 'exp'], { env });
      assert.match(stdout, /^explain\t/m);
      const flags = await run(KUBECTL, ['__complete', 'fresh', 'status', '--output='], { env });
      assert.match(flags.stdout, /^--output=json$/m);
    },
  );

  it('says nothing, and exits 0, when the cluster cannot be reached', async () => {
    const kubeconfig = join(dir, 'unreachable.yaml');
    await writeFile(
      kubeconfig,
      'apiVersion: v1\nkind: Config\ncurrent-context: c\ncontexts: [{name: c, context: {cluster: c, user: u}}]\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\nusers: [{name: u, user: {token: abc}}]\n',
    );
    const result = await runCli(['__complete', 'explain', '--kubeconfig', kubeconfig, '']);
    assert.equal(result.code, 0);
    assert.equal(result.stdout, ':4\n');
    assert.equal(result.stderr, '');
  });
});

describe('completion from a real control plane', { timeout: 120_000 }, () => {
  let cp: ControlPlane;
  before(async () => {
    cp = await startControlPlane({ controllers: false });
    await cp.createNamespace('shop');
    const deployment = (name: string): object => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name },
      spec: {
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: { containers: [{ name: 'c', image: 'reg.test/app:1' }] },
        },
      },
    });
    await cp.admin.create('/apis/apps/v1/namespaces/shop/deployments', deployment('web'));
    await cp.admin.create('/apis/apps/v1/namespaces/shop/deployments', deployment('worker'));
  });
  after(() => cp?.stop());

  it('completes namespaces and the workloads of the typed namespace', async () => {
    const kube = ['--kubeconfig', cp.kubeconfigPath];
    const namespaces = await runCli(['__complete', 'status', ...kube, '-n', 'sh']);
    assert.equal(namespaces.stdout, 'shop\n:4\n');
    const workloads = await runCli(['__complete', 'explain', ...kube, '-n', 'shop', 'deploy/']);
    assert.equal(workloads.stdout, 'deploy/web\ndeploy/worker\n:4\n');
    const contexts = await runCli(['__complete', 'status', ...kube, '--context', '']);
    assert.equal(contexts.stdout, `${cp.contextName}\n:4\n`);
  });
});
