// Golden files: for every case in test/fixtures/manifests, `lint` (built binary) must print
// lint.txt, `fix` must print fixed.yaml, and `pin` (with a fake resolver) must produce pinned.yaml.
// Every pinned output must also be idempotent and lint clean of KF001–KF005.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { lintManifests } from '../../src/manifests/lint-manifests.ts';
import { parseManifests } from '../../src/manifests/parse-manifests.ts';
import { pinManifestFiles } from '../../src/usecases/pin-manifest-files.ts';
import { runCli } from '../support/run-cli.ts';
import { FakeResolver } from './support/fake-resolver.ts';

const ROOT = fileURLToPath(new URL('../fixtures/manifests/', import.meta.url));
const CASES = readdirSync(ROOT).filter((name) => !name.startsWith('.'));

async function pinText(text: string, resolver = new FakeResolver()) {
  const read = () =>
    Promise.resolve({ inputs: [{ file: 'input.yaml', path: undefined, text }], failures: [] });
  const report = await pinManifestFiles({ paths: ['-'], mode: 'stdout', resolver }, read);
  const [file] = report.files;
  assert.ok(file);
  return file;
}

describe('manifest golden files', () => {
  it('has a case for every kind and every formatting hazard', () => {
    for (const name of [
      'pod',
      'podtemplate',
      'deployment',
      'replicaset',
      'replicationcontroller',
      'statefulset',
      'daemonset',
      'job',
      'cronjob',
      'rollout',
      'list-kind',
      'comments-everywhere',
      'anchors-aliases',
      'flow-style',
      'quoted-images',
      'crlf',
      'helm-output',
      'kustomize-output',
      'invalid-yaml',
      'non-kubernetes',
    ]) {
      assert.ok(CASES.includes(name), `missing fixture ${name}`);
    }
  });

  for (const name of CASES) {
    describe(name, () => {
      const dir = join(ROOT, name);

      it('lint prints lint.txt', async () => {
        const expected = await readFile(join(dir, 'lint.txt'), 'utf8');
        const result = await runCli(['lint', 'input.yaml'], { cwd: dir });
        assert.equal(result.stdout, expected);
        const parseError = /^input\.yaml:\d+:\d+: error: /m.test(result.stderr);
        assert.equal(parseError, name === 'invalid-yaml', result.stderr);
        const wantCode = parseError ? 2 : / error KF/.test(expected) ? 1 : 0;
        assert.equal(result.code, wantCode, result.stderr);
      });

      it('pin produces pinned.yaml, and pinning again changes nothing', async () => {
        const input = await readFile(join(dir, 'input.yaml'), 'utf8');
        const file = await pinText(input);
        if (!existsSync(join(dir, 'pinned.yaml'))) {
          assert.equal(file.status, 'failed');
          assert.equal(file.failure?.kind, 'parse');
          return;
        }
        const expected = await readFile(join(dir, 'pinned.yaml'), 'utf8');
        assert.equal(file.output, expected);
        const again = await pinText(expected);
        assert.equal(again.status, 'unchanged');
        const left = lintManifests(parseManifests(expected), { file: 'pinned.yaml' }).findings;
        assert.deepEqual(
          left.filter((f) => f.rule !== 'KF006').map((f) => f.rule),
          [],
        );
      });

      it('fix prints fixed.yaml', async () => {
        const result = await runCli(['fix', 'input.yaml'], { cwd: dir });
        if (!existsSync(join(dir, 'fixed.yaml'))) {
          assert.equal(result.code, 2, result.stderr);
          assert.equal(result.stdout, '');
          return;
        }
        assert.equal(result.code, 0, result.stderr);
        assert.equal(result.stdout, await readFile(join(dir, 'fixed.yaml'), 'utf8'));
      });
    });
  }
});
