import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiException } from '@kubernetes/client-node';
import { listAllPages } from './list-pages.ts';

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
