// `pin` and `lint --online` against a real registry (Debian's docker-registry on loopback), through
// the built binary: push, pin, move the tag, re-pin, --check, idempotence, an unknown tag.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startRegistry, type TestRegistry } from '../../harness/registry/registry.ts';
import { runCli } from '../support/run-cli.ts';

let registry: TestRegistry;
let dir: string;
/** The test registry speaks plain HTTP on 127.0.0.1, which must be allowed by name. */
const insecure = (): string[] => ['--insecure-registry', registry.host];

const manifest = (host: string) => `# deployed by CI
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: app
          image: "${host}/team/app:1.0"   # the app
        - name: multi
          image: ${host}/team/multi:2
        - name: dev
          image: ${host}/team/app
`;

describe('kube-fresh pin against a real registry', () => {
  before(async () => {
    registry = await startRegistry('plain');
    dir = await mkdtemp(join(tmpdir(), 'kube-fresh-pin-'));
  });
  after(async () => {
    await registry?.pusher.close();
    await registry?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('pins, notices a moved tag, re-pins, and is idempotent', async () => {
    const host = registry.host;
    const v1 = await registry.pusher.pushImage('team/app', '1.0');
    const latest = await registry.pusher.pushImage('team/app', 'latest');
    const index = await registry.pusher.pushIndex('team/multi', '2', [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
    ]);
    const file = join(dir, 'deploy.yaml');
    const original = manifest(host);
    await writeFile(file, original);
    await chmod(file, 0o640);

    const check = await runCli(['pin', ...insecure(), '--check', 'deploy.yaml'], { cwd: dir });
    assert.equal(check.code, 1, check.stderr);
    assert.match(check.stdout, /^deploy\.yaml: 3 images not pinned/);
    assert.equal(await readFile(file, 'utf8'), original, '--check writes nothing');

    const before = (await registry.manifestRequests()).length;
    const write = await runCli(['pin', ...insecure(), '--write', 'deploy.yaml'], { cwd: dir });
    assert.equal(write.code, 0, write.stderr);
    assert.equal(
      (await registry.manifestRequests()).length - before,
      3,
      'one request per distinct tag',
    );
    const pinned = await readFile(file, 'utf8');
    assert.equal(
      pinned,
      original
        .replace(`"${host}/team/app:1.0"`, `"${host}/team/app:1.0@${v1.digest}"`)
        .replace(`${host}/team/multi:2\n`, `${host}/team/multi:2@${index.digest}\n`)
        .replace(
          `image: ${host}/team/app\n`,
          `image: ${host}/team/app:latest@${latest.digest}\n          imagePullPolicy: IfNotPresent\n`,
        ),
    );
    assert.match(write.stderr, /note: deploy\.yaml:15: .* added imagePullPolicy: IfNotPresent/);
    assert.equal((await stat(file)).mode & 0o777, 0o640, 'the file mode is kept');

    const again = await runCli(['pin', ...insecure(), '--check', 'deploy.yaml'], { cwd: dir });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout, '');

    const v2 = await registry.pusher.pushImage('team/app', '1.0');
    const online = await runCli(['lint', ...insecure(), '--online', '-o', 'json', 'deploy.yaml'], {
      cwd: dir,
    });
    assert.equal(online.code, 1, online.stderr);
    const findings = (
      JSON.parse(online.stdout) as { findings: Array<{ rule: string; line: number }> }
    ).findings;
    assert.deepEqual(
      findings.map((f) => [f.rule, f.line]),
      [['KF007', 11]],
    );

    const moved = await runCli(['pin', ...insecure(), '--check', 'deploy.yaml'], { cwd: dir });
    assert.equal(moved.code, 1, 'a moved tag is drift');
    const diff = await runCli(['pin', ...insecure(), '--diff', 'deploy.yaml'], { cwd: dir });
    assert.match(diff.stdout, new RegExp(`^-.*${v1.digest}.*\\n\\+.*${v2.digest}`, 'm'));
    const repin = await runCli(['pin', ...insecure(), '--write', 'deploy.yaml'], { cwd: dir });
    assert.equal(repin.code, 0, repin.stderr);
    assert.equal(await readFile(file, 'utf8'), pinned.replace(v1.digest, v2.digest));
    const last = await runCli(['pin', ...insecure(), '--write', 'deploy.yaml'], { cwd: dir });
    assert.equal(last.code, 0);
    assert.equal(await readFile(file, 'utf8'), pinned.replace(v1.digest, v2.digest));
  });

  it('leaves a file with an unknown tag untouched, reports it, and still pins the others', async () => {
    const host = registry.host;
    const known = await registry.pusher.pushImage('team/known', 'v1');
    const bad = join(dir, 'bad.yaml');
    const good = join(dir, 'good.yaml');
    const badText = `kind: Pod\nspec:\n  containers:\n    - {name: a, image: ${host}/team/known:v1}\n    - {name: b, image: ${host}/team/nope:v9}\n`;
    const goodText = `kind: Pod\nspec:\n  containers:\n    - name: a\n      image: ${host}/team/known:v1\n`;
    await writeFile(bad, badText);
    await writeFile(good, goodText);
    const result = await runCli(['pin', ...insecure(), '--write', 'bad.yaml', 'good.yaml'], {
      cwd: dir,
    });
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /error: bad\.yaml: left untouched \(lookup\): .*team\/nope:v9: not-found/,
    );
    assert.equal(await readFile(bad, 'utf8'), badText);
    assert.equal(await readFile(good, 'utf8'), goodText.replace(':v1\n', `:v1@${known.digest}\n`));
  });

  it('pins stdin to stdout for pipelines', async () => {
    const pushed = await registry.pusher.pushImage('team/pipe', 'stable');
    const input = `kind: Pod\nspec:\n  containers:\n    - name: a\n      image: ${registry.host}/team/pipe:stable\n`;
    const result = await runCli(['pin', ...insecure(), '-'], { stdin: input });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, input.replace(':stable\n', `:stable@${pushed.digest}\n`));
  });
});
