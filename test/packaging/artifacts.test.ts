// The shipped artefacts, built by the repo's own scripts and run for real: the esbuild bundle,
// the single executable (reproducible without a code cache), the OCI image (same digest twice,
// non-root, runs under runc with a read-only root filesystem), and the krew plugin installed by
// krew (built from its Go module) and run as `kubectl fresh` by kubectl (built from its module).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const TOOLS = join(REPO, '.cache/tools/bin');
const VERSION = (
  JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as { version: string }
).version;
const big = { maxBuffer: 64 * 1024 * 1024, cwd: REPO };

const sha256 = async (file: string): Promise<string> =>
  createHash('sha256')
    .update(await readFile(file))
    .digest('hex');

describe('packaging', { timeout: 600_000 }, () => {
  let dir: string;
  let sea: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kube-fresh-pack-'));
    sea = join(dir, 'sea-1/kube-fresh');
    await run('bash', ['packaging/build-sea.sh', sea], big);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('bundles the CLI into one deterministic CommonJS file without the test harness', async () => {
    const out = join(dir, 'bundle.cjs');
    await run('node', ['packaging/build-bundle.mjs', out], big);
    const meta = JSON.parse(await readFile(`${out}.meta.json`, 'utf8')) as {
      inputs: Record<string, unknown>;
    };
    assert.ok(Object.keys(meta.inputs).some((f) => f.startsWith('src/cli/')));
    assert.ok(
      !Object.keys(meta.inputs).some((f) => f.startsWith('harness/') || f.startsWith('test/')),
    );
    const version = await run(process.execPath, [out, '--version']);
    assert.equal(version.stdout.trim(), VERSION);
    const again = join(dir, 'bundle-2.cjs');
    await run('node', ['packaging/build-bundle.mjs', again], big);
    assert.equal(await sha256(out), await sha256(again));
  });

  it('builds a single executable that runs alone, byte-identical when built again', async () => {
    const { stdout } = await run(sea, ['ref', '-o', 'json', 'nginx']);
    assert.equal((JSON.parse(stdout) as { name: string }[])[0]?.name, 'docker.io/library/nginx');
    const second = join(dir, 'sea-2/kube-fresh');
    await run('bash', ['packaging/build-sea.sh', second], big);
    assert.equal(await sha256(sea), await sha256(second));
    // Run as a kubectl plugin, it names itself the way kubectl users type it.
    const plugin = join(dir, 'kubectl-fresh');
    await symlink(sea, plugin);
    assert.match((await run(plugin, ['--help'])).stdout, /Usage: kubectl fresh/);
  });

  it('builds a reproducible, non-root OCI image that runs with a read-only root filesystem', async () => {
    const env = { ...process.env, KUBE_FRESH_SEA: sea, SOURCE_DATE_EPOCH: '1765000000' };
    const layouts = [join(dir, 'oci-1'), join(dir, 'oci-2')];
    for (const layout of layouts)
      await run('bash', ['packaging/build-image.sh', layout], { ...big, env });
    const digests = await Promise.all(
      layouts.map(
        async (l) =>
          (
            JSON.parse(await readFile(join(l, 'index.json'), 'utf8')) as {
              manifests: { digest: string }[];
            }
          ).manifests[0]?.digest,
      ),
    );
    assert.match(digests[0] ?? '', /^sha256:[0-9a-f]{64}$/);
    assert.equal(digests[0], digests[1]);

    const inspect = await run('skopeo', ['inspect', '--config', `oci:${layouts[0]}:${VERSION}`]);
    const config = JSON.parse(inspect.stdout) as {
      config: { User: string; Entrypoint: string[]; Labels: Record<string, string> };
    };
    assert.equal(config.config.User, '65532:65532');
    assert.deepEqual(config.config.Entrypoint, ['/usr/local/bin/kube-fresh']);
    assert.equal(config.config.Labels['org.opencontainers.image.version'], VERSION);
    assert.equal(config.config.Labels['org.opencontainers.image.licenses'], 'Apache-2.0');
    assert.match(
      config.config.Labels['org.opencontainers.image.revision'] ?? '',
      /^[0-9a-f]{40}$|^unknown$/,
    );

    const bundle = join(dir, 'bundle');
    await run('umoci', ['unpack', '--image', `${layouts[0]}:${VERSION}`, bundle]);
    assert.ok(existsSync(join(bundle, 'rootfs/usr/share/doc/kube-fresh/LICENSE')));
    const spec = JSON.parse(await readFile(join(bundle, 'config.json'), 'utf8')) as {
      root: { readonly: boolean };
      process: { terminal: boolean; args: string[] };
    };
    spec.root.readonly = true;
    spec.process.terminal = false;
    spec.process.args = [
      '/usr/local/bin/kube-fresh',
      'ref',
      '-o',
      'json',
      'registry.k8s.io/pause:3.10',
    ];
    await writeFile(join(bundle, 'config.json'), JSON.stringify(spec));
    const id = `kube-fresh-test-${process.pid}`;
    try {
      const { stdout } = await run('runc', ['run', '--bundle', bundle, id], { timeout: 60_000 });
      assert.equal((JSON.parse(stdout) as { domain: string }[])[0]?.domain, 'registry.k8s.io');
    } finally {
      await run('runc', ['delete', '--force', id]).catch(() => undefined);
    }
  });

  it(
    'installs with krew and runs as `kubectl fresh`',
    {
      skip:
        !existsSync(join(TOOLS, 'krew')) &&
        !process.env.CI &&
        'krew not built (bash hack/build-go-tools.sh)',
    },
    async () => {
      const out = join(dir, 'krew');
      const { stdout } = await run('bash', ['packaging/build-krew.sh', out], big);
      assert.equal(stdout.trim(), join(out, 'fresh.yaml'));
      const manifest = await readFile(join(out, 'fresh.yaml'), 'utf8');
      assert.match(
        manifest,
        new RegExp(`sha256: ${await sha256(join(out, 'kube-fresh-linux-amd64.tar.gz'))}`),
      );
      const pluginDir = join(dir, 'plugins');
      await run('mkdir', ['-p', pluginDir]);
      await symlink(join(TOOLS, 'krew'), join(pluginDir, 'kubectl-krew'));
      const krewRoot = join(dir, 'krew-root');
      const env = {
        ...process.env,
        KREW_ROOT: krewRoot,
        PATH: `${join(krewRoot, 'bin')}:${pluginDir}:${process.env.PATH}`,
        KUBECONFIG: join(dir, 'none'),
      };
      const kubectl = join(TOOLS, 'kubectl');
      await run(
        kubectl,
        [
          'krew',
          'install',
          `--manifest=${join(out, 'fresh.yaml')}`,
          `--archive=${join(out, 'kube-fresh-linux-amd64.tar.gz')}`,
        ],
        { env },
      );
      const version = await run(kubectl, ['fresh', '--version'], { env });
      assert.equal(version.stdout.trim(), VERSION);
      const help = await run(kubectl, ['fresh', '--help'], { env });
      assert.match(help.stdout, /Usage: kubectl fresh/);
      assert.ok(existsSync(join(krewRoot, 'store/fresh/v' + VERSION, 'LICENSE')));
    },
  );
});
