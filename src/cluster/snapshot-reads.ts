// The lists a snapshot is made of, each paginated. ReplicaSets and Jobs are listed as
// PartialObjectMetadata: owner resolution needs only their ownerReferences, and a ReplicaSet's
// full pod template is most of its size (Deployments keep 10 old ReplicaSets each by default).

import {
  setHeaderOptions,
  type CoreV1Event,
  type V1Node,
  type V1ObjectMeta,
  type V1Pod,
  type V1ServiceAccount,
} from '@kubernetes/client-node';
import type { KubeApi } from './kube-api.ts';
import { listAllPages, PAGE_SIZE } from './list-pages.ts';
import type { IntermediateOwner } from './owner-resolution.ts';

export interface PodListScope {
  readonly namespace: string | undefined;
  readonly labelSelector?: string | undefined;
  readonly fieldSelector?: string | undefined;
}

export function listPods(api: KubeApi, scope: PodListScope): Promise<V1Pod[]> {
  const query = {
    labelSelector: scope.labelSelector,
    fieldSelector: scope.fieldSelector,
    limit: PAGE_SIZE,
  };
  return listAllPages((token) =>
    scope.namespace === undefined
      ? api.core.listPodForAllNamespaces({ ...query, _continue: token })
      : api.core.listNamespacedPod({ ...query, namespace: scope.namespace, _continue: token }),
  );
}

const METADATA_ONLY = () =>
  setHeaderOptions(
    'Accept',
    'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json',
  );

export async function listReplicaSetOwners(
  api: KubeApi,
  namespace: string | undefined,
): Promise<IntermediateOwner[]> {
  const items = await listAllPages((token) =>
    namespace === undefined
      ? api.apps.listReplicaSetForAllNamespaces(
          { limit: PAGE_SIZE, _continue: token },
          METADATA_ONLY(),
        )
      : api.apps.listNamespacedReplicaSet(
          { namespace, limit: PAGE_SIZE, _continue: token },
          METADATA_ONLY(),
        ),
  );
  return items.flatMap((item) => ownerOf(item.metadata));
}

export async function listJobOwners(
  api: KubeApi,
  namespace: string | undefined,
): Promise<IntermediateOwner[]> {
  const items = await listAllPages((token) =>
    namespace === undefined
      ? api.batch.listJobForAllNamespaces({ limit: PAGE_SIZE, _continue: token }, METADATA_ONLY())
      : api.batch.listNamespacedJob(
          { namespace, limit: PAGE_SIZE, _continue: token },
          METADATA_ONLY(),
        ),
  );
  return items.flatMap((item) => ownerOf(item.metadata));
}

export function ownerOf(metadata: V1ObjectMeta | undefined): IntermediateOwner[] {
  if (metadata?.uid === undefined) return [];
  return [{ uid: metadata.uid, ownerReferences: metadata.ownerReferences ?? [] }];
}

export function listNodes(api: KubeApi): Promise<V1Node[]> {
  return listAllPages((token) => api.core.listNode({ limit: PAGE_SIZE, _continue: token }));
}

/** Only Events about Pods: the API server filters on involvedObject.kind. */
export function listPodEvents(api: KubeApi, namespace: string | undefined): Promise<CoreV1Event[]> {
  const query = { fieldSelector: 'involvedObject.kind=Pod', limit: PAGE_SIZE };
  return listAllPages((token) =>
    namespace === undefined
      ? api.core.listEventForAllNamespaces({ ...query, _continue: token })
      : api.core.listNamespacedEvent({ ...query, namespace, _continue: token }),
  );
}

export function listServiceAccounts(
  api: KubeApi,
  namespace: string | undefined,
): Promise<V1ServiceAccount[]> {
  return listAllPages((token) =>
    namespace === undefined
      ? api.core.listServiceAccountForAllNamespaces({ limit: PAGE_SIZE, _continue: token })
      : api.core.listNamespacedServiceAccount({ namespace, limit: PAGE_SIZE, _continue: token }),
  );
}
