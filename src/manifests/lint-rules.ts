// The lint rules (stable IDs KF001–KF007) and the judgement of one container's image and pull
// policy. Pure: the registry answer KF007 needs is passed in.

import type { Digest } from '../core/digest.ts';
import { effectiveTag, parseImageReference, type ImageReference } from '../core/image-reference.ts';
import { effectivePullPolicy, isPullPolicy, type PullPolicy } from '../core/pull-policy.ts';

export type RuleId = 'KF001' | 'KF002' | 'KF003' | 'KF004' | 'KF005' | 'KF006' | 'KF007';
export type Severity = 'error' | 'warning' | 'info';
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

export interface LintRule {
  readonly id: RuleId;
  /** A stable kebab-case name, used as the SARIF rule name. */
  readonly name: string;
  readonly severity: Severity;
  readonly summary: string;
  readonly description: string;
  readonly help: string;
}

const PIN_HELP = 'Pin the digest: `kube-fresh pin --write FILE` writes `repo:tag@sha256:…`.';

export const RULES: readonly LintRule[] = [
  {
    id: 'KF001',
    name: 'mutable-tag-if-not-present',
    severity: 'error',
    summary: 'Mutable tag with imagePullPolicy IfNotPresent',
    description:
      'The image has a tag and no digest, and its effective imagePullPolicy is IfNotPresent. Nodes that already cached the tag keep starting the old image after the tag moves, so replicas on different nodes can run different code.',
    help: `${PIN_HELP} Or, offline, \`kube-fresh fix --write FILE\` sets imagePullPolicy: Always.`,
  },
  {
    id: 'KF002',
    name: 'latest-tag',
    severity: 'warning',
    summary: 'No tag or the "latest" tag',
    description:
      'An image without a tag means "latest". It defaults to imagePullPolicy Always, so every container start needs the registry, and what runs is not reproducible.',
    help: `${PIN_HELP} kube-fresh pin also adds imagePullPolicy: IfNotPresent so the pin stays cheap.`,
  },
  {
    id: 'KF003',
    name: 'mutable-tag-never-pull',
    severity: 'error',
    summary: 'Mutable tag with imagePullPolicy Never',
    description:
      'With imagePullPolicy Never a node runs whatever it has under the tag, or fails with ErrImageNeverPull; a moved tag is never noticed.',
    help: `${PIN_HELP} Or \`kube-fresh fix --write FILE\` sets imagePullPolicy: Always.`,
  },
  {
    id: 'KF004',
    name: 'mutable-tag-always-pull',
    severity: 'info',
    summary: 'Mutable tag with explicit imagePullPolicy Always',
    description:
      'This works, but every container start asks the registry; starts fail while the registry is down or rate-limited. A pinned digest with IfNotPresent is cheaper and survives registry outages.',
    help: PIN_HELP,
  },
  {
    id: 'KF005',
    name: 'latest-tag-with-digest',
    severity: 'warning',
    summary: '":latest@sha256:…" defaults to imagePullPolicy Always',
    description:
      'Kubernetes defaults the pull policy by looking only at the tag, so "name:latest@sha256:…" gets Always despite the digest, and every container start needs the registry.',
    help: 'Set imagePullPolicy: IfNotPresent (a digest cannot go stale).',
  },
  {
    id: 'KF006',
    name: 'invalid-image-reference',
    severity: 'error',
    summary: 'Invalid image reference',
    description:
      'The API server accepts the Pod, but the kubelet fails the container with InvalidImageName.',
    help: 'Fix the image string; `kube-fresh ref IMAGE` explains how Kubernetes reads it.',
  },
  {
    id: 'KF007',
    name: 'pinned-tag-moved',
    severity: 'error',
    summary: 'Pinned tag now points elsewhere (--online)',
    description:
      'The image is pinned as tag@digest, and the registry says the tag now points to a different digest: the manifest runs an older image than its tag suggests.',
    help: 'Re-pin with `kube-fresh pin --write FILE`, or drop the tag if the old digest is intended.',
  },
];

export const RULE_IDS: readonly RuleId[] = RULES.map((rule) => rule.id);

