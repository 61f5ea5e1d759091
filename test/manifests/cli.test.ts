// `lint` and `fix` through the built binary: inputs, output formats, config, exit codes, writes.
import assert from 'node:assert/strict';
import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../support/run-cli.ts';

const pod = (name: string, image: string, extra = ''): string =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: ns\nspec:\n  containers:\n    - name: c\n      image: ${image}\n${extra}`;

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kube-fresh-cli-'));
  await mkdir(join(dir, 'k8s/apps/.git'), { recursive: true });
  await writeFile(join(dir, 'k8s/apps/web.yaml'), pod('web', 'nginx:1.27'));
  await writeFile(join(dir, 'k8s/apps/.git/ignored.yaml'), pod('git', 'nginx:1.27'));
  await writeFile(
    join(dir, 'k8s/cache.yml'),
    `${pod('cache', 'redis')}---\n${pod('pinned', `redis@sha256:${'a'.repeat(64)}`)}`,
  );
  await writeFile(join(dir, 'k8s/README.md'), 'image: nginx:1\n');
});
after(() => rm(dir, { recursive: true, force: true }));

describe('kube-fresh lint (built binary)', () => {
  it('walks folders for *.yaml and *.yml in sorted order, skipping .git, and prints JSON', async () => {
    const result = await runCli(['lint', '-o', 'json', 'k8s'], { cwd: dir });
    assert.equal(result.code, 1, result.stderr);
    const json = JSON.parse(result.stdout) as {
      findings: Array<Record<string, unknown>>;
      summary: unknown;
    };
    assert.deepEqual(
      json.findings.map((f) => Object.keys(f)),
      [
        [
          'rule',
          'severity',
          'file',
          'line',
          'column',
          'documentIndex',
          'kind',
          'namespace',
          'name',
          'container',
          'image',
          'message',
        ],
        [
          'rule',
          'severity',
          'file',
          'line',
          'column',
          'documentIndex',
          'kind',
          'namespace',
          'name',
          'container',
          'image',
          'message',
        ],
      ].slice(0, json.findings.length),
    );
    assert.deepEqual(
      json.findings.map((f) => [
        f.file,
        f.line,
        f.column,
        f.rule,
        f.documentIndex,
        f.namespace,
        f.name,
        f.container,
      ]),
      [
        ['k8s/apps/web.yaml', 9, 14, 'KF001', 0, 'ns', 'web', 'c'],
        ['k8s/cache.yml', 9, 14, 'KF002', 0, 'ns', 'cache', 'c'],
      ],
    );
    assert.deepEqual(json.summary, {
      files: 2,
      documents: 3,
      images: 3,
      errors: 1,
      warnings: 1,
      infos: 0,
    });
  });

  it('prints file:line:col text lines, the summary on stderr, and honours --fail-on', async () => {
    const text = await runCli(['lint', 'k8s/cache.yml'], { cwd: dir });
    assert.equal(text.code, 0, 'a warning does not fail by default');
    assert.match(
      text.stdout,
      /^k8s\/cache\.yml:9:14: warning KF002 untagged image .* \(Pod\/cache container c\)\n$/,
    );
    assert.match(text.stderr, /0 errors, 1 warning, 0 infos \(1 file, 2 documents, 2 images\)/);
    const strict = await runCli(['lint', '--fail-on', 'warning', 'k8s/cache.yml'], { cwd: dir });
    assert.equal(strict.code, 1);
  });

  it('writes SARIF with relative forward-slash URIs', async () => {
    const result = await runCli(['lint', '-o', 'sarif', join(dir, 'k8s')], { cwd: dir });
    const sarif = JSON.parse(result.stdout) as {
      runs: Array<{
        results: Array<{
          locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }>;
        }>;
      }>;
    };
    assert.deepEqual(
      sarif.runs[0]?.results.map((r) => r.locations[0]?.physicalLocation.artifactLocation.uri),
      ['k8s/apps/web.yaml', 'k8s/cache.yml'],
    );
  });

  it('reads stdin as <stdin>, and still reports what it could read when a file is broken or missing', async () => {
    const broken = `${pod('ok', 'nginx:1')}---\nkind: Pod\nspec: {containers: [\n`;
    const result = await runCli(['lint', '-', 'missing.yaml', 'k8s/cache.yml'], {
      cwd: dir,
      stdin: broken,
    });
    assert.equal(result.code, 2);
    assert.match(result.stdout, /^<stdin>:9:14: error KF001 /m);
    assert.match(result.stdout, /^k8s\/cache\.yml:9:14: warning KF002 /m);
    assert.match(result.stderr, /^<stdin>:13:1: error: Flow sequence/m);
    assert.match(result.stderr, /^missing\.yaml: error: no such file or folder$/m);
  });

  it('applies .kube-fresh.yaml from the current folder and suppression comments', async () => {
    const project = await mkdtemp(join(dir, 'project-'));
    await writeFile(
      join(project, '.kube-fresh.yaml'),
      'rules:\n  KF002: error\nignore:\n  - rules: [KF001]\n    files: ["legacy/**"]\n',
    );
    await mkdir(join(project, 'legacy'));
    await writeFile(join(project, 'legacy/old.yaml'), pod('old', 'nginx:1.27'));
    await writeFile(
      join(project, 'new.yaml'),
      pod('new', 'nginx', '# kube-fresh-ignore KF001\n') +
        '    - name: d\n      # kube-fresh-ignore KF001\n      image: nginx:1\n',
    );
    const result = await runCli(['lint', '-o', 'json', '.'], { cwd: project });
    const json = JSON.parse(result.stdout) as {
      findings: Array<{ rule: string; severity: string; file: string }>;
    };
    assert.deepEqual(
      json.findings.map((f) => [f.file, f.rule, f.severity]),
      [['new.yaml', 'KF002', 'error']],
    );
    assert.equal(result.code, 1);
  });

  it('exits 2 naming the config file when it is invalid', async () => {
    const config = join(dir, 'bad-config.yaml');
    await writeFile(config, 'rules:\n  KF123: off\n');
    const result = await runCli(['lint', '--config', config, 'k8s'], { cwd: dir });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /bad-config\.yaml: rules.*KF123/);
    assert.equal(result.stdout, '');
  });

  const usage: Array<[string, string[], RegExp]> = [
    ['a bad format', ['lint', '-o', 'xml', 'x'], /Allowed choices are text, json, sarif/],
    ['no path', ['lint'], /missing required argument 'PATH/],
    ['stdin twice', ['lint', '-', '-'], /can be given only once/],
    ['pin --write with stdin', ['pin', '--write', '-'], /--write needs files/],
    [
      'pin --write with --check',
      ['pin', '--write', '--check', 'x'],
      /cannot be used with option '--check'/,
    ],
    [
      'fix with another policy',
      ['fix', '--pull-policy', 'Never', 'x'],
      /Allowed choices are Always/,
    ],
  ];
  for (const [label, args, message] of usage) {
    it(`exits 2 on ${label}`, async () => {
      const result = await runCli(args, { cwd: dir });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, message);
    });
  }

  it('reports a too-deep file as a per-file error (exit 2) and still lints the others', async () => {
    const work = await mkdtemp(join(dir, 'deep-'));
    await writeFile(join(work, 'a-deep.yaml'), `a: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`);
    await writeFile(join(work, 'b-good.yaml'), pod('good', 'nginx:1.27'));
    const result = await runCli(['lint', '-o', 'json', '.'], { cwd: work });
    assert.equal(result.code, 2, result.stderr);
    assert.doesNotMatch(result.stderr, /internal error|Maximum call stack/);
    assert.match(result.stderr, /a-deep\.yaml:1:259: error: nesting deeper than 256 levels/);
    const report = JSON.parse(result.stdout) as { findings: { file: string; rule: string }[] };
    assert.deepEqual(
      report.findings.map((f) => [f.file, f.rule]),
      [['b-good.yaml', 'KF001']],
    );
  });

  it('documents the :latest decision in pin --help', async () => {
    const help = await runCli(['pin', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /imagePullPolicy: IfNotPresent/);
    assert.match(help.stdout, /--docker-config/);
  });
});

describe('kube-fresh fix (built binary)', () => {
  it('--write edits atomically, keeps the mode and symlinks, and leaves a broken file untouched', async () => {
    const work = await mkdtemp(join(dir, 'fix-'));
    const target = join(work, 'real.yaml');
    const original = pod('w', 'nginx:1.27', '      imagePullPolicy: Never # was Never\n');
    await writeFile(target, original);
    await chmod(target, 0o604);
    await symlink('real.yaml', join(work, 'link.yaml'));
    const brokenText = 'kind: Pod\nspec: {containers: [\n';
    await writeFile(join(work, 'broken.yaml'), brokenText);
    const result = await runCli(['fix', '--write', 'link.yaml', 'broken.yaml'], { cwd: work });
    assert.equal(result.code, 2, result.stderr);
    assert.equal(await readFile(target, 'utf8'), original.replace('Never # was', 'Always # was'));
    assert.equal((await stat(target)).mode & 0o777, 0o604);
    assert.ok((await lstat(join(work, 'link.yaml'))).isSymbolicLink());
    assert.equal(await readFile(join(work, 'broken.yaml'), 'utf8'), brokenText);
    assert.deepEqual(
      (await readdir(work)).sort(),
      ['broken.yaml', 'link.yaml', 'real.yaml'],
      'no temp files left',
    );
    assert.match(result.stderr, /link\.yaml:9: c \(nginx:1\.27\): imagePullPolicy Never -> Always/);
  });

  it('reads stdin and writes the fixed stream to stdout', async () => {
    const input = `${pod('a', 'nginx:1.27')}---\n${pod('b', 'nginx')}`;
    const result = await runCli(['fix', '-'], { stdin: input });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      result.stdout,
      input.replace('image: nginx:1.27\n', 'image: nginx:1.27\n      imagePullPolicy: Always\n'),
    );
  });
});
