// Single-object reads for `explain`: does the named workload exist, and one Pod with its owner
// chain (two GETs at most: the Pod, then its ReplicaSet or Job).

import { setHeaderOptions } from '@kubernetes/client-node';
import { UsageError } from '../../core/errors.ts';
import { isForbidden, isNotFound, toClusterError } from '../connection/api-failure.ts';
import type { SnapshotPod } from './cluster-snapshot.ts';
import type { KubeApi } from '../connection/kube-api.ts';
import {
  buildOwnerIndex,
  controllerOf,
  intermediateKindOf,
  resolveOwners,
} from '../owner-resolution.ts';
import type { SelectedWorkload } from './snapshot-assembly.ts';
import { ownerOf } from './snapshot-reads.ts';
import { podView } from './snapshot-views.ts';
import { workloadKindInfo } from '../../core/workload-kinds.ts';

const METADATA_ONLY = () =>
  setHeaderOptions(
    'Accept',
    'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json',
  );

/** Throws a not-found ClusterError naming the first selected workload that does not exist. */
export async function verifyWorkloadsExist(
  api: KubeApi,
  selected: readonly SelectedWorkload[],
): Promise<void> {
  for (const { selector, namespace } of selected) {
    const info = workloadKindInfo(selector.kind);
    if (info === undefined) throw new UsageError(`unknown workload kind ${selector.kind}`);
    const action = `get ${info.kind} "${selector.name}" in namespace "${namespace}"`;
    try {
      if (info.kind === 'Pod')
        await api.core.readNamespacedPod({ name: selector.name, namespace }, METADATA_ONLY());
      else if (info.group === '')
        await api.core.readNamespacedReplicationController(
          { name: selector.name, namespace },
          METADATA_ONLY(),
        );
      else {
        await api.custom.getNamespacedCustomObject(
          {
            group: info.group,
            version: info.version,
            namespace,
            plural: info.plural,
            name: selector.name,
          },
          METADATA_ONLY(),
        );
      }
    } catch (error) {
      throw toClusterError(error, action, api.target);
    }
  }
}

export async function readPodWithOwners(
  api: KubeApi,
  namespace: string,
  name: string,
): Promise<SnapshotPod> {
  let pod;
  try {
    pod = await api.core.readNamespacedPod({ namespace, name });
  } catch (error) {
    throw toClusterError(error, `get Pod "${name}" in namespace "${namespace}"`, api.target);
  }
  const refs = pod.metadata?.ownerReferences;
  const direct = controllerOf(refs);
  const kind = intermediateKindOf(direct);
  const owners =
    direct === undefined || kind === undefined
      ? []
      : await readOwnerMetadata(api, kind, namespace, direct.name);
  const resolved = resolveOwners(
    { namespace, name, uid: pod.metadata?.uid ?? '', ownerReferences: refs },
    buildOwnerIndex(owners),
  );
  return podView(pod, resolved);
}

/** The ReplicaSet's or Job's metadata; none when it is gone or unreadable (the Pod stays under it). */
async function readOwnerMetadata(
  api: KubeApi,
  kind: 'ReplicaSet' | 'Job',
  namespace: string,
  name: string,
) {
  try {
    const object =
      kind === 'ReplicaSet'
        ? await api.apps.readNamespacedReplicaSet({ namespace, name }, METADATA_ONLY())
        : await api.batch.readNamespacedJob({ namespace, name }, METADATA_ONLY());
    return ownerOf(object.metadata);
  } catch (error) {
    if (isNotFound(error) || isForbidden(error)) return [];
    throw toClusterError(error, `get ${kind} "${name}" in namespace "${namespace}"`, api.target);
  }
}
