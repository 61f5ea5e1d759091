// The npm package as a user gets it: `npm pack`, installed into an empty project, both bins run,
// no harness inside, and a strict TypeScript consumer compiles against the root export's types
// (and runs).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const TSC = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');

const CONSUMER = `import {
  createRegistryClient,
  defaultPullPolicy,
  effectivePullPolicy,
  judgeContainer,
  kubeletImageAction,
  lintManifestText,
  parseImageReference,
  pinnedImage,
  type CheckWorkloadsOptions,
  type ImageReference,
  type PullPolicy,
  type StatusReport,
} from 'kube-fresh';

const parsed = parseImageReference('nginx');
if (!parsed.ok) throw new Error(parsed.problem.message);
const ref: ImageReference = parsed.reference;
const policy: PullPolicy = defaultPullPolicy('nginx');
const lint = lintManifestText('apiVersion: v1\\nkind: Pod\\nmetadata: {name: p}\\nspec:\\n  containers:\\n  - name: a\\n    image: nginx:1.27\\n');
const options: CheckWorkloadsOptions = { namespace: 'default', insecureRegistries: ['localhost:5000'] };
const report: StatusReport | undefined = undefined;
void report;
void options;
void judgeContainer;
void createRegistryClient;
console.log(JSON.stringify({
  familiar: ref.path,
  policy,
  effective: effectivePullPolicy('nginx:1.27').policy,
  action: kubeletImageAction(policy, true),
  pinned: pinnedImage('nginx', ref, ('sha256:' + 'a'.repeat(64)) as Parameters<typeof pinnedImage>[2]),
  findings: lint.findings.map((f) => f.rule),
}));
`;

describe('the npm package', { timeout: 300_000 }, () => {
  let dir: string;
  let project: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kube-fresh-pack-'));
    project = join(dir, 'consumer');
    // --ignore-scripts: prepack's build empties dist/, which other test files run in parallel.
    assert.ok(existsSync(join(REPO, 'dist', 'index.js')), 'run "npm run build" first');
    execFileSync('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', dir], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const tarball = (await readdir(dir)).find((f) => f.endsWith('.tgz'));
    assert.ok(tarball !== undefined, 'npm pack wrote no tarball');
    execFileSync('mkdir', ['-p', project]);
    await writeFile(
      join(project, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
    );
    execFileSync(
      'npm',
      [
        'install',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        '--ignore-scripts',
        join(dir, tarball),
      ],
      { cwd: project, stdio: ['ignore', 'pipe', 'inherit'] },
    );
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('ships dist/ and types, not the harness or test fixtures', () => {
    const files = execFileSync('find', ['node_modules/kube-fresh', '-type', 'f'], {
      cwd: project,
      encoding: 'utf8',
    });
    assert.match(files, /dist\/index\.d\.ts/);
    assert.match(files, /dist\/cli\/bin\.js/);
    assert.doesNotMatch(files, /harness|fixtures|\.test\.|lab-story/);
  });

  it('runs both bins', () => {
    const bin = join(project, 'node_modules', '.bin');
    const ref = execFileSync(join(bin, 'kube-fresh'), ['ref', '-o', 'json', 'nginx'], {
      encoding: 'utf8',
    });
    assert.match(ref, /"pullPolicy": "Always"/);
    const version = execFileSync(join(bin, 'kubectl-fresh'), ['--version'], { encoding: 'utf8' });
    assert.match(version, /^\d+\.\d+\.\d+/);
  });

  it('compiles a strict TypeScript consumer against the root export, and runs it', async () => {
    await writeFile(join(project, 'consumer.ts'), CONSUMER);
    await writeFile(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          target: 'ES2023',
          module: 'nodenext',
          moduleResolution: 'nodenext',
          types: [],
          skipLibCheck: false,
          noEmit: false,
          outDir: 'out',
        },
        files: ['consumer.ts'],
      }),
    );
    execFileSync(process.execPath, [TSC, '-p', 'tsconfig.json'], {
      cwd: project,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const out = JSON.parse(
      execFileSync(process.execPath, ['out/consumer.js'], { cwd: project, encoding: 'utf8' }),
    ) as Record<string, unknown>;
    assert.deepEqual(out, {
      familiar: 'library/nginx',
      policy: 'Always',
      effective: 'IfNotPresent',
      action: 'pull',
      pinned: `nginx:latest@sha256:${'a'.repeat(64)}`,
      findings: ['KF001'],
    });
  });

  it('exposes nothing but the root (no deep imports into dist/)', () => {
    const script =
      "import('kube-fresh/dist/core/pin.js').then(() => console.log('leaked'), (e) => console.log(e.code))";
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: project,
      encoding: 'utf8',
    });
    assert.equal(out.trim(), 'ERR_PACKAGE_PATH_NOT_EXPORTED');
  });
});
