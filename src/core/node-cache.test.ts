import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Digest } from './digest.ts';
import { parseImageReference } from './image-reference.ts';
import {
  cachedImageForTag,
  indexNodeImages,
  nodeCacheRisk,
  type NodeImageEntry,
} from './node-cache.ts';

const d = (c: string): Digest => `sha256:${c.repeat(64)}` as Digest;
const ref = (s: string) => {
  const p = parseImageReference(s);
  if (!p.ok) throw new Error(s);
  return p.reference;
};

describe('node image cache (node.status.images)', () => {
  const images: NodeImageEntry[] = [
    {
      names: [`docker.io/library/nginx@${d('1')}`, 'docker.io/library/nginx:1.27'],
      sizeBytes: 70_000_000,
    },
    {
      names: [
        `127.0.0.1:5000/team/app@${d('2')}`,
        '127.0.0.1:5000/team/app:dev',
        '127.0.0.1:5000/team/app:main',
      ],
    },
    { names: [`127.0.0.1:5000/team/app@${d('3')}`] }, // the old image: its tag moved away
    { names: ['127.0.0.1:5000/team/untracked:v1'] },
  ];
  it('finds the entry carrying name:tag and its repo digest, by normalised name', () => {
    assert.deepEqual(cachedImageForTag(images, ref('nginx:1.27'), '1.27'), {
      cached: true,
      digest: d('1'),
    });
    assert.deepEqual(cachedImageForTag(images, ref('127.0.0.1:5000/team/app:main'), 'main'), {
      cached: true,
      digest: d('2'),
    });
    assert.deepEqual(cachedImageForTag(images, ref('127.0.0.1:5000/team/untracked:v1'), 'v1'), {
      cached: true,
      digest: undefined,
    });
    assert.deepEqual(cachedImageForTag(images, ref('127.0.0.1:5000/team/app:other'), 'other'), {
      cached: false,
    });
  });
  it('the per-node index gives the same answers', () => {
    const index = indexNodeImages(images);
    for (const [text, tag] of [
      ['nginx:1.27', '1.27'],
      ['127.0.0.1:5000/team/app:main', 'main'],
      ['127.0.0.1:5000/team/untracked:v1', 'v1'],
      ['127.0.0.1:5000/team/app:other', 'other'],
    ] as const) {
      const r = ref(text);
      assert.deepEqual(
        index.get(`${r.domain}/${r.path}:${tag}`) ?? { cached: false },
        cachedImageForTag(images, r, tag),
      );
    }
  });

  it("judges the risk for a new IfNotPresent Pod from the cached digest's verdict", () => {
    const stale = { verdict: 'stale', running: d('2'), current: d('4') } as const;
    const sameBits = {
      verdict: 'fresh',
      running: d('5'),
      current: d('4'),
      matchedBy: 'content',
    } as const;
    const unknown = { verdict: 'unknown', reason: 'registry', message: 'down' } as const;
    assert.equal(
      nodeCacheRisk({ cached: true, digest: d('2') }, d('4'), stale),
      'old-image-cached',
    );
    assert.equal(nodeCacheRisk({ cached: true, digest: d('2') }, d('2'), undefined), 'current');
    // A re-indexed tag: the node caches an older index with the same bits for it.
    assert.equal(nodeCacheRisk({ cached: true, digest: d('5') }, d('4'), sameBits), 'current');
    // Not judged, or judged unknown, is never "old".
    assert.equal(
      nodeCacheRisk({ cached: true, digest: d('5') }, d('4'), unknown),
      'cached-digest-unknown',
    );
    assert.equal(
      nodeCacheRisk({ cached: true, digest: d('5') }, d('4'), undefined),
      'cached-digest-unknown',
    );
    assert.equal(
      nodeCacheRisk({ cached: true, digest: undefined }, d('2'), undefined),
      'cached-digest-unknown',
    );
    assert.equal(nodeCacheRisk({ cached: false }, d('2'), undefined), 'not-listed');
  });
});
