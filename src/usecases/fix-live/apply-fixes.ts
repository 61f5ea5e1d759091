// `fix` (live mode), applying half: one conflict-safe PATCH per planned workload. A 409 means
// someone else wrote the object after our read: read it again and recompute the fix from the new
// object (their change stays, ours is re-derived), a bounded number of times. Each applied fix is
// recorded as an Event on the workload; a dry run records nothing.

import { shortDigest } from '../../core/digest.ts';
import { ClusterError } from '../../cluster/cluster-error.ts';
import type { LiveWorkload, WorkloadWriter } from '../../cluster/write/workload-writer.ts';
import { planWorkload } from './plan-workload.ts';
import type { FixPlan, FixResult, FixStrategy, PlannedFix } from './fix-types.ts';

export const MAX_PATCH_ATTEMPTS = 5;

export interface ApplyDeps {
  readonly writer: WorkloadWriter;
  readonly now?: () => Date;
  /** The Event reason for an applied fix (default per strategy; the controller records `Pinned`). */
  readonly eventReason?: string;
}

const EVENT_REASONS: Readonly<Record<FixStrategy, string>> = {
  pin: 'KubeFreshPinned',
  restart: 'KubeFreshRestarted',
  'pull-always': 'KubeFreshPullAlways',
};

/** Sequential on purpose: results come back in plan order, and writes stay gentle on the API server. */
export async function applyFixes(plan: FixPlan, deps: ApplyDeps): Promise<FixResult[]> {
  const results: FixResult[] = [];
  for (const fix of plan.fixes) results.push(await applyFix(fix, plan.dryRun, deps));
  return results;
}

/** The results when the user answers no. */
export function declineFixes(plan: FixPlan): FixResult[] {
  return plan.fixes.map((fix) => result(fix, 'declined', 'not applied: declined at the prompt', 0));
}

async function applyFix(planned: PlannedFix, dryRun: boolean, deps: ApplyDeps): Promise<FixResult> {
  let fix = planned;
  let attempts = 0;
  try {
    for (;;) {
      attempts++;
      const outcome = await deps.writer.patchWorkload(fix.read, fix.change, { dryRun });
      if (outcome.outcome === 'patched')
        return await finish(fix, outcome.workload, attempts, dryRun, deps);
      if (attempts >= MAX_PATCH_ATTEMPTS)
        return result(
          fix,
          'conflict',
          `the object changed again on each of ${attempts} attempts; nothing was patched: run fix again`,
          attempts,
        );
      const read = await deps.writer.getWorkload(fix.workload);
      const now = (deps.now ?? (() => new Date()))();
      const again = planWorkload({ read, reports: fix.evidence, strategy: fix.strategy, now });
      if (again.fix === undefined) return afterConflict(fix, again, attempts);
      fix = again.fix;
    }
  } catch (error) {
    if (!(error instanceof ClusterError)) throw error;
    return { ...result(fix, 'failed', error.message, attempts), error };
  }
}

/** Another writer's change left nothing to do (it did the fix), or made fix not apply any more. */
function afterConflict(
  fix: PlannedFix,
  again: ReturnType<typeof planWorkload>,
  attempts: number,
): FixResult {
  const skip = again.skipped[0];
  if (skip !== undefined)
    return result(fix, 'conflict', `the object changed meanwhile: ${skip.message}`, attempts);
  const note = again.unchanged[0]?.message ?? 'its containers are fresh or pinned';
  return result(
    fix,
    'unchanged',
    `the object changed meanwhile and needs nothing now: ${note}`,
    attempts,
  );
}

async function finish(
  fix: PlannedFix,
  after: LiveWorkload,
  attempts: number,
  dryRun: boolean,
  { writer, eventReason }: ApplyDeps,
): Promise<FixResult> {
  const resourceVersion = { before: fix.read.resourceVersion, after: after.resourceVersion };
  if (dryRun) {
    return {
      ...result(
        fix,
        'dry-run',
        'the API server accepted the patch (server-side dry run); nothing was changed',
        attempts,
      ),
      resourceVersion,
    };
  }
  const reason = eventReason ?? EVENT_REASONS[fix.strategy];
  let event: FixResult['event'] = { reason, recorded: true };
  try {
    await writer.recordEvent(after, { reason, message: eventMessage(fix), type: 'Normal' });
  } catch (error) {
    if (!(error instanceof ClusterError)) throw error;
    event = { reason, recorded: false, problem: error.message };
  }
  return {
    ...result(fix, 'applied', appliedMessage(fix), attempts),
    resourceVersion,
    event,
  };
}

function appliedMessage(fix: PlannedFix): string {
  const { kind } = fix.workload;
  if (kind === 'CronJob') return 'patched: the next runs use it';
  if (kind === 'ReplicaSet') return 'patched: new Pods use it; delete the old ones (see the note)';
  return 'patched: the rollout has started';
}

export function eventMessage(fix: PlannedFix): string {
  const parts = fix.containers.map((c) => {
    const policy =
      c.pullPolicy === undefined
        ? ''
        : `, imagePullPolicy ${c.pullPolicy.from ?? '(unset)'} → ${c.pullPolicy.to}`;
    if (fix.strategy === 'pin') return `container ${c.container}: ${c.from} → ${c.to}${policy}`;
    return `container ${c.container}: ${c.from} (${c.verdict}) → new Pods pull ${shortDigest(c.current)}${policy}`;
  });
  const verb = {
    pin: 'pinned',
    restart: 'restarted',
    'pull-always': 'set imagePullPolicy Always and restarted',
  }[fix.strategy];
  return `kube-fresh ${verb}: ${parts.join('; ')}`;
}

function result(
  fix: PlannedFix,
  outcome: FixResult['outcome'],
  message: string,
  attempts: number,
): FixResult {
  return {
    workload: fix.workload,
    outcome,
    message,
    attempts,
    containers: fix.containers,
    resourceVersion: undefined,
    event: undefined,
  };
}