export function isRuleId(value: string): value is RuleId {
  return (RULE_IDS as readonly string[]).includes(value);
}

export function ruleById(id: RuleId): LintRule {
  const rule = RULES.find((candidate) => candidate.id === id);
  if (!rule) throw new Error(`unknown rule ${id}`);
  return rule;
}

/** What a rule says about one container. */
export interface RuleHit {
  readonly rule: RuleId;
  readonly message: string;
}

/** A container's image and pull policy as written. */
export interface ImageUnderJudgement {
  /** The image string; undefined when the value is not a string (null, a number…). */
  readonly image: string | undefined;
  /** The image as written, for messages about non-strings. */
  readonly written: string;
  /** The explicit imagePullPolicy, when it is one of the three valid values. */
  readonly pullPolicy: PullPolicy | undefined;
  /** What the registry says the tag points to now (KF007 only; `--online`). */
  readonly currentDigest?: Digest | undefined;
}

/**
 * At most one rule applies to a container: a mutable image is judged by its effective pull policy
 * (IfNotPresent → KF001, Never → KF003, Always → KF002 for "latest", else KF004); a pinned one by
 * KF005 and KF007; an unreadable one by KF006.
 */
export function judgeImage(subject: ImageUnderJudgement): RuleHit | undefined {
  if (subject.image === undefined) {
    return {
      rule: 'KF006',
      message: `invalid image reference: ${subject.written} is not a string`,
    };
  }
  const parsed = parseImageReference(subject.image);
  if (!parsed.ok) {
    const column = parsed.problem.column;
    const where = column === undefined ? '' : ` (at character ${column} of the image)`;
    return { rule: 'KF006', message: `invalid image reference: ${parsed.problem.message}${where}` };
  }
  const ref = parsed.reference;
  if (ref.digest === undefined) return judgeMutable(subject.image, ref, subject.pullPolicy);
  return judgePinned(ref, ref.digest, subject);
}

function judgeMutable(
  image: string,
  ref: ImageReference,
  explicit: PullPolicy | undefined,
): RuleHit {
  const policy = effectivePullPolicy(image, explicit);
  const how = `imagePullPolicy ${policy.policy}${policy.source === 'default' ? ' (the default)' : ''}`;
  const tag = effectiveTag(ref) ?? 'latest';
  const subject =
    ref.tag === undefined ? 'untagged image (means "latest")' : `mutable tag "${tag}"`;
  switch (policy.policy) {
    case 'IfNotPresent':
      return {
        rule: 'KF001',
        message: `${subject} with ${how}: nodes that cached the tag keep running the old image, so replicas can differ; pin a digest`,
      };
    case 'Never':
      return {
        rule: 'KF003',
        message: `${subject} with ${how}: a node runs whatever it has under the tag and never sees the tag move; pin a digest`,
      };
    case 'Always':
      if (tag === 'latest') {
        return {
          rule: 'KF002',
          message: `${ref.tag === undefined ? subject : 'tag "latest"'} with ${how}: not reproducible, and every container start needs the registry; pin a digest`,
        };
      }
      return {
        rule: 'KF004',
        message: `${subject} with ${how}: works, but every container start needs the registry; a pinned digest is cheaper and survives registry outages`,
      };
  }
}

function judgePinned(
  ref: ImageReference,
  digest: Digest,
  subject: ImageUnderJudgement,
): RuleHit | undefined {
  if (subject.currentDigest !== undefined && subject.currentDigest !== digest) {
    return {
      rule: 'KF007',
      message: `tag "${ref.tag ?? ''}" now points to ${subject.currentDigest}, not the pinned ${digest}; re-pin`,
    };
  }
  if (ref.tag === 'latest' && subject.pullPolicy === undefined) {
    return {
      rule: 'KF005',
      message:
        'tag "latest" with a digest still defaults to imagePullPolicy Always (Kubernetes looks only at the tag); set imagePullPolicy: IfNotPresent',
    };
  }
  return undefined;
}

/** The explicit pull policy if it is valid; an invalid value is left to the API server to refuse. */
export function explicitPullPolicy(value: string | undefined): PullPolicy | undefined {
  return value !== undefined && isPullPolicy(value) ? value : undefined;
}
