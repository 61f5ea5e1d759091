// The plan for one workload read from the cluster: each template container's decision, the patch
// (images or pull policies, kube-fresh.io annotations, the restart annotation), the GitOps warning
// and what the user must still do. Pure: the same function recomputes a fix after a conflict.

import { gitOpsManagerOf, gitOpsWarning } from '../../core/gitops-management.ts';
import type { LiveWorkload, WorkloadChange } from '../../cluster/write/workload-writer.ts';
import { decideContainer, RESTARTED_AT, isActionable } from './decide-container.ts';
import type {
  ContainerFix,
  FixStrategy,
  PlannedFix,
  SkippedTarget,
  UnchangedTarget,
  WorkloadId,
} from './fix-types.ts';
import type { WorkloadContainerReport } from '../workload-report.ts';

export const PINNED_ANNOTATION = 'kube-fresh.io/pinned';
export const FIXED_BY_ANNOTATION = 'kube-fresh.io/fixed-by';

export interface WorkloadPlan {
  readonly fix: PlannedFix | undefined;
  readonly skipped: readonly SkippedTarget[];
  readonly unchanged: readonly UnchangedTarget[];
  readonly upToDate: number;
}

export interface WorkloadPlanInput {
  readonly read: LiveWorkload;
  readonly reports: readonly WorkloadContainerReport[];
  readonly strategy: FixStrategy;
  readonly now: Date;
}

export function planWorkload(input: WorkloadPlanInput): WorkloadPlan {
  const { read, reports, strategy } = input;
  const workload: WorkloadId = read.ref;
  const refusal = refuseObject(read);
  if (refusal !== undefined)
    return { fix: undefined, skipped: [refusal], unchanged: [], upToDate: 0 };
  const fixes: ContainerFix[] = [];
  const skipped: SkippedTarget[] = [];
  const unchanged: UnchangedTarget[] = [];
  let upToDate = 0;
  for (const container of read.containers) {
    const decided = decideContainer({
      container,
      reports,
      strategy,
      templateAnnotations: read.templateAnnotations,
    });
    if (decided.decision === 'fix') fixes.push(decided.fix);
    else if (decided.decision === 'up-to-date') upToDate++;
    else if (decided.decision === 'skip')
      skipped.push({
        workload,
        container: container.name,
        reason: decided.reason,
        message: decided.message,
      });
    else if (decided.decision === 'unchanged') {
      const message = decided.pending
        ? `${decided.message}: ${whatReplacesPods(read, reports)}`
        : decided.message;
      unchanged.push({ workload, container: container.name, message });
    }
  }
  if (fixes.length === 0) return { fix: undefined, skipped, unchanged, upToDate };
  const manager = gitOpsManagerOf(read);
  const fix: PlannedFix = {
    workload,
    strategy,
    containers: fixes,
    warnings: manager === undefined ? [] : [gitOpsWarning(manager)],
    notes: notesFor(read, fixes, reports),
    read,
    change: changeFor(read, fixes, strategy, input.now),
    evidence: reports,
  };
  return { fix, skipped, unchanged, upToDate };
}

/** Objects fix does not patch at all, whatever their containers say. */
function refuseObject(read: LiveWorkload): SkippedTarget | undefined {
  const workload: WorkloadId = read.ref;
  const controller = read.ownerReferences.find((o) => o.controller === true);
  if (controller !== undefined) {
    return {
      workload,
      container: undefined,
      reason: 'controlled',
      message: `${read.ref.kind} ${read.ref.name} is controlled by ${controller.kind} ${controller.name}, which would undo a patch: fix ${controller.kind.toLowerCase()}/${controller.name} instead`,
    };
  }
  if (!read.hasTemplate) {
    return {
      workload,
      container: undefined,
      reason: 'no-template',
      message: `${read.ref.kind} ${read.ref.name} has no Pod template (a Rollout with workloadRef?): fix the workload it references`,
    };
  }
  return undefined;
}

