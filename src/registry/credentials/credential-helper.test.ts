// Credential helpers that misbehave (issue 17: F-8, F-13, F-15): real scripts on a temp PATH.
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCredentialHelper } from './credential-helper.ts';

describe('runCredentialHelper against hostile helpers', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kube-fresh-helper-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  async function helper(name: string, body: string): Promise<void> {
    const path = join(dir, `docker-credential-${name}`);
    await writeFile(path, `#!/bin/bash\n${body}\n`);
    await chmod(path, 0o755);
  }
  const options = (timeoutMs: number) => ({
    path: `${dir}:${process.env.PATH ?? ''}`,
    timeoutMs,
  });

  it('works for a well-behaved helper', async () => {
    await helper('ok', 'cat > /dev/null; echo \'{"Username":"u","Secret":"s"}\'');
    const result = await runCredentialHelper('ok', 'reg.test', options(10_000));
    assert.equal(result.kind, 'found');
  });

  it('stops a wrapper whose grandchild holds the pipes at the timeout, grandchild included (F-8)', async () => {
    const pidFile = join(dir, 'helper-grandchild.pid');
    await helper('hang', `sleep 1000 &\necho $! > ${pidFile}\nwait`);
    const result = await runCredentialHelper('hang', 'reg.test', options(500));
    assert.deepEqual(result, {
      kind: 'failed',
      message:
        'credential helper docker-credential-hang gave no answer within 500 ms and was stopped',
    });
    const pid = Number(await readFile(pidFile, 'utf8'));
    let alive = true;
    for (let i = 0; i < 200 && alive; i++) {
      try {
        process.kill(pid, 0);
        await new Promise((r) => setTimeout(r, 50));
      } catch {
        alive = false;
      }
    }
    assert.equal(alive, false, `grandchild ${pid} still runs`);
  });

  it('caps what a helper prints (F-15)', async () => {
    await helper('flood', 'yes secret');
    const result = await runCredentialHelper('flood', 'reg.test', options(60_000));
    assert.equal(result.kind, 'failed');
    assert.match(
      result.kind === 'failed' ? result.message : '',
      /printed more than 1048576 bytes on stdout/,
    );
  });

  it('never quotes a failing helper, whose output may be the secret itself (F-13)', async () => {
    await helper(
      'leak',
      'echo \'{"ServerURL":"x","Username":"user","Secret":"hunter2"}\'\necho "hunter2 rejected" >&2\nexit 3',
    );
    const result = await runCredentialHelper('leak', 'reg.test', options(10_000));
    assert.equal(result.kind, 'failed');
    const message = result.kind === 'failed' ? result.message : '';
    assert.match(message, /docker-credential-leak get failed with exit status 3/);
    assert.doesNotMatch(message, /hunter2/);
  });
});
