// The port `fix` changes the cluster through: read one workload as it is now, patch what was read
// (the read's resourceVersion is the precondition, so a concurrent writer is never overwritten),
// record an Event, and ask whether Argo Rollouts is installed. kube-workload-writer.ts is the
// client-node implementation; fake-workload-writer.ts the hand-written fake for use-case tests.

import type { ClusterTarget } from '../cluster-error.ts';
import type { OwnerReferenceView } from '../owner-resolution.ts';

/** A workload named by kind, namespace and name (kinds as in workload-kinds.ts). */
export interface WorkloadObjectRef {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

/** One container of the workload's Pod template (ephemeral containers never are in one). */
export interface TemplateContainer {
  readonly kind: 'init' | 'regular';
  readonly name: string;
  readonly image: string;
  readonly imagePullPolicy: string | undefined;
  /**
   * True when the applied configuration sets imagePullPolicy (kubectl apply's last-applied
   * annotation, or a server-side apply manager). False means it may be the API server's default:
   * managedFields of plain creates and updates own defaulted fields too, so they cannot tell.
   */
  readonly pullPolicyDeclared: boolean;
}

export interface LiveWorkload {
  readonly ref: WorkloadObjectRef;
  readonly apiVersion: string;
  readonly uid: string;
  readonly resourceVersion: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly ownerReferences: readonly OwnerReferenceView[];
  /** False for an object without a Pod template (an Argo Rollout using `workloadRef`). */
  readonly hasTemplate: boolean;
  readonly containers: readonly TemplateContainer[];
  readonly templateAnnotations: Readonly<Record<string, string>>;
  /** `spec.updateStrategy.type` (StatefulSet, DaemonSet): `OnDelete` does not roll. */
  readonly updateStrategy: string | undefined;
  /** `spec.paused` (Deployment, Rollout): a paused rollout waits for a resume. */
  readonly paused: boolean;
  /** The object as read: patch types that replace whole lists are built from it. */
  readonly raw: Readonly<Record<string, unknown>>;
}

export interface ContainerEdit {
  readonly name: string;
  readonly kind: 'init' | 'regular';
  readonly image?: string | undefined;
  readonly imagePullPolicy?: string | undefined;
}

/** What `fix` changes on one workload; everything else is left to the other field managers. */
export interface WorkloadChange {
  readonly containers: readonly ContainerEdit[];
  /** Set on the workload's own `metadata.annotations`. */
  readonly annotations: Readonly<Record<string, string>>;
  /** Set on the Pod template's `metadata.annotations` (a change there rolls the Pods). */
  readonly templateAnnotations: Readonly<Record<string, string>>;
}

export type PatchOutcome =
  | { readonly outcome: 'patched'; readonly workload: LiveWorkload }
  /** The object changed since it was read (HTTP 409): read it again and recompute. */
  | { readonly outcome: 'conflict' };

export interface WorkloadEvent {
  /** CamelCase, e.g. KubeFreshPinned. */
  readonly reason: string;
  readonly message: string;
  readonly type: 'Normal' | 'Warning';
}

export interface PatchOptions {
  /** Server-side dry run (`dryRun=All`): validated and admitted, never stored. */
  readonly dryRun: boolean;
}

export const FIELD_MANAGER = 'kube-fresh';

export interface WorkloadWriter {
  readonly target: ClusterTarget;
  /** Throws ClusterError (`not-found`, `forbidden`…). */
  getWorkload(ref: WorkloadObjectRef): Promise<LiveWorkload>;
  /**
   * Applies `change` to the object `read`, with `read.resourceVersion` as precondition and field
   * manager `kube-fresh`. A 409 is an outcome; any other refusal throws ClusterError.
   */
  patchWorkload(
    read: LiveWorkload,
    change: WorkloadChange,
    options: PatchOptions,
  ): Promise<PatchOutcome>;
  /** A core/v1 Event on the workload, from component and controller `kube-fresh`. */
  recordEvent(workload: LiveWorkload, event: WorkloadEvent): Promise<void>;
  /** Whether the API server serves argoproj.io/v1alpha1 rollouts (the CRD is installed). */
  rolloutsInstalled(): Promise<boolean>;
}
