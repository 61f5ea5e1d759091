// imagePullPolicy as the kube-apiserver defaults it and the kubelet acts on it
// (semantics doc §1 and §2).

import { effectiveTag, parseImageReference } from './image-reference.ts';

export type PullPolicy = 'Always' | 'IfNotPresent' | 'Never';
export const PULL_POLICIES: readonly PullPolicy[] = ['Always', 'IfNotPresent', 'Never'];

/** Where an effective policy came from. `admission` = the Pod differs from its template. */
export type PullPolicySource = 'explicit' | 'default' | 'admission';

export interface EffectivePullPolicy {
  readonly policy: PullPolicy;
  readonly source: PullPolicySource;
  /** Why, in one line: e.g. `default: tag "latest"`. */
  readonly reason: string;
}

export function isPullPolicy(value: string): value is PullPolicy {
  return (PULL_POLICIES as readonly string[]).includes(value);
}

/**
 * SetDefaults_Container: when the field is empty, ParseImageName's tag (with `latest` added only
 * when there is neither a tag nor a digest) equal to "latest" gives Always, anything else —
 * including a parse error — IfNotPresent. So `name:latest@sha256:…` is Always.
 */
export function defaultPullPolicy(image: string): PullPolicy {
  const parsed = parseImageReference(image);
  if (!parsed.ok) return 'IfNotPresent';
  return effectiveTag(parsed.reference) === 'latest' ? 'Always' : 'IfNotPresent';
}

/** The policy a container runs with: an explicit (non-empty) value wins over the default. */
export function effectivePullPolicy(image: string, explicit?: PullPolicy): EffectivePullPolicy {
  if (explicit !== undefined) {
    return {
      policy: explicit,
      source: 'explicit',
      reason: `explicit: imagePullPolicy ${explicit}`,
    };
  }
  const policy = defaultPullPolicy(image);
  return { policy, source: 'default', reason: describeDefault(image, policy) };
}

function describeDefault(image: string, policy: PullPolicy): string {
  const parsed = parseImageReference(image);
  if (!parsed.ok) return 'default: the image does not parse, so the API server chose IfNotPresent';
  const ref = parsed.reference;
  if (policy === 'Always') {
    if (ref.tag === undefined) return 'default: no tag means "latest", which defaults to Always';
    if (ref.digest !== undefined) {
      return 'default: tag "latest" defaults to Always even with a digest (Kubernetes checks only the tag)';
    }
    return 'default: tag "latest" defaults to Always';
  }
  if (ref.tag === undefined) return 'default: a digest without a tag defaults to IfNotPresent';
  return `default: tag "${ref.tag}" is not "latest", so IfNotPresent`;
}

/** What the kubelet's image manager does at a container start (EnsureImageExists). */
export type KubeletImageAction = 'pull' | 'use-cached' | 'ErrImageNeverPull' | 'InvalidImageName';

/**
 * imagePullPrecheck, with the KubeletEnsureSecretPulledImages gate (KEP-2535) off: presence is
 * looked up by the exact tag or digest string on that node.
 */
export function kubeletImageAction(policy: PullPolicy, presentOnNode: boolean): KubeletImageAction {
  if (policy === 'Always') return 'pull';
  if (presentOnNode) return 'use-cached';
  return policy === 'Never' ? 'ErrImageNeverPull' : 'pull';
}

/** Like kubeletImageAction, but an image that does not parse always fails first. */
export function kubeletImageActionFor(
  image: string,
  policy: PullPolicy,
  presentOnNode: boolean,
): KubeletImageAction {
  return parseImageReference(image).ok
    ? kubeletImageAction(policy, presentOnNode)
    : 'InvalidImageName';
}

const ACTION_TEXT: Readonly<Record<KubeletImageAction, string>> = {
  pull: 'pulls: asks the registry what the tag points to now',
  'use-cached': 'uses the cached image without asking the registry',
  ErrImageNeverPull: 'fails with ErrImageNeverPull',
  InvalidImageName: 'fails with InvalidImageName',
};

export function describeKubeletAction(action: KubeletImageAction): string {
  return ACTION_TEXT[action];
}
