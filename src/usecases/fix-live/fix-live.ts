// `fix` (live mode) — the folder's one entry point. Planning: judge the workloads in scope exactly
// as `status` does, then read each workload that has something stale and plan its patch. Nothing
// is written by planFixes; the caller shows the plan, asks, and hands it to applyFixes, then
// concludeFix sums up. Front doors import this file (and the light fix-types.ts) only.

import pLimit from 'p-limit';
import { ClusterError } from '../../cluster/cluster-error.ts';
import type { SnapshotScope, WorkloadSelector } from '../../cluster/read/cluster-snapshot.ts';
import type { WorkloadWriter } from '../../cluster/write/workload-writer.ts';
import { checkWorkloads, type CheckDeps } from '../check-workloads.ts';
import { planWorkload, type WorkloadPlan } from './plan-workload.ts';
import { isPatchableKind } from '../../core/pin.ts';
import {
  groupByWorkload,
  judgeByPods,
  manualStep,
  type WorkloadGroup,
} from './workload-targets.ts';
import type { FixPlan, FixStrategy, SkippedTarget, WorkloadId } from './fix-types.ts';

export type * from './fix-types.ts';
export { FIX_STRATEGIES } from './fix-types.ts';
export { applyFixes, declineFixes, type ApplyDeps } from './apply-fixes.ts';
export { concludeFix, type FixConclusion } from './conclude-fix.ts';
export { groupByWorkload, judgeByPods, type WorkloadGroup } from './workload-targets.ts';

export interface FixDeps {
  readonly check: CheckDeps;
  readonly writer: WorkloadWriter;
  readonly now?: () => Date;
}

export interface FixRequest {
  readonly scope: SnapshotScope;
  readonly strategy: FixStrategy;
  readonly dryRun: boolean;
}

const READ_CONCURRENCY = 8;

export async function planFixes(deps: FixDeps, request: FixRequest): Promise<FixPlan> {
  const now = (deps.now ?? (() => new Date()))();
  const skipped: SkippedTarget[] = [];
  const scope = await withoutMissingRollouts(deps.writer, request.scope, skipped);
  const empty = {
    target: deps.writer.target,
    strategy: request.strategy,
    dryRun: request.dryRun,
    fixes: [],
    unchanged: [],
    upToDate: 0,
  };
  // Every named workload was a Rollout without its CRD: an empty list would mean "everything".
  if (scope === undefined) return { ...empty, skipped, warnings: [] };
  const report = await checkWorkloads(deps.check, scope);
  deps.check.progress?.(`planning fixes for ${report.summary.workloads} workloads`);
  const limit = pLimit(READ_CONCURRENCY);
  const plans = await Promise.all(
    groupByWorkload(report.workloads).map((group) =>
      limit(() => planGroup(group, deps.writer, request.strategy, now)),
    ),
  );
  const warnings = [...report.warnings];
  const fixes = plans.flatMap((p) => (p.fix === undefined ? [] : [p.fix]));
  if (request.strategy === 'pull-always' && fixes.length > 0)
    warnings.push(
      'imagePullPolicy: Always makes every container start ask the registry: while it is down or rate-limiting, Pods cannot start even with the image cached; --strategy pin avoids that',
    );
  return {
    ...empty,
    fixes,
    skipped: [...skipped, ...plans.flatMap((p) => p.skipped)],
    unchanged: plans.flatMap((p) => p.unchanged),
    upToDate: plans.reduce((n, p) => n + p.upToDate, 0),
    warnings,
  };
}

/**
 * Named Rollouts are looked up only when the CRD exists (else the reader's existence check fails
 * with not-found); returns undefined when nothing named is left to check.
 */
async function withoutMissingRollouts(
  writer: WorkloadWriter,
  scope: SnapshotScope,
  skipped: SkippedTarget[],
): Promise<SnapshotScope | undefined> {
  const named = scope.workloads ?? [];
  const rollouts = named.filter((w) => w.kind === 'Rollout');
  if (rollouts.length === 0 || (await writer.rolloutsInstalled())) return scope;
  for (const selector of rollouts)
    skipped.push(crdMissing(workloadOf(selector, scope.namespace ?? writer.target.namespace)));
  const rest = named.filter((w) => w.kind !== 'Rollout');
  return rest.length === 0 ? undefined : { ...scope, workloads: rest };
}

async function planGroup(
  group: WorkloadGroup,
  writer: WorkloadWriter,
  strategy: FixStrategy,
  now: Date,
): Promise<WorkloadPlan> {
  const byPods = judgeByPods(group);
  const patchable = isPatchableKind(group.workload.kind);
  if (!patchable || byPods.actionable.length === 0) {
    const manual = patchable
      ? []
      : byPods.actionable.map((a) => manualStep(group.workload, a.container, a.to));
    return {
      fix: undefined,
      skipped: [...byPods.unknown, ...manual],
      unchanged: [],
      upToDate: byPods.upToDate,
    };
  }
  if (group.workload.kind === 'Rollout' && !(await writer.rolloutsInstalled()))
    return { fix: undefined, skipped: [crdMissing(group.workload)], unchanged: [], upToDate: 0 };
  try {
    const read = await writer.getWorkload(group.workload);
    return planWorkload({ read, reports: group.reports, strategy, now });
  } catch (error) {
    if (!(error instanceof ClusterError)) throw error;
    const unreadable: SkippedTarget = {
      workload: group.workload,
      container: undefined,
      reason: 'unreadable',
      message: error.message,
      error,
    };
    return { fix: undefined, skipped: [unreadable], unchanged: [], upToDate: 0 };
  }
}

function crdMissing(workload: WorkloadId): SkippedTarget {
  return {
    workload,
    container: undefined,
    reason: 'crd-missing',
    message:
      'Argo Rollouts CRD not installed: the API server does not serve argoproj.io/v1alpha1 rollouts',
  };
}

function workloadOf(selector: WorkloadSelector, namespace: string): WorkloadId {
  return { namespace: selector.namespace ?? namespace, kind: selector.kind, name: selector.name };
}
