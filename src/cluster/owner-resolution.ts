// Resolving a Pod's owner chain to the workload a user thinks in, from ReplicaSets and Jobs that
// were listed once (never fetched per Pod): Pod → ReplicaSet → Deployment (or Argo Rollout),
// Pod → Job → CronJob, and one step for StatefulSet, DaemonSet, ReplicationController and any
// custom controller.

import type { WorkloadRef } from './read/cluster-snapshot.ts';

export interface OwnerReferenceView {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly uid: string;
  readonly controller?: boolean | undefined;
}

/** A listed ReplicaSet or Job: just what owner resolution needs (its metadata). */
export interface IntermediateOwner {
  readonly uid: string;
  readonly ownerReferences: readonly OwnerReferenceView[];
}

export interface OwnerIndex {
  /** ReplicaSets and Jobs by uid. */
  get(uid: string): IntermediateOwner | undefined;
  /** False when the kind could not be listed (e.g. RBAC): its Pods stay under it. */
  listed(kind: 'ReplicaSet' | 'Job'): boolean;
}

export interface ResolvedOwners {
  readonly workload: WorkloadRef;
  readonly controller: WorkloadRef | undefined;
}

/** Kinds whose own controller owner is the real workload. */
const INTERMEDIATE: Readonly<Record<string, 'ReplicaSet' | 'Job'>> = {
  'apps/v1/ReplicaSet': 'ReplicaSet',
  'batch/v1/Job': 'Job',
};

/**
 * The controller ownerReference (`controller: true`) decides, as it does for the garbage
 * collector and kubectl; a lone non-controller reference is taken as a fallback because some
 * operators forget the flag.
 */
export function controllerOf(
  refs: readonly OwnerReferenceView[] | undefined,
): OwnerReferenceView | undefined {
  if (refs === undefined || refs.length === 0) return undefined;
  return refs.find((ref) => ref.controller === true) ?? (refs.length === 1 ? refs[0] : undefined);
}

export function resolveOwners(
  pod: {
    readonly namespace: string;
    readonly name: string;
    readonly uid: string;
    readonly ownerReferences: readonly OwnerReferenceView[] | undefined;
  },
  index: OwnerIndex,
): ResolvedOwners {
  const direct = controllerOf(pod.ownerReferences);
  if (direct === undefined) {
    return {
      workload: {
        kind: 'Pod',
        apiVersion: 'v1',
        name: pod.name,
        namespace: pod.namespace,
        uid: pod.uid,
      },
      controller: undefined,
    };
  }
  const directRef = toRef(direct, pod.namespace);
  const intermediate = INTERMEDIATE[`${direct.apiVersion}/${direct.kind}`];
  const owner = intermediate === undefined ? undefined : index.get(direct.uid);
  const top = owner === undefined ? undefined : controllerOf(owner.ownerReferences);
  if (top === undefined) return { workload: directRef, controller: undefined };
  return { workload: toRef(top, pod.namespace), controller: directRef };
}

/** Which intermediate kinds the Pods need, so callers can warn when one could not be listed. */
export function intermediateKindOf(
  ref: OwnerReferenceView | undefined,
): 'ReplicaSet' | 'Job' | undefined {
  return ref === undefined ? undefined : INTERMEDIATE[`${ref.apiVersion}/${ref.kind}`];
}

function toRef(ref: OwnerReferenceView, namespace: string): WorkloadRef {
  return { kind: ref.kind, apiVersion: ref.apiVersion, name: ref.name, namespace, uid: ref.uid };
}

/** An index over listed owners; `unlisted` names kinds whose list failed. */
export function buildOwnerIndex(
  owners: readonly IntermediateOwner[],
  unlisted: readonly ('ReplicaSet' | 'Job')[] = [],
): OwnerIndex {
  const byUid = new Map(owners.map((owner) => [owner.uid, owner]));
  return { get: (uid) => byUid.get(uid), listed: (kind) => !unlisted.includes(kind) };
}
