// What the cluster adapter reports: a trimmed, typed view of the objects kube-fresh judges,
// with timestamps as ISO strings (client-node hands out Date objects; raw JSON has strings).

import type { WorkloadRef, WorkloadSelector } from '../../core/workload-kinds.ts';
import type { ClusterTarget } from '../cluster-error.ts';

// The workload types are the domain's (core); re-exported for the adapter's users.
export type { WorkloadRef, WorkloadSelector } from '../../core/workload-kinds.ts';

export type ContainerKind = 'init' | 'regular' | 'ephemeral';

export interface ContainerState {
  readonly state: 'waiting' | 'running' | 'terminated' | 'unknown';
  /** waiting: ContainerCreating, ErrImagePull, ImagePullBackOff…; terminated: Completed, Error… */
  readonly reason: string | undefined;
  readonly message: string | undefined;
  readonly startedAt: string | undefined;
  readonly finishedAt: string | undefined;
  readonly exitCode: number | undefined;
}

/** containerStatuses[] (semantics doc §4.1): what the runtime reports for one container. */
export interface ContainerStatusView {
  /** The runtime's image name: a repo tag, `sha256:<config>` (containerd), or the spec string. */
  readonly image: string;
  /** `repo@sha256:…`, `sha256:<config>`, bare 64-hex (CRI-O), docker-pullable://…; '' before creation. */
  readonly imageID: string;
  readonly containerID: string | undefined;
  readonly ready: boolean;
  readonly started: boolean | undefined;
  readonly restartCount: number;
  readonly current: ContainerState;
  readonly last: ContainerState | undefined;
}

export interface SnapshotContainer {
  readonly kind: ContainerKind;
  readonly name: string;
  /** The image string exactly as the Pod spec has it. */
  readonly image: string;
  /** As stored in the Pod (the API server always defaults it). */
  readonly imagePullPolicy: string | undefined;
  /** `Always` on an init container makes it a sidecar. */
  readonly restartPolicy: string | undefined;
  readonly status: ContainerStatusView | undefined;
}

export interface SnapshotPod {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly createdAt: string | undefined;
  readonly nodeName: string | undefined;
  readonly phase: string | undefined;
  /** Being deleted (metadata.deletionTimestamp set): about to go, so not judged. */
  readonly terminating?: boolean;
  readonly serviceAccountName: string;
  /** spec.imagePullSecrets names (the ServiceAccount's were copied in at creation). */
  readonly imagePullSecrets: readonly string[];
  /** Init, regular and ephemeral containers, in spec order, each with its status. */
  readonly containers: readonly SnapshotContainer[];
  readonly workload: WorkloadRef;
  /** The direct controller (e.g. the ReplicaSet) when it differs from the workload. */
  readonly controller: WorkloadRef | undefined;
}

export interface NodeImage {
  /** RepoDigests then RepoTags, at most 5 (semantics doc §4.3). */
  readonly names: readonly string[];
  readonly sizeBytes: number | undefined;
}

export interface SnapshotNode {
  readonly name: string;
  readonly architecture: string | undefined;
  readonly operatingSystem: string | undefined;
  /** On Windows, the host build (`10.0.20348.2340`) containerd matches `os.version` against. */
  readonly kernelVersion?: string | undefined;
  readonly kubeletVersion: string | undefined;
  readonly containerRuntimeVersion: string | undefined;
  readonly ready: boolean | undefined;
  /** At most 50 entries, largest first: absence does not prove an image is not cached. */
  readonly images: readonly NodeImage[];
}

export interface SnapshotEvent {
  readonly namespace: string;
  readonly name: string;
  readonly reason: string | undefined;
  readonly message: string | undefined;
  /** Normal or Warning. */
  readonly type: string | undefined;
  readonly count: number | undefined;
  readonly firstTimestamp: string | undefined;
  readonly lastTimestamp: string | undefined;
  readonly eventTime: string | undefined;
  readonly involvedObject: {
    readonly kind: string | undefined;
    readonly name: string | undefined;
    readonly namespace: string | undefined;
    readonly uid: string | undefined;
    /** `spec.containers{app}`, `spec.initContainers{init}`… */
    readonly fieldPath: string | undefined;
  };
  readonly source: { readonly component: string | undefined; readonly host: string | undefined };
  readonly reportingController: string | undefined;
  readonly reportingInstance: string | undefined;
}

export interface SnapshotServiceAccount {
  readonly namespace: string;
  readonly name: string;
  readonly imagePullSecrets: readonly string[];
}

/** A pull secret the Pods reference, decoded; only its docker-config keys are kept. */
export interface PullSecret {
  readonly namespace: string;
  readonly name: string;
  readonly type: string;
  readonly data: Readonly<{ '.dockerconfigjson'?: string; '.dockercfg'?: string }>;
}

export interface SnapshotScope {
  /** undefined = all namespaces. */
  readonly namespace?: string | undefined;
  readonly labelSelector?: string | undefined;
  /** Only Pods of these workloads; each must exist (else a not-found ClusterError). */
  readonly workloads?: readonly WorkloadSelector[] | undefined;
}

export interface ClusterSnapshot {
  readonly target: ClusterTarget;
  readonly readAt: string;
  readonly pods: readonly SnapshotPod[];
  readonly nodes: readonly SnapshotNode[];
  /** Events whose involved object is one of the Pods. */
  readonly events: readonly SnapshotEvent[];
  /** The ServiceAccounts the Pods run as. */
  readonly serviceAccounts: readonly SnapshotServiceAccount[];
  readonly pullSecrets: readonly PullSecret[];
  /** Degraded reads (e.g. Secrets forbidden), one line each. */
  readonly warnings: readonly string[];
}
