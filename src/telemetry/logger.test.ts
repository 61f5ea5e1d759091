import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger } from './logger.ts';

describe('createLogger', () => {
  it('writes JSON lines with the component and redacts credential fields at any depth', async () => {
    const out = new PassThrough();
    const chunks: string[] = [];
    out.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
    const log = createLogger({ component: 'controller', destination: out });
    log.info(
      { authorization: 'Bearer s3cret-a', request: { token: 's3cret-b' }, repo: 'app' },
      'hello',
    );
    log.flush();
    await new Promise((r) => setImmediate(r));
    const line = JSON.parse(chunks.join('')) as Record<string, unknown>;
    assert.equal(line.component, 'controller');
    assert.equal(line.level, 'info');
    assert.equal(line.msg, 'hello');
    assert.equal(line.repo, 'app');
    assert.doesNotMatch(chunks.join(''), /s3cret/);
  });
});
