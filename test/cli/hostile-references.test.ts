// F-1 through the built binary: images that pass the reference grammar but cannot form a URL are
// per-image `invalid-reference` failures, and any crash anywhere exits 70, never 1.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../support/run-cli.ts';

const UNADDRESSABLE = [
  'registry.example.com:65536/app:1',
  'localhost:99999/app:dev',
  '[fffff]:5000/a:dev',
  '[1:2:3:4:5:6:7:8:9]/app:1',
];

describe('references no URL can carry (F-1), built binary', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kube-fresh-f1-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('ref still calls them valid, as distribution/reference does', async () => {
    const result = await runCli(['ref', '-o', 'json', ...UNADDRESSABLE]);
    assert.equal(result.code, 0, result.stderr);
  });

  it('resolve reports each as invalid-reference, exit 1, no internal error, nothing contacted', async () => {
    const result = await runCli(['resolve', '-o', 'json', ...UNADDRESSABLE], {
      env: { HOME: dir },
    });
    assert.equal(result.code, 1, result.stderr);
    assert.doesNotMatch(result.stderr, /internal error/);
    const items = JSON.parse(result.stdout) as Array<{ input: string; error?: { kind: string } }>;
    assert.deepEqual(
      items.map((i) => [i.input, i.error?.kind]),
      UNADDRESSABLE.map((input) => [input, 'invalid-reference']),
    );
  });

  it('pin leaves such a file untouched with a per-image error, never a crash', async () => {
    const file = join(dir, 'v6.yaml');
    const text =
      'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n' +
      '  - {name: c, image: "[fffff]:5000/a:dev"}\n  - {name: d, image: "localhost:99999/b:1"}\n';
    await writeFile(file, text);
    const result = await runCli(['pin', '--write', file], { env: { HOME: dir } });
    assert.equal(result.code, 1, result.stderr);
    assert.doesNotMatch(result.stderr, /internal error/);
    assert.match(result.stderr, /invalid-reference/);
    assert.equal(await readFile(file, 'utf8'), text);
  });
});

describe('crash guard, built binary', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kube-fresh-crash-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  // A preload plants a fault where main()'s try/catch cannot see it: in a later callback.
  for (const [what, plant] of [
    ['an uncaught exception', "setImmediate(() => { throw new Error('planted crash'); })"],
    ['an unhandled rejection', "void Promise.reject(new Error('planted crash'))"],
  ] as const) {
    it(`${what} during a command exits 70 with "internal error"`, async () => {
      const preload = join(dir, `plant-${what.length}.mjs`);
      await writeFile(
        preload,
        'const write = process.stdout.write.bind(process.stdout);\nlet armed = true;\n' +
          `process.stdout.write = (...args) => { if (armed) { armed = false; ${plant}; } return write(...args); };\n`,
      );
      const result = await runCli(['ref', 'nginx'], {
        env: { NODE_OPTIONS: `--import=${preload}` },
      });
      assert.equal(result.code, 70, result.stderr);
      assert.match(result.stderr, /internal error .*planted crash/);
    });
  }
});

describe('timeouts a timer cannot hold (F-17), built binary', () => {
  it('--registry-timeout out of range is a usage error, before anything is contacted', async () => {
    for (const value of ['2147484', '1e9', '0.0001', 'Infinity']) {
      const result = await runCli(['resolve', '--registry-timeout', value, 'nginx:1.27']);
      assert.equal(result.code, 2, `${value}: ${result.stderr}`);
      assert.match(result.stderr, /--registry-timeout takes a number of seconds from 0\.001/);
    }
  });
});
