import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeReference } from './reference-report.ts';

const HEX = 'ef'.repeat(32);

describe('describeReference', () => {
  it('reports what Kubernetes would do for the README example', () => {
    const [nginx, pinnedLatest, local, myhost] = [
      'nginx',
      `nginx:latest@sha256:${HEX}`,
      'localhost:5000/app:dev',
      'myhost/app',
    ].map((i) => describeReference(i));
    assert.deepEqual(
      [nginx?.name, nginx?.tag, nginx?.tagImplicit, nginx?.pullPolicy, nginx?.mutable],
      ['docker.io/library/nginx', 'latest', true, 'Always', true],
    );
    assert.deepEqual(
      [
        pinnedLatest?.tag,
        pinnedLatest?.tagImplicit,
        pinnedLatest?.digest,
        pinnedLatest?.pullPolicy,
        pinnedLatest?.mutable,
      ],
      ['latest', false, `sha256:${HEX}`, 'Always', false],
    );
    assert.deepEqual(
      [
        local?.domain,
        local?.path,
        local?.pullPolicy,
        local?.kubelet.imagePresent,
        local?.kubelet.imageAbsent,
      ],
      ['localhost:5000', 'app', 'IfNotPresent', 'use-cached', 'pull'],
    );
    assert.deepEqual(
      [myhost?.domain, myhost?.path, myhost?.familiar],
      ['docker.io', 'myhost/app', 'myhost/app'],
    );
  });

  it('keeps the documented JSON keys, in order, with nulls for an invalid input', () => {
    const report = describeReference('Nginx');
    assert.deepEqual(Object.keys(report).slice(0, 12), [
      'input',
      'valid',
      'name',
      'domain',
      'path',
      'tag',
      'tagImplicit',
      'digest',
      'familiar',
      'pullPolicy',
      'pullPolicySource',
      'mutable',
    ]);
    assert.equal(report.valid, false);
    assert.equal(report.name, null);
    assert.equal(report.mutable, null);
    assert.equal(report.pullPolicy, 'IfNotPresent');
    assert.equal(report.kubelet.imageAbsent, 'InvalidImageName');
    assert.deepEqual(report.error, {
      code: 'uppercase',
      message: 'invalid reference format: repository name (library/Nginx) must be lowercase',
      upstream: 'invalid reference format: repository name (library/Nginx) must be lowercase',
      column: 1,
    });
  });

  it('marks an explicit policy as explicit', () => {
    const report = describeReference('app:1', 'Never');
    assert.equal(report.pullPolicy, 'Never');
    assert.equal(report.pullPolicySource, 'explicit');
    assert.equal(report.kubelet.imageAbsent, 'ErrImageNeverPull');
  });
});
