// The values `fix` (live mode) plans and reports: what will change on which workload and why, what
// cannot be fixed and why, and what happened when the patches were sent.

import type { PullPolicy } from '../../core/pull-policy.ts';
import type { ClusterError, ClusterTarget } from '../../cluster/cluster-error.ts';
import type { LiveWorkload, WorkloadChange } from '../../cluster/write/workload-writer.ts';
import type { WorkloadContainerReport } from '../workload-report.ts';

export const FIX_STRATEGIES = ['pin', 'restart', 'pull-always'] as const;
export type FixStrategy = (typeof FIX_STRATEGIES)[number];

export interface WorkloadId {
  readonly namespace: string;
  readonly kind: string;
  readonly name: string;
}

/** One container of a planned fix. For restart and pull-always, `to` equals `from`. */
export interface ContainerFix {
  readonly container: string;
  readonly containerKind: 'init' | 'regular';
  readonly verdict: 'stale' | 'mixed' | 'pinned-behind';
  readonly from: string;
  readonly to: string;
  /** What the tag points to now. */
  readonly current: string;
  readonly pullPolicy: { readonly from: string | undefined; readonly to: PullPolicy } | undefined;
}

export interface PlannedFix {
  readonly workload: WorkloadId;
  readonly strategy: FixStrategy;
  readonly containers: readonly ContainerFix[];
  /** Per object: e.g. managed by Argo CD, so a live patch will be reverted. */
  readonly warnings: readonly string[];
  /** What happens next: a ReplicaSet's Pods must be deleted, a paused Deployment resumed… */
  readonly notes: readonly string[];
  /** The object the change was computed from: its resourceVersion is the precondition. */
  readonly read: LiveWorkload;
  readonly change: WorkloadChange;
  /** The verdicts behind the fix, kept to recompute it when the object changed meanwhile. */
  readonly evidence: readonly WorkloadContainerReport[];
}

/**
 * Why a target is not fixed: `unknown` verdict, a strategy `refused` because it would not help,
 * a `manual` step (bare Pod, Job), an `unsupported-kind`, the Argo Rollouts CRD missing, a
 * ReplicaSet `controlled` by another object, a Rollout with `no-template`, or an object that
 * could not be read (`unreadable`, with the cluster error).
 */
export type SkipReason =
  | 'unknown'
  | 'refused'
  | 'manual'
  | 'unsupported-kind'
  | 'crd-missing'
  | 'controlled'
  | 'no-template'
  | 'unreadable';

export interface SkippedTarget {
  readonly workload: WorkloadId;
  readonly container: string | undefined;
  readonly reason: SkipReason;
  readonly message: string;
  /** The manual step, when there is one. */
  readonly command?: string | undefined;
  readonly error?: ClusterError | undefined;
}

/** Stale Pods whose fix is already under way (the template already says what fix would set). */
export interface UnchangedTarget {
  readonly workload: WorkloadId;
  readonly container: string;
  readonly message: string;
}

export interface FixPlan {
  readonly target: ClusterTarget;
  readonly strategy: FixStrategy;
  readonly dryRun: boolean;
  readonly fixes: readonly PlannedFix[];
  readonly skipped: readonly SkippedTarget[];
  readonly unchanged: readonly UnchangedTarget[];
  /** Workload containers that are fresh or pinned: nothing to do. */
  readonly upToDate: number;
  /** Degraded reads and strategy-wide warnings, one line each. */
  readonly warnings: readonly string[];
}

/**
 * `applied`; `dry-run` (the server accepted it, nothing stored); `unchanged` (after a conflict the
 * re-read object needed nothing); `conflict` (the object kept changing, or changed into something
 * fix no longer applies to); `failed` (the API server refused, e.g. forbidden); `declined` (the
 * user answered no).
 */
export type FixOutcome = 'applied' | 'dry-run' | 'unchanged' | 'conflict' | 'failed' | 'declined';

export interface FixResult {
  readonly workload: WorkloadId;
  readonly outcome: FixOutcome;
  readonly message: string;
  /** PATCH requests sent (more than one after a conflict). */
  readonly attempts: number;
  /** The containers as finally patched (recomputed after a conflict). */
  readonly containers: readonly ContainerFix[];
  readonly resourceVersion: { readonly before: string; readonly after: string } | undefined;
  readonly event:
    | { readonly reason: string; readonly recorded: boolean; readonly problem?: string | undefined }
    | undefined;
  readonly error?: ClusterError | undefined;
}

export interface FixSummary {
  readonly strategy: FixStrategy;
  readonly dryRun: boolean;
  /** Workloads in the plan. */
  readonly planned: number;
  readonly applied: number;
  readonly dryRunAccepted: number;
  readonly unchanged: number;
  /** Targets not fixed: skipped, declined, unresolved conflicts. */
  readonly notFixed: number;
  /** Patches the API server refused. */
  readonly failed: number;
  readonly upToDate: number;
}
