import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRunningImageId, type RunningImage } from './running-image-id.ts';

const HEX = 'cd'.repeat(32);

describe('parseRunningImageId: the forms runtimes report (semantics doc §4.2)', () => {
  const ok: Array<[string, string, RunningImage]> = [
    [
      'containerd repo digest',
      `docker.io/library/nginx@sha256:${HEX}`,
      {
        repository: 'docker.io/library/nginx',
        digest: `sha256:${HEX}` as RunningImage['digest'],
        kind: 'repo-digest',
      },
    ],
    [
      'containerd local registry',
      `127.0.0.1:5000/demo/app@sha256:${HEX}`,
      {
        repository: '127.0.0.1:5000/demo/app',
        digest: `sha256:${HEX}` as RunningImage['digest'],
        kind: 'repo-digest',
      },
    ],
    [
      'containerd image ID (no repo digest)',
      `sha256:${HEX}`,
      {
        repository: undefined,
        digest: `sha256:${HEX}` as RunningImage['digest'],
        kind: 'image-id',
      },
    ],
    [
      'CRI-O repo digest',
      `quay.io/org/app@sha256:${HEX}`,
      {
        repository: 'quay.io/org/app',
        digest: `sha256:${HEX}` as RunningImage['digest'],
        kind: 'repo-digest',
      },
    ],
    [
      'CRI-O bare image ID',
      HEX,
      {
        repository: undefined,
        digest: `sha256:${HEX}` as RunningImage['digest'],
        kind: 'image-id',
      },
    ],
    [
      'dockershim pullable, familiar name',
      `docker-pullable://nginx@sha256:${HEX}`,
      {
        repository: 'docker.io/library/nginx',
        digest: `sha256:${HEX}` as RunningImage['digest'],
        kind: 'repo-digest',
      },
    ],
    [
      'dockershim image ID',
      `docker://sha256:${HEX}`,
      {
        repository: undefined,
        digest: `sha256:${HEX}` as RunningImage['digest'],
        kind: 'image-id',
      },
    ],
    [
      'tag kept beside the digest',
      `docker.io/library/nginx:1.27@sha256:${HEX}`,
      {
        repository: 'docker.io/library/nginx',
        digest: `sha256:${HEX}` as RunningImage['digest'],
        kind: 'repo-digest',
      },
    ],
  ];
  for (const [label, input, expected] of ok) {
    it(label, () => {
      const parsed = parseRunningImageId(input);
      assert.ok(parsed.ok);
      assert.deepEqual(parsed.image, expected);
    });
  }

  const bad: Array<[string, string | undefined, 'missing' | 'unparsable']> = [
    ['empty (container not created yet)', '', 'missing'],
    ['absent', undefined, 'missing'],
    ['a tag without a digest', 'docker.io/library/nginx:1.27', 'unparsable'],
    ['a short hex', 'abc123', 'unparsable'],
    ['uppercase digest', `sha256:${HEX.toUpperCase()}`, 'unparsable'],
    ['unknown scheme', `cri-o://sha256:${HEX}`, 'unparsable'],
  ];
  for (const [label, input, problem] of bad) {
    it(`${label} → ${problem}`, () => {
      const parsed = parseRunningImageId(input);
      assert.equal(parsed.ok, false);
      if (!parsed.ok) assert.equal(parsed.problem, problem);
    });
  }
});
