// How a `fix` run went, as counts and one status the CLI turns into an exit code: `done` when
// everything planned was applied (or nothing needed fixing), `incomplete` when some targets could
// not be fixed, `no-access` when nothing could be done because the cluster refused us.

import type { ClusterError } from '../../cluster/cluster-error.ts';
import type { FixPlan, FixResult, FixSummary } from './fix-types.ts';

export interface FixConclusion {
  readonly summary: FixSummary;
  readonly status: 'done' | 'incomplete' | 'no-access';
  /** With `no-access`: the first refusal, to report with its hint. */
  readonly accessError: ClusterError | undefined;
}

export function concludeFix(plan: FixPlan, results: readonly FixResult[]): FixConclusion {
  const count = (outcome: FixResult['outcome']): number =>
    results.filter((r) => r.outcome === outcome).length;
  const summary: FixSummary = {
    strategy: plan.strategy,
    dryRun: plan.dryRun,
    planned: plan.fixes.length,
    applied: count('applied'),
    dryRunAccepted: count('dry-run'),
    unchanged: count('unchanged') + plan.unchanged.length,
    notFixed: plan.skipped.length + count('conflict') + count('declined'),
    failed: count('failed'),
    upToDate: plan.upToDate,
  };
  // A workload deleted between the check and the patch is not an access problem.
  const refusals = [...plan.skipped, ...results].flatMap((item) =>
    item.error === undefined || item.error.failure === 'not-found' ? [] : [item.error],
  );
  const done = summary.applied + summary.dryRunAccepted;
  if (refusals.length > 0 && done === 0)
    return { summary, status: 'no-access', accessError: refusals[0] };
  const incomplete = summary.notFixed + summary.failed > 0;
  return { summary, status: incomplete ? 'incomplete' : 'done', accessError: undefined };
}
