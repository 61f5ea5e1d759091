// What `explain` returns: the story of one workload's images, per container and per Pod.

import type { WorkloadVerdict } from '../../core/container-verdict.ts';
import type { WorkloadRef } from '../../cluster/read/cluster-snapshot.ts';
import type { StatusReport } from '../check-workloads.ts';
import type { ReplicaReport, WorkloadContainerReport } from '../workload-report.ts';
import type { FixOption } from './fix-options.ts';
import type { ImageEvent } from './pod-image-events.ts';

export interface ExplainReport {
  readonly target: StatusReport['target'];
  readonly workload: WorkloadRef;
  /** The Pod asked about, when the target was a Pod. */
  readonly pod: string | undefined;
  readonly containers: readonly ContainerExplanation[];
  readonly warnings: readonly string[];
}

export interface ContainerExplanation {
  readonly container: string;
  readonly containerKind: WorkloadContainerReport['containerKind'];
  readonly image: string;
  readonly repository: string | undefined;
  readonly tag: string | undefined;
  readonly pinnedDigest: string | undefined;
  readonly policy: WorkloadContainerReport['policy'];
  readonly current: string | undefined;
  readonly verdict: WorkloadVerdict;
  readonly cause: readonly string[];
  readonly pods: readonly PodExplanation[];
  readonly nodeRisks: WorkloadContainerReport['nodeRisks'];
  readonly fixes: readonly FixOption[];
}

export interface PodExplanation {
  readonly pod: string;
  readonly node: string | undefined;
  readonly running: string | undefined;
  readonly runtimeImage: string | undefined;
  /** As in the status report: `(assumed)` marks a variant nodeInfo did not report. */
  readonly nodePlatform?: string | undefined;
  readonly kubeletVersion?: string | undefined;
  readonly pullSecrets?: readonly string[] | undefined;
  readonly since: string | undefined;
  readonly verdict: ReplicaReport['verdict'];
  readonly events: readonly ImageEvent[];
}
