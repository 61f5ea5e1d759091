import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readManifestInputs } from '../manifests/manifest-files.ts';
import { fixManifestFiles } from './fix-manifest-files.ts';

const pod = (image: string): string =>
  `kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n      image: ${image}\n      imagePullPolicy: IfNotPresent\n`;

describe('fixManifestFiles --write', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kube-fresh-fix-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('leaves a file that changed after it was read untouched, and writes the others', async () => {
    const edited = join(dir, 'edited.yaml');
    const quiet = join(dir, 'quiet.yaml');
    await writeFile(edited, pod('nginx:1.27'));
    await writeFile(quiet, pod('redis:7'));
    const read = async (paths: readonly string[]) => {
      const inputs = await readManifestInputs(paths);
      await appendFile(edited, '# teammate edit\n'); // lands after the read, before the write
      return inputs;
    };
    const request = { mode: 'write', policy: 'Always', configFile: undefined, cwd: dir } as const;
    const report = await fixManifestFiles({ ...request, paths: [edited, quiet] }, read);
    const [first, second] = report.files;
    assert.equal(first?.status, 'failed');
    assert.equal(first?.failure?.kind, 'write');
    assert.match(first?.failure?.messages[0] ?? '', /changed after kube-fresh read it/);
    assert.equal(await readFile(edited, 'utf8'), `${pod('nginx:1.27')}# teammate edit\n`);
    assert.equal(second?.status, 'changed');
    assert.match(await readFile(quiet, 'utf8'), /imagePullPolicy: Always\n/);
  });
});
