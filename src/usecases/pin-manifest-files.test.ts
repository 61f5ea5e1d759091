import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ManifestInput } from '../manifests/manifest-files.ts';
import { FakeResolver, fakeDigest } from '../../test/manifests/support/fake-resolver.ts';
import { pinManifestFiles } from './pin-manifest-files.ts';

const pod = (name: string, ...images: string[]): string =>
  `kind: Pod\nmetadata: {name: ${name}}\nspec:\n  containers:\n${images.map((image, i) => `    - name: c${i}\n      image: ${image}\n`).join('')}`;

function reader(files: Record<string, string>) {
  const inputs: ManifestInput[] = Object.entries(files).map(([file, text]) => ({
    file,
    path: undefined,
    text,
  }));
  return () => Promise.resolve({ inputs, failures: [] });
}

describe('pinManifestFiles', () => {
  it('asks the registry once per distinct tag across all files, however it is spelled', async () => {
    const resolver = new FakeResolver();
    const files = {
      'a.yaml': pod('a', 'nginx', 'nginx:latest', 'docker.io/library/nginx:latest', 'nginx:1.27'),
      'b.yaml': pod(
        'b',
        'index.docker.io/library/nginx:1.27',
        `nginx:1.27@${fakeDigest('old')}`,
        'redis:7',
      ),
      'c.yaml': pod('c', `busybox@${fakeDigest('x')}`),
    };
    const report = await pinManifestFiles({ paths: ['-'], mode: 'check', resolver }, reader(files));
    assert.deepEqual(Object.fromEntries(resolver.calls), {
      'docker.io/library/nginx:latest': 1,
      'docker.io/library/nginx:1.27': 1,
      'docker.io/library/redis:7': 1,
    });
    assert.equal(report.lookups, 3);
    assert.deepEqual(
      report.files.map((f) => f.status),
      ['changed', 'changed', 'unchanged'],
    );
  });

  it('keeps the image as written, replaces a moved digest, and adds IfNotPresent for latest', async () => {
    const resolver = new FakeResolver();
    const nginx127 = fakeDigest('docker.io/library/nginx:1.27');
    const text = pod('p', 'nginx:1.27', `nginx:1.27@${fakeDigest('old')}`, 'nginx');
    const report = await pinManifestFiles(
      { paths: ['-'], mode: 'stdout', resolver },
      reader({ 'p.yaml': text }),
    );
    const [file] = report.files;
    assert.deepEqual(
      file?.changes.map((c) => [c.from, c.to, c.addedPullPolicy]),
      [
        ['nginx:1.27', `nginx:1.27@${nginx127}`, false],
        [`nginx:1.27@${fakeDigest('old')}`, `nginx:1.27@${nginx127}`, false],
        ['nginx', `nginx:latest@${fakeDigest('docker.io/library/nginx:latest')}`, true],
      ],
    );
    assert.match(
      file?.output ?? '',
      /image: nginx:latest@sha256:[0-9a-f]{64}\n {6}imagePullPolicy: IfNotPresent\n$/,
    );
  });

  it('leaves a file untouched and says why when one of its tags does not resolve', async () => {
    const resolver = new FakeResolver();
    resolver.missing.add('docker.io/library/nginx:9.9');
    const files = {
      'bad.yaml': pod('bad', 'nginx:9.9', 'redis:7'),
      'good.yaml': pod('good', 'redis:7'),
    };
    const report = await pinManifestFiles({ paths: ['-'], mode: 'check', resolver }, reader(files));
    const [bad, good] = report.files;
    assert.equal(bad?.status, 'failed');
    assert.deepEqual(bad?.failure, {
      kind: 'lookup',
      messages: ['nginx:9.9: not-found: manifest unknown'],
    });
    assert.equal(bad?.output, undefined);
    assert.equal(good?.status, 'changed');
    assert.equal(resolver.calls.get('docker.io/library/redis:7'), 1);
  });

  it('reports a file that does not parse without looking up its tags', async () => {
    const resolver = new FakeResolver();
    const files = { 'broken.yaml': `${pod('x', 'nginx:1')}---\nkind: Pod\nspec: {containers: [\n` };
    const report = await pinManifestFiles({ paths: ['-'], mode: 'check', resolver }, reader(files));
    assert.equal(report.files[0]?.failure?.kind, 'parse');
    assert.equal(resolver.totalCalls(), 0);
  });

  it('refuses --write with stdin', async () => {
    const resolver = new FakeResolver();
    await assert.rejects(
      pinManifestFiles({ paths: ['-'], mode: 'write', resolver }, reader({})),
      /--write needs files/,
    );
  });
});

describe('pinManifestFiles --write with a concurrent writer', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kube-fresh-pin-race-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('leaves a file edited during the lookups untouched and still writes the others', async () => {
    const edited = join(dir, 'edited.yaml');
    const quiet = join(dir, 'quiet.yaml');
    await writeFile(edited, pod('e', 'nginx:1.27'));
    await writeFile(quiet, pod('q', 'redis:7'));
    // A teammate's edit lands while kube-fresh waits for the registry: the real race of F-5.
    const teammate = '---\n# teammate edit\nkind: ConfigMap\n';
    const resolver = new (class extends FakeResolver {
      override async resolveTag(ref: Parameters<FakeResolver['resolveTag']>[0]) {
        if (ref.path === 'library/nginx') await appendFile(edited, teammate);
        return super.resolveTag(ref);
      }
    })();
    const report = await pinManifestFiles({ paths: [edited, quiet], mode: 'write', resolver });
    const [first, second] = report.files;
    assert.equal(first?.status, 'failed');
    assert.equal(first?.failure?.kind, 'write');
    assert.match(
      first?.failure?.messages[0] ?? '',
      /changed after kube-fresh read it; left untouched/,
    );
    assert.equal(await readFile(edited, 'utf8'), pod('e', 'nginx:1.27') + teammate);
    assert.equal(second?.status, 'changed');
    assert.match(await readFile(quiet, 'utf8'), /image: redis:7@sha256:[0-9a-f]{64}\n/);
  });
});
