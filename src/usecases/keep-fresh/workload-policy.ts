// Which policy applies to a workload: its own `kube-fresh.io/policy` annotation, else its
// namespace's, else the cluster default (`--default-policy`). A GitOps-managed workload (Argo CD,
// Flux) is only reported unless the workload itself says `pin`: its next sync would revert a
// live pin, so pinning it is a decision for its owners, and then it comes with a warning.

import { parseDuration } from '../../core/duration.ts';
import { gitOpsManagerOf, type GitOpsManager } from '../../core/gitops-management.ts';

export const POLICIES = ['report', 'pin', 'off'] as const;
export type Policy = (typeof POLICIES)[number];

export const POLICY_ANNOTATION = 'kube-fresh.io/policy';
export const POLL_INTERVAL_ANNOTATION = 'kube-fresh.io/poll-interval';

export interface AnnotatedObject {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

export interface PolicyDecision {
  readonly policy: Policy;
  readonly source: 'workload' | 'namespace' | 'default';
  /** Set when GitOps manages the workload. */
  readonly gitOps: GitOpsManager | undefined;
  /** Why the decision differs from what was asked, or a value that was ignored. */
  readonly note: string | undefined;
}

export function isPolicy(value: string): value is Policy {
  return (POLICIES as readonly string[]).includes(value);
}

export function decidePolicy(
  workload: AnnotatedObject | undefined,
  namespace: Pick<AnnotatedObject, 'annotations'> | undefined,
  fallback: Policy,
): PolicyDecision {
  const own = workload?.annotations[POLICY_ANNOTATION]?.trim();
  const inherited = namespace?.annotations[POLICY_ANNOTATION]?.trim();
  const gitOps = workload === undefined ? undefined : gitOpsManagerOf(workload);
  const invalid = [own, inherited].find((v) => v !== undefined && !isPolicy(v));
  const note =
    invalid === undefined
      ? undefined
      : `ignored ${POLICY_ANNOTATION}: ${JSON.stringify(invalid)} (expected ${POLICIES.join(', ')})`;
  let decision: PolicyDecision;
  if (own !== undefined && isPolicy(own))
    decision = { policy: own, source: 'workload', gitOps, note };
  else if (inherited !== undefined && isPolicy(inherited))
    decision = { policy: inherited, source: 'namespace', gitOps, note };
  else decision = { policy: fallback, source: 'default', gitOps, note };
  if (gitOps !== undefined && decision.policy === 'pin' && decision.source !== 'workload')
    return {
      ...decision,
      policy: 'report',
      note: `managed by ${gitOps.tool} (${gitOps.source}): reported only; annotate the workload ${POLICY_ANNOTATION}: pin to pin it anyway`,
    };
  return decision;
}

/** The workload's own poll interval, when its annotation holds a valid duration. */
export function pollIntervalOf(workload: AnnotatedObject | undefined): number | undefined {
  const text = workload?.annotations[POLL_INTERVAL_ANNOTATION];
  if (text === undefined) return undefined;
  const parsed = parseDuration(text);
  return parsed.ok ? parsed.ms : undefined;
}
