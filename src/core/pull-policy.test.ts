import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  defaultPullPolicy,
  effectivePullPolicy,
  kubeletImageAction,
  kubeletImageActionFor,
  type KubeletImageAction,
  type PullPolicy,
} from './pull-policy.ts';

const HEX = 'ab'.repeat(32);

describe('defaultPullPolicy: every row of the defaulting table (semantics doc §1)', () => {
  const table: Array<[string, PullPolicy]> = [
    ['nginx', 'Always'], // tag latest (implicit)
    ['nginx:latest', 'Always'],
    ['nginx:1.27', 'IfNotPresent'],
    [`nginx@sha256:${HEX}`, 'IfNotPresent'], // digest, no tag
    [`nginx:latest@sha256:${HEX}`, 'Always'], // the code looks only at the tag; docs disagree
    ['nginx:LATEST', 'IfNotPresent'], // case-sensitive compare
    ['localhost:5000/app', 'Always'],
    ['Nginx', 'IfNotPresent'], // unparsable: error ignored
    ['', 'IfNotPresent'],
    [`nginx:1.27@sha256:${HEX}`, 'IfNotPresent'],
    ['registry.example.com:5000/team/app:latest', 'Always'],
    ['registry.example.com:5000/team/app', 'Always'],
    ['app:latest-alpine', 'IfNotPresent'],
  ];
  for (const [image, expected] of table) {
    it(`${JSON.stringify(image.length > 50 ? `${image.slice(0, 25)}…` : image)} → ${expected}`, () => {
      assert.equal(defaultPullPolicy(image), expected);
      assert.deepEqual(
        { policy: effectivePullPolicy(image).policy, source: effectivePullPolicy(image).source },
        { policy: expected, source: 'default' },
      );
    });
  }

  it('an explicit policy always wins', () => {
    for (const explicit of ['Always', 'IfNotPresent', 'Never'] as const) {
      for (const image of ['nginx', 'nginx:1', `nginx:latest@sha256:${HEX}`, 'Nginx']) {
        const result = effectivePullPolicy(image, explicit);
        assert.equal(result.policy, explicit);
        assert.equal(result.source, 'explicit');
      }
    }
  });

  it('the reason names the rule that applied', () => {
    assert.match(effectivePullPolicy(`nginx:latest@sha256:${HEX}`).reason, /even with a digest/);
    assert.match(effectivePullPolicy('nginx').reason, /no tag/);
    assert.match(effectivePullPolicy('nginx:1').reason, /"1" is not "latest"/);
  });
});

describe('kubeletImageAction: the image manager decision table (semantics doc §2.2, gate off)', () => {
  const table: Array<[PullPolicy, boolean, KubeletImageAction]> = [
    ['Always', true, 'pull'],
    ['Always', false, 'pull'],
    ['IfNotPresent', false, 'pull'],
    ['IfNotPresent', true, 'use-cached'],
    ['Never', false, 'ErrImageNeverPull'],
    ['Never', true, 'use-cached'],
  ];
  for (const [policy, present, action] of table) {
    it(`${policy}, image ${present ? 'present' : 'absent'} → ${action}`, () => {
      assert.equal(kubeletImageAction(policy, present), action);
      assert.equal(kubeletImageActionFor('app:1', policy, present), action);
    });
  }
  it('an unparsable image fails with InvalidImageName before any policy applies', () => {
    for (const policy of ['Always', 'IfNotPresent', 'Never'] as const) {
      assert.equal(kubeletImageActionFor('Bad', policy, true), 'InvalidImageName');
      assert.equal(kubeletImageActionFor('Bad', policy, false), 'InvalidImageName');
    }
  });
});
