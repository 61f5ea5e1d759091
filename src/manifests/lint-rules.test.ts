import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Digest } from '../core/digest.ts';
import type { PullPolicy } from '../core/pull-policy.ts';
import { explicitPullPolicy, judgeImage, RULES, type RuleId } from './lint-rules.ts';

const D1 = `sha256:${'a'.repeat(64)}` as Digest;
const D2 = `sha256:${'b'.repeat(64)}` as Digest;

describe('judgeImage', () => {
  const cases: Array<[string, string | undefined, PullPolicy | undefined, RuleId | undefined]> = [
    ['mutable tag, default IfNotPresent', 'nginx:1.27', undefined, 'KF001'],
    ['mutable tag, explicit IfNotPresent', 'nginx:1.27', 'IfNotPresent', 'KF001'],
    ['latest with explicit IfNotPresent is stale forever', 'nginx:latest', 'IfNotPresent', 'KF001'],
    ['untagged, default Always', 'nginx', undefined, 'KF002'],
    [':latest, default Always', 'localhost:5000/app:latest', undefined, 'KF002'],
    [':latest, explicit Always', 'nginx:latest', 'Always', 'KF002'],
    ['mutable tag with Never', 'nginx:1.27', 'Never', 'KF003'],
    ['untagged with Never', 'nginx', 'Never', 'KF003'],
    ['mutable tag, explicit Always', 'nginx:1.27', 'Always', 'KF004'],
    [':LATEST is not latest', 'nginx:LATEST', 'Always', 'KF004'],
    [':latest@digest, defaulted', `nginx:latest@${D1}`, undefined, 'KF005'],
    [':latest@digest with explicit IfNotPresent', `nginx:latest@${D1}`, 'IfNotPresent', undefined],
    ['tag@digest', `nginx:1.27@${D1}`, undefined, undefined],
    ['digest only', `nginx@${D1}`, undefined, undefined],
    ['digest only with Never', `nginx@${D1}`, 'Never', undefined],
    ['uppercase', 'Nginx:1', undefined, 'KF006'],
    ['empty', '', undefined, 'KF006'],
    ['not a string', undefined, undefined, 'KF006'],
    ['bad digest', 'nginx@sha256:abc', undefined, 'KF006'],
  ];
  for (const [label, image, policy, rule] of cases) {
    it(`${label}: ${rule ?? 'no finding'}`, () => {
      const hit = judgeImage({ image, written: String(image), pullPolicy: policy });
      assert.equal(hit?.rule, rule);
      if (hit) assert.ok(hit.message.length > 20);
    });
  }

  it('KF007 when the pinned tag now points elsewhere, with both digests in the message', () => {
    const hit = judgeImage({
      image: `app:1@${D1}`,
      written: '',
      pullPolicy: undefined,
      currentDigest: D2,
    });
    assert.equal(hit?.rule, 'KF007');
    assert.match(hit?.message ?? '', new RegExp(`${D2}.*${D1}`));
    assert.equal(
      judgeImage({ image: `app:1@${D1}`, written: '', pullPolicy: undefined, currentDigest: D1 }),
      undefined,
    );
  });

  it('names the column of an invalid reference and says why', () => {
    const hit = judgeImage({ image: 'a..b', written: 'a..b', pullPolicy: undefined });
    assert.match(hit?.message ?? '', /misplaced "\." \(at character 3 of the image\)/);
  });
});

describe('rules table', () => {
  it('has the seven stable IDs with the documented severities and unique names', () => {
    assert.deepEqual(
      RULES.map((r) => `${r.id}:${r.severity}`),
      [
        'KF001:error',
        'KF002:warning',
        'KF003:error',
        'KF004:info',
        'KF005:warning',
        'KF006:error',
        'KF007:error',
      ],
    );
    assert.equal(new Set(RULES.map((r) => r.name)).size, RULES.length);
  });

  it('treats an empty or unknown imagePullPolicy as not set', () => {
    assert.equal(explicitPullPolicy(''), undefined);
    assert.equal(explicitPullPolicy('always'), undefined);
    assert.equal(explicitPullPolicy('Never'), 'Never');
  });
});
