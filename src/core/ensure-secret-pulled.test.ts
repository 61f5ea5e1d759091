import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  cachedImageDecision,
  describeCredentialVerification,
  ensureSecretPulledImagesDefault,
  type CachedCopyCredentials,
  type CredentialVerificationPolicy,
} from './ensure-secret-pulled.ts';
import type { PullPolicy } from './pull-policy.ts';

describe('KEP-2535 KubeletEnsureSecretPulledImages (image_pull_manager.go, image_pull_policies.go)', () => {
  it('is on by default from kubelet 1.35 (kube_features.go: alpha 1.33 off, beta 1.35 on)', () => {
    const table: Array<[string | undefined, string]> = [
      ['v1.35.4', 'on'],
      ['v1.36.0-alpha.1', 'on'],
      ['v1.34.2', 'off'],
      ['v1.33.0', 'off'],
      ['v1.29.1+k3s1', 'off'],
      [undefined, 'unknown'],
      ['garbage', 'unknown'],
    ];
    for (const [version, want] of table)
      assert.equal(ensureSecretPulledImagesDefault(version), want, String(version));
  });

  it('decides reuse, re-pull or ErrImageNeverPull for a present image', () => {
    const table: Array<
      [
        PullPolicy,
        'on' | 'off',
        CredentialVerificationPolicy | undefined,
        CachedCopyCredentials,
        string,
      ]
    > = [
      ['IfNotPresent', 'off', undefined, 'different', 'use-cached'],
      ['IfNotPresent', 'on', undefined, 'same', 'use-cached'],
      ['IfNotPresent', 'on', undefined, 'anonymous', 'use-cached'],
      ['IfNotPresent', 'on', undefined, 'different', 'pull'],
      ['Never', 'on', undefined, 'different', 'ErrImageNeverPull'],
      ['Never', 'on', undefined, 'same', 'use-cached'],
      // The default policy exempts images the kubelet did not pull itself.
      ['IfNotPresent', 'on', undefined, 'preloaded', 'use-cached'],
      ['IfNotPresent', 'on', 'AlwaysVerify', 'preloaded', 'pull'],
      ['IfNotPresent', 'on', 'NeverVerify', 'different', 'use-cached'],
      ['IfNotPresent', 'on', undefined, 'unknown', 'depends'],
      ['Always', 'on', undefined, 'same', 'pull'],
    ];
    for (const [policy, gate, verification, cachedCopy, want] of table)
      assert.equal(
        cachedImageDecision({ policy, gate, verification, cachedCopy }).action,
        want,
        `${policy} ${gate} ${verification ?? 'default'} ${cachedCopy}`,
      );
  });

  it('explains itself for ref, except under Always', () => {
    assert.equal(describeCredentialVerification('Always'), undefined);
    assert.match(describeCredentialVerification('IfNotPresent') ?? '', /pulls again/);
    assert.match(describeCredentialVerification('Never') ?? '', /ErrImageNeverPull/);
  });
});
