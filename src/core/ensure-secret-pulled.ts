// KEP-2535, `KubeletEnsureSecretPulledImages` (alpha in 1.33, off; beta in 1.35, on by default),
// as the kubelet's image manager applies it (pkg/kubelet/images/image_manager.go
// EnsureImageExists, pullmanager/image_pull_manager.go MustAttemptImagePull,
// image_pull_policies.go): with the gate on, an image already on the node is reused under
// IfNotPresent only when the kubelet's pull record for that image ID lets this Pod use it;
// otherwise the kubelet pulls again — fetching what the tag points to *now* — or, under Never,
// fails with ErrImageNeverPull. Records: the credentials that pulled an image (Secret uid,
// namespace, name and a hash of its content), or "anyone on the node" for an anonymous pull.

import type { PullPolicy } from './pull-policy.ts';

export type CredentialVerificationPolicy =
  'NeverVerify' | 'NeverVerifyPreloadedImages' | 'NeverVerifyAllowlistedImages' | 'AlwaysVerify';

/** The kubelet's default when the gate is on. */
export const DEFAULT_VERIFICATION_POLICY: CredentialVerificationPolicy =
  'NeverVerifyPreloadedImages';

export type GateState = 'on' | 'off' | 'unknown';

/** Whether a kubelet of this version has the gate on by default (`v1.35.4` → on). */
export function ensureSecretPulledImagesDefault(kubeletVersion: string | undefined): GateState {
  const m = /^v?(\d+)\.(\d+)/.exec(kubeletVersion ?? '');
  if (m === null) return 'unknown';
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major > 1 || (major === 1 && minor >= 35) ? 'on' : 'off';
}

/**
 * How the cached copy relates to this Pod's credentials: the kubelet pulled it anonymously (or
 * with node-wide credentials: usable by every Pod), with credentials this Pod also presents (the
 * same Secret, or a Secret with the same content), with other credentials, or it was put on the
 * node some other way (preloaded: no record).
 */
export type CachedCopyCredentials = 'anonymous' | 'same' | 'different' | 'preloaded' | 'unknown';

export interface CredentialCheckInput {
  readonly policy: PullPolicy;
  readonly gate: GateState;
  readonly verification?: CredentialVerificationPolicy | undefined;
  /** For NeverVerifyAllowlistedImages: whether the image's name is on the allowlist. */
  readonly allowlisted?: boolean | undefined;
  readonly cachedCopy: CachedCopyCredentials;
}

export type CredentialCheck = {
  /** What the kubelet does with the image present on the node. */
  readonly action: 'use-cached' | 'pull' | 'ErrImageNeverPull' | 'depends';
  readonly reason: string;
};

/** The kubelet's decision for a present image, KEP-2535 included (Always always pulls). */
export function cachedImageDecision(input: CredentialCheckInput): CredentialCheck {
  if (input.policy === 'Always')
    return { action: 'pull', reason: 'Always pulls (authenticating) at every container start' };
  if (input.gate === 'off')
    return {
      action: 'use-cached',
      reason:
        'the kubelet predates KubeletEnsureSecretPulledImages being on (before 1.35): any Pod may use a cached image',
    };
  const verification = input.verification ?? DEFAULT_VERIFICATION_POLICY;
  const cannot = input.policy === 'Never' ? 'ErrImageNeverPull' : 'pull';
  const needsRecord = requiresVerification(verification, input.cachedCopy, input.allowlisted);
  if (needsRecord === false)
    return {
      action: 'use-cached',
      reason: `imagePullCredentialsVerificationPolicy ${verification} does not check ${input.cachedCopy === 'preloaded' ? 'images the kubelet did not pull' : 'this image'}`,
    };
  switch (input.cachedCopy) {
    case 'anonymous':
      return {
        action: 'use-cached',
        reason: 'the cached copy was pulled anonymously, so every Pod on the node may use it',
      };
    case 'same':
      return {
        action: 'use-cached',
        reason:
          "this Pod presents the credentials the cached copy was pulled with (the same pull Secret, or one with the same content), so the kubelet's pull record lets it reuse the cached copy",
      };
    case 'different':
    case 'preloaded':
      return {
        action: cannot,
        reason:
          input.policy === 'Never'
            ? "the kubelet has no pull record letting this Pod's credentials use the cached copy, and Never forbids a pull: ErrImageNeverPull"
            : "the kubelet has no pull record letting this Pod's credentials use the cached copy, so it pulls again and gets what the tag points to now",
      };
    case 'unknown':
      return {
        action: 'depends',
        reason:
          "it depends on whether this Pod's pull Secrets match those the cached copy was pulled with (anonymous pulls are usable by all)",
      };
  }
}

function requiresVerification(
  verification: CredentialVerificationPolicy,
  cached: CachedCopyCredentials,
  allowlisted: boolean | undefined,
): boolean | undefined {
  switch (verification) {
    case 'NeverVerify':
      return false;
    case 'AlwaysVerify':
      return true;
    case 'NeverVerifyPreloadedImages':
      return cached === 'unknown' ? undefined : cached !== 'preloaded';
    case 'NeverVerifyAllowlistedImages':
      return allowlisted === undefined ? undefined : !allowlisted;
  }
}

/** One paragraph for `ref`: what KEP-2535 changes for a cached image under this policy. */
export function describeCredentialVerification(policy: PullPolicy): string | undefined {
  if (policy === 'Always') return undefined;
  const otherwise =
    policy === 'Never'
      ? 'otherwise it fails with ErrImageNeverPull'
      : 'otherwise it pulls again, getting what the tag points to now';
  return (
    'On a kubelet ≥ 1.35 (KubeletEnsureSecretPulledImages, on by default; node.status.nodeInfo.kubeletVersion tells) ' +
    'with imagePullCredentialsVerificationPolicy NeverVerifyPreloadedImages (the default), an image the kubelet ' +
    'pulled is reused only by a Pod presenting the credentials it was pulled with (the same pull Secret, or one ' +
    `with the same content), or by any Pod if it was pulled anonymously; ${otherwise}. So a Pod with the first ` +
    "puller's Secret gets the cached (possibly old) image and a Pod with another Secret the current one. " +
    'NeverVerify keeps the old behaviour (any Pod reuses any image); AlwaysVerify also checks images the ' +
    'kubelet did not pull; NeverVerifyAllowlistedImages checks every image not on its allowlist.'
  );
}
