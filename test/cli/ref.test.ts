import assert from 'node:assert/strict';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BUILT_BIN, runCli } from '../support/run-cli.ts';

const HEX = '0123456789abcdef'.repeat(4);

describe('kube-fresh ref (built binary)', () => {
  it('reports what Kubernetes would do for each image, as JSON in input order', async () => {
    const images = ['nginx', `nginx:latest@sha256:${HEX}`, 'localhost:5000/app:dev', 'myhost/app'];
    const result = await runCli(['ref', '-o', 'json', ...images]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '');
    const reports = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
    assert.deepEqual(
      reports.map((r) => [
        r.input,
        r.name,
        r.tag,
        r.tagImplicit,
        r.digest,
        r.pullPolicy,
        r.pullPolicySource,
        r.mutable,
      ]),
      [
        ['nginx', 'docker.io/library/nginx', 'latest', true, null, 'Always', 'default', true],
        [
          images[1],
          'docker.io/library/nginx',
          'latest',
          false,
          `sha256:${HEX}`,
          'Always',
          'default',
          false,
        ],
        [
          'localhost:5000/app:dev',
          'localhost:5000/app',
          'dev',
          false,
          null,
          'IfNotPresent',
          'default',
          true,
        ],
        ['myhost/app', 'docker.io/myhost/app', 'latest', true, null, 'Always', 'default', true],
      ],
    );
    assert.deepEqual(reports[2]?.kubelet, { imagePresent: 'use-cached', imageAbsent: 'pull' });
  });

  it('exits 1 when any input is invalid and still reports every input', async () => {
    const result = await runCli(['ref', '-o', 'json', 'nginx', 'Nginx', 'a..b']);
    assert.equal(result.code, 1);
    const reports = JSON.parse(result.stdout) as Array<{
      valid: boolean;
      error?: { code: string; column: number };
    }>;
    assert.deepEqual(
      reports.map((r) => r.valid),
      [true, false, false],
    );
    assert.deepEqual(reports[1]?.error?.code, 'uppercase');
    assert.deepEqual(reports[2]?.error, {
      code: 'invalid-path',
      message: 'invalid reference format: repository path has a misplaced "."',
      upstream: 'invalid reference format',
      column: 3,
    });
  });

  it('prints a readable block per image, with a caret under an error', async () => {
    const result = await runCli(['ref', 'app:1', 'docker.io/Foo']);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /^app:1\n {2}name {11}docker\.io\/library\/app\n/);
    assert.match(
      result.stdout,
      /pull policy {4}IfNotPresent \(default: tag "1" is not "latest", so IfNotPresent\)/,
    );
    assert.match(
      result.stdout,
      /if cached {6}the kubelet uses the cached image without asking the registry/,
    );
    assert.match(result.stdout, /docker\.io\/Foo\n {27}\^\n/);
  });

  it('takes an explicit --pull-policy', async () => {
    const result = await runCli(['ref', '-o', 'json', '--pull-policy', 'Never', 'app:1']);
    const [report] = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
    assert.equal(report?.pullPolicy, 'Never');
    assert.equal(report?.pullPolicySource, 'explicit');
    assert.deepEqual(report?.kubelet, {
      imagePresent: 'use-cached',
      imageAbsent: 'ErrImageNeverPull',
    });
  });

  const usageErrors: Array<[string, string[], RegExp]> = [
    ['an unknown flag', ['ref', '--bogus', 'x'], /unknown option '--bogus'/],
    [
      'a bad pull policy',
      ['ref', '--pull-policy', 'always', 'x'],
      /Allowed choices are Always, IfNotPresent, Never/,
    ],
    ['a bad output format', ['ref', '-o', 'yaml', 'x'], /Allowed choices are text, json/],
    ['no image', ['ref'], /missing required argument 'IMAGE/],
    ['an unknown command', ['frobnicate'], /unknown command 'frobnicate'/],
    ['no command', [], /Usage: kube-fresh/],
  ];
  for (const [label, args, message] of usageErrors) {
    it(`exits 2 on ${label}, with the error on stderr and nothing on stdout`, async () => {
      const result = await runCli(args);
      assert.equal(result.code, 2);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, message);
    });
  }

  it('prints help and the version on stdout with exit 0', async () => {
    const help = await runCli(['ref', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: kube-fresh ref \[options\] <IMAGE\.\.\.>/);
    assert.match(help.stdout, /--pull-policy <policy>/);
    const version = await runCli(['--version']);
    assert.equal(version.code, 0);
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
  });

  it('works as a kubectl plugin named kubectl-fresh', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kube-fresh-plugin-'));
    try {
      const plugin = join(dir, 'kubectl-fresh');
      await symlink(BUILT_BIN, plugin);
      const result = await runCli(['ref', '--help'], { bin: plugin });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /Usage: kubectl fresh ref/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
