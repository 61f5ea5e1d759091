// Live `fix -o json`: `{plan, results, warnings, summary}`. `plan` lists the patches; `results` has
// one entry per patch (applied, dry-run, unchanged, conflict, failed, declined) followed by the
// targets that were not fixed (`not-fixed`, with a reason code) and those already under way.

import type {
  FixPlan,
  FixResult,
  FixSummary,
  PlannedFix,
  WorkloadId,
} from '../../../usecases/fix-live/fix-live.ts';

export function renderFixJson(
  plan: FixPlan,
  results: readonly FixResult[],
  summary: FixSummary & { readonly status: string },
): string {
  const document = {
    context: plan.target.context,
    server: plan.target.server,
    strategy: plan.strategy,
    dryRun: plan.dryRun,
    plan: plan.fixes.map(planEntry),
    results: [
      ...results.map(resultEntry),
      ...plan.skipped.map((s) => ({
        ...identity(s.workload),
        container: s.container ?? null,
        outcome: 'not-fixed',
        reason: s.reason,
        message: s.message,
        command: s.command ?? null,
      })),
      ...plan.unchanged.map((u) => ({
        ...identity(u.workload),
        container: u.container,
        outcome: 'unchanged',
        message: u.message,
      })),
    ],
    warnings: [
      ...plan.warnings,
      ...plan.fixes.flatMap((f) => f.warnings.map((w) => `${label(f.workload)}: ${w}`)),
    ],
    summary,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

function planEntry(fix: PlannedFix) {
  return {
    ...identity(fix.workload),
    strategy: fix.strategy,
    resourceVersion: fix.read.resourceVersion,
    containers: fix.containers.map((c) => ({ ...c, pullPolicy: c.pullPolicy ?? null })),
    warnings: fix.warnings,
    notes: fix.notes,
  };
}

function resultEntry(r: FixResult) {
  return {
    ...identity(r.workload),
    outcome: r.outcome,
    message: r.message,
    attempts: r.attempts,
    containers: r.containers.map((c) => ({ container: c.container, from: c.from, to: c.to })),
    resourceVersion: r.resourceVersion ?? null,
    event: r.event ?? null,
    error:
      r.error === undefined
        ? null
        : { failure: r.error.failure, status: r.error.status ?? null, message: r.error.message },
  };
}

function identity(w: WorkloadId): { namespace: string; kind: string; name: string } {
  return { namespace: w.namespace, kind: w.kind, name: w.name };
}

function label(w: WorkloadId): string {
  return `${w.namespace}/${w.kind.toLowerCase()}/${w.name}`;
}
