import assert from 'node:assert/strict';
import {
  appendFile,
  chmod,
  link,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FileWriteRefused, readManifestInputs, writeFileAtomic } from './manifest-files.ts';

describe('writeFileAtomic', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kube-fresh-write-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Writes `text` to a new file and reads it back the way the commands do. */
  async function readBack(name: string, text: string) {
    const path = join(dir, name);
    await writeFile(path, text);
    const { inputs } = await readManifestInputs([path]);
    const [input] = inputs;
    assert.ok(input?.stamp, 'a file read from disk carries a stamp');
    return { path, stamp: input.stamp };
  }

  it('replaces a file that is still what was read, keeping its mode', async () => {
    const { path, stamp } = await readBack('same.yaml', 'a: 1\n');
    await chmod(path, 0o640);
    await writeFileAtomic(path, 'a: 2\n', { expected: stamp });
    assert.equal(await readFile(path, 'utf8'), 'a: 2\n');
    assert.equal((await stat(path)).mode & 0o777, 0o640);
  });

  it('leaves a file untouched when it was edited after it was read', async () => {
    const { path, stamp } = await readBack('edited.yaml', 'a: 1\n');
    await appendFile(path, '# teammate edit\n');
    await assert.rejects(
      writeFileAtomic(path, 'a: 2\n', { expected: stamp }),
      (error: unknown) =>
        error instanceof FileWriteRefused && /changed after kube-fresh read it/.test(error.message),
    );
    assert.equal(await readFile(path, 'utf8'), 'a: 1\n# teammate edit\n');
  });

  it('notices an edit that lands between the temp file and the rename', async () => {
    const { path, stamp } = await readBack('race.yaml', 'a: 1\n');
    let injected = false;
    const beforeRename = async () => {
      injected = true;
      await writeFile(path, 'a: 1\nb: 2\n');
    };
    await assert.rejects(
      writeFileAtomic(path, 'a: 2\n', { expected: stamp, beforeRename }),
      FileWriteRefused,
    );
    assert.ok(injected);
    assert.equal(await readFile(path, 'utf8'), 'a: 1\nb: 2\n');
    const leftovers = (await readdir(dir)).filter((name) => name.includes('.kube-fresh-'));
    assert.deepEqual(leftovers, [], 'the temp file is removed');
  });

  it('notices a same-size edit whose mtime was put back (content hash)', async () => {
    const { path, stamp } = await readBack('sneaky.yaml', 'image: a:1\n');
    const { atime, mtime } = await stat(path);
    await writeFile(path, 'image: b:1\n');
    await utimes(path, atime, mtime);
    await assert.rejects(writeFileAtomic(path, 'x\n', { expected: stamp }), FileWriteRefused);
    assert.equal(await readFile(path, 'utf8'), 'image: b:1\n');
  });

  it('refuses a read-only file', async () => {
    const { path, stamp } = await readBack('readonly.yaml', 'a: 1\n');
    await chmod(path, 0o444);
    await assert.rejects(
      writeFileAtomic(path, 'a: 2\n', { expected: stamp }),
      (error: unknown) => error instanceof FileWriteRefused && /read-only/.test(error.message),
    );
    assert.equal(await readFile(path, 'utf8'), 'a: 1\n');
    assert.equal((await stat(path)).mode & 0o777, 0o444);
  });

  it('refuses a file with another hard link rather than split them', async () => {
    const { path, stamp } = await readBack('linked.yaml', 'a: 1\n');
    const other = join(dir, 'other-name.yaml');
    await link(path, other);
    await assert.rejects(
      writeFileAtomic(path, 'a: 2\n', { expected: stamp }),
      (error: unknown) => error instanceof FileWriteRefused && /2 hard links/.test(error.message),
    );
    assert.equal(await readFile(path, 'utf8'), 'a: 1\n');
    assert.equal((await stat(path)).ino, (await stat(other)).ino);
  });
});
