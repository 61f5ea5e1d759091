import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiException } from '@kubernetes/client-node';
import { toClusterError } from '../connection/api-failure.ts';
import { ClusterError } from '../cluster-error.ts';
import { listAllPages } from './list-pages.ts';
import { trimPod } from './snapshot-reads.ts';

describe('listAllPages', () => {
  it('follows continue tokens and treats a null items list as empty', async () => {
    const tokens: (string | undefined)[] = [];
    const items = await listAllPages<number>((token) => {
      tokens.push(token);
      if (token === undefined)
        return Promise.resolve({ items: [1, 2], metadata: { _continue: 'p2' } });
      if (token === 'p2') return Promise.resolve({ items: null, metadata: { _continue: 'p3' } });
      return Promise.resolve({ items: [3], metadata: { _continue: '' } });
    });
    assert.deepEqual(items, [1, 2, 3]);
    assert.deepEqual(tokens, [undefined, 'p2', 'p3']);
  });

  it('restarts once from the beginning when a continue token has expired (410)', async () => {
    let calls = 0;
    const items = await listAllPages<string>((token) => {
      calls++;
      if (calls === 2) return Promise.reject(new ApiException(410, 'Gone', 'expired', {}));
      return Promise.resolve(
        token === undefined ? { items: ['a'], metadata: { _continue: 'next' } } : { items: ['b'] },
      );
    });
    assert.deepEqual(items, ['a', 'b']);
    assert.equal(calls, 4);
  });

  it('gives up on a second expiry and on any other error', async () => {
    const gone = () => Promise.reject(new ApiException(410, 'Gone', 'expired', {}));
    await assert.rejects(
      listAllPages<string>((token) =>
        token === undefined
          ? Promise.resolve({ items: ['a'], metadata: { _continue: 'n' } })
          : gone(),
      ),
      { code: 410 },
    );
    await assert.rejects(
      listAllPages(() => Promise.reject(new ApiException(410, 'Gone', 'first page', {}))),
      { code: 410 },
    );
    await assert.rejects(
      listAllPages(() => Promise.reject(new ApiException(500, 'x', '', {}))),
      { code: 500 },
    );
  });
});

describe('listAllPages against hostile API answers (F-9, F-10)', () => {
  const target = { context: 'ctx', server: 'https://k', user: 'u', namespace: 'default' };

  it('stops with a bad-answer ClusterError when a continue token repeats', async () => {
    let calls = 0;
    const run = listAllPages<number>(() => {
      calls++;
      return Promise.resolve({ items: null, metadata: { continue: 'same' } });
    });
    const error = await run.catch((e: unknown) => toClusterError(e, 'list Pods', target));
    assert.ok(error instanceof ClusterError);
    assert.equal(error.failure, 'bad-answer');
    assert.match(error.message, /continue token repeated after 1 pages/);
    assert.equal(calls, 2);
  });

  it('rejects a page that is not a list, as a bad answer rather than a crash', async () => {
    for (const page of [null, 'html', { items: 'x' }]) {
      const error = await listAllPages(() => Promise.resolve(page as never)).catch((e: unknown) =>
        toClusterError(e, 'list Pods', target),
      );
      assert.ok(error instanceof ClusterError, String(error));
      assert.equal(error.failure, 'bad-answer');
    }
  });

  it('maps JSON parse errors and over-size bodies to bad-answer (exit 3, not 70)', () => {
    let syntax: unknown;
    try {
      JSON.parse('<html>login</html>');
    } catch (e) {
      syntax = e;
    }
    for (const [error, message] of [
      [syntax, /not Kubernetes JSON/],
      [Object.assign(new Error('too big'), { type: 'max-size' }), /more than 256 MiB/],
    ] as const) {
      const mapped = toClusterError(error, 'list Pods', target);
      assert.ok(mapped instanceof ClusterError);
      assert.equal(mapped.failure, 'bad-answer');
      assert.match(mapped.message, message);
    }
  });

  it('trimPod rejects a Pod whose fields have the wrong types', () => {
    const pod = { metadata: { name: 'p', namespace: 'ns' }, spec: { containers: 'nginx' } };
    assert.throws(
      () => trimPod(pod as never),
      (e: unknown) => {
        const mapped = toClusterError(e, 'list Pods', target);
        assert.ok(mapped instanceof ClusterError);
        assert.equal(mapped.failure, 'bad-answer');
        assert.match(mapped.message, /Pod ns\/p: spec\.containers is not a list/);
        return true;
      },
    );
    assert.doesNotThrow(() =>
      trimPod({ metadata: { name: 'ok' }, spec: { containers: [{ name: 'c', image: 'x' }] } }),
    );
  });
});