function changeFor(
  read: LiveWorkload,
  fixes: readonly ContainerFix[],
  strategy: FixStrategy,
  now: Date,
): WorkloadChange {
  const at = rfc3339(now);
  return {
    containers: fixes.map((f) => ({
      name: f.container,
      kind: f.containerKind,
      image: strategy === 'pin' ? f.to : undefined,
      imagePullPolicy: f.pullPolicy?.to,
    })),
    annotations: {
      ...(strategy === 'pin'
        ? { [PINNED_ANNOTATION]: mergePinned(read.annotations[PINNED_ANNOTATION], fixes, at) }
        : {}),
      [FIXED_BY_ANNOTATION]: strategy,
    },
    // kubectl rollout restart's annotation, in its format (RFC 3339, seconds, UTC here).
    templateAnnotations: strategy === 'pin' ? {} : { [RESTARTED_AT]: at },
  };
}

interface PinRecord {
  from: string;
  to: string;
  at: string;
}

/**
 * `{"<container>": {from, to, at}}`, merged into what is there. Re-pinning a container that still
 * carries kube-fresh's last pin keeps its first `from`, so the annotation always names the
 * reference the user wrote.
 */
export function mergePinned(
  existing: string | undefined,
  fixes: readonly ContainerFix[],
  at: string,
): string {
  const records: Record<string, PinRecord> = parsePinned(existing);
  for (const f of fixes) {
    const previous = records[f.container];
    const from = previous !== undefined && previous.to === f.from ? previous.from : f.from;
    records[f.container] = { from, to: f.to, at };
  }
  return JSON.stringify(records);
}

function parsePinned(text: string | undefined): Record<string, PinRecord> {
  try {
    const value: unknown = JSON.parse(text ?? '{}');
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
    const records: Record<string, PinRecord> = {};
    for (const [name, record] of Object.entries(value as Record<string, Partial<PinRecord>>)) {
      if (typeof record?.from === 'string' && typeof record.to === 'string')
        records[name] = { from: record.from, to: record.to, at: String(record.at ?? '') };
    }
    return records;
  } catch {
    return {};
  }
}

/** Who replaces the Pods that still run an older image, once the template is right. */
function whatReplacesPods(read: LiveWorkload, reports: readonly WorkloadContainerReport[]): string {
  if (read.ref.kind === 'CronJob')
    return 'the next runs use it; Jobs already created keep their image';
  const stale = stalePods(reports);
  if (keepsPods(read) && stale.length > 0)
    return `the Pods that run an older image keep it until deleted: kubectl -n ${read.ref.namespace} delete pod ${stale.join(' ')}`;
  return 'the rollout is replacing the Pods that run an older image';
}

/** A bare ReplicaSet and an OnDelete update strategy never replace running Pods themselves. */
function keepsPods(read: LiveWorkload): boolean {
  return read.ref.kind === 'ReplicaSet' || read.updateStrategy === 'OnDelete';
}

function stalePods(reports: readonly WorkloadContainerReport[]): string[] {
  const names = reports.flatMap((r) =>
    isActionable(r.verdict) ? r.replicas.map((p) => p.pod.name) : [],
  );
  return [...new Set(names)].sort();
}

function notesFor(
  read: LiveWorkload,
  fixes: readonly ContainerFix[],
  reports: readonly WorkloadContainerReport[],
): string[] {
  const { kind, name, namespace } = read.ref;
  const notes: string[] = [];
  for (const f of fixes) {
    if (f.pullPolicy?.to === 'IfNotPresent')
      notes.push(
        `${f.container}: imagePullPolicy Always → IfNotPresent: Always was the API server's default for :latest, and a digest never needs the registry again`,
      );
  }
  const stale = stalePods(reports);
  if (keepsPods(read) && stale.length > 0) {
    const why =
      kind === 'ReplicaSet' ? 'a ReplicaSet does not replace its Pods' : 'updateStrategy OnDelete';
    notes.push(
      `${why}: the running Pods keep the old image until deleted: kubectl -n ${namespace} delete pod ${stale.join(' ')}`,
    );
  }
  if (kind === 'CronJob')
    notes.push('affects the next runs; Jobs already created keep their image');
  if (read.paused) {
    const resume =
      kind === 'Rollout'
        ? `kubectl argo rollouts resume -n ${namespace} ${name}`
        : `kubectl -n ${namespace} rollout resume ${kind.toLowerCase()}/${name}`;
    notes.push(`the rollout is paused: it starts at ${resume}`);
  }
  return notes;
}

/** RFC 3339 in UTC to the second, as kubectl writes restartedAt. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
