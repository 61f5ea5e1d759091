// Joining the listed objects into a snapshot: owners resolved, Pods filtered to the selected
// workloads, Events and ServiceAccounts narrowed to those Pods, and the pull Secrets they
// reference. Pure, so the joins are unit-tested without a cluster.

import type { CoreV1Event, V1Node, V1Pod, V1ServiceAccount } from '@kubernetes/client-node';
import type {
  SnapshotEvent,
  SnapshotNode,
  SnapshotPod,
  SnapshotServiceAccount,
  WorkloadSelector,
} from './cluster-snapshot.ts';
import {
  buildOwnerIndex,
  controllerOf,
  intermediateKindOf,
  resolveOwners,
  type IntermediateOwner,
} from '../owner-resolution.ts';
import type { SecretRef } from './pull-secret-reader.ts';
import { eventView, nodeView, podView, serviceAccountView } from './snapshot-views.ts';
import { podMatchesSelector } from '../../core/workload-kinds.ts';

export interface ListedObjects {
  readonly pods: readonly V1Pod[];
  /** undefined: the list failed (the failure is already a warning). */
  readonly replicaSets: readonly IntermediateOwner[] | undefined;
  readonly jobs: readonly IntermediateOwner[] | undefined;
  readonly nodes: readonly V1Node[] | undefined;
  readonly events: readonly CoreV1Event[] | undefined;
  readonly serviceAccounts: readonly V1ServiceAccount[] | undefined;
}

export interface AssembledSnapshot {
  readonly pods: SnapshotPod[];
  readonly nodes: SnapshotNode[];
  readonly events: SnapshotEvent[];
  readonly serviceAccounts: SnapshotServiceAccount[];
  readonly secretRefs: SecretRef[];
  /** Intermediate kinds some Pods needed but that could not be listed. */
  readonly unresolvedKinds: ('ReplicaSet' | 'Job')[];
}

export interface SelectedWorkload {
  readonly selector: WorkloadSelector;
  readonly namespace: string;
}

export function assembleSnapshot(
  listed: ListedObjects,
  selected: readonly SelectedWorkload[],
): AssembledSnapshot {
  const { pods, unresolvedKinds } = resolvePods(listed, selected);
  const serviceAccounts = accountsOf(pods, listed.serviceAccounts ?? []);
  return {
    pods,
    nodes: (listed.nodes ?? []).map(nodeView),
    events: eventsOf(pods, listed.events ?? []),
    serviceAccounts,
    secretRefs: [
      ...pods.flatMap((p) => p.imagePullSecrets.map((name) => ({ namespace: p.namespace, name }))),
      ...serviceAccounts.flatMap((a) =>
        a.imagePullSecrets.map((name) => ({ namespace: a.namespace, name })),
      ),
    ],
    unresolvedKinds,
  };
}

function resolvePods(
  listed: ListedObjects,
  selected: readonly SelectedWorkload[],
): { pods: SnapshotPod[]; unresolvedKinds: ('ReplicaSet' | 'Job')[] } {
  const unlisted = [
    ...(listed.replicaSets === undefined ? (['ReplicaSet'] as const) : []),
    ...(listed.jobs === undefined ? (['Job'] as const) : []),
  ];
  const index = buildOwnerIndex([...(listed.replicaSets ?? []), ...(listed.jobs ?? [])], unlisted);
  const unresolved = new Set<'ReplicaSet' | 'Job'>();
  const pods: SnapshotPod[] = [];
  for (const pod of listed.pods) {
    const meta = pod.metadata ?? {};
    const ownerReferences = meta.ownerReferences;
    const identity = {
      namespace: meta.namespace ?? '',
      name: meta.name ?? '',
      uid: meta.uid ?? '',
    };
    const view = podView(pod, resolveOwners({ ...identity, ownerReferences }, index));
    const needed = intermediateKindOf(controllerOf(ownerReferences));
    if (needed !== undefined && !index.listed(needed)) unresolved.add(needed);
    const wanted =
      selected.length === 0 ||
      selected.some((s) => podMatchesSelector(view, s.selector, s.namespace));
    if (wanted) pods.push(view);
  }
  return { pods, unresolvedKinds: [...unresolved] };
}

/** Events about the snapshot's Pods: by uid, or by namespace/name when an Event lacks one. */
function eventsOf(pods: readonly SnapshotPod[], events: readonly CoreV1Event[]): SnapshotEvent[] {
  const uids = new Set(pods.map((p) => p.uid));
  const keys = new Set(pods.map((p) => `${p.namespace}/${p.name}`));
  return events
    .filter((e) => {
      const o = e.involvedObject;
      return o.uid ? uids.has(o.uid) : keys.has(`${o.namespace ?? ''}/${o.name ?? ''}`);
    })
    .map(eventView);
}

/** The ServiceAccounts the Pods run as. */
function accountsOf(
  pods: readonly SnapshotPod[],
  accounts: readonly V1ServiceAccount[],
): SnapshotServiceAccount[] {
  const used = new Set(pods.map((p) => `${p.namespace}/${p.serviceAccountName}`));
  return accounts.map(serviceAccountView).filter((a) => used.has(`${a.namespace}/${a.name}`));
}

/** The warning for Pods whose owner chain stops early because a kind could not be listed. */
export function unresolvedOwnerWarning(kind: 'ReplicaSet' | 'Job'): string {
  return kind === 'ReplicaSet'
    ? 'ReplicaSets could not be listed: Pods of Deployments and Rollouts are reported under their ReplicaSet'
    : 'Jobs could not be listed: Pods of CronJobs are reported under their Job';
}
