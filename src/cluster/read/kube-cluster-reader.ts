// ClusterReader over @kubernetes/client-node. A snapshot is six independent paginated lists run in
// parallel (Pods, ReplicaSets, Jobs, Nodes, Pod Events, ServiceAccounts), then the referenced
// pull Secrets: a fixed number of requests per page, never one per Pod. Only the Pod list is
// essential; any other list that RBAC or the server refuses becomes a warning.

import { toClusterError } from '../connection/api-failure.ts';
import { ClusterError, type ClusterTarget } from '../cluster-error.ts';
import type { ClusterReader, RequestStats } from './cluster-reader.ts';
import type { ClusterSnapshot, SnapshotPod, SnapshotScope } from './cluster-snapshot.ts';
import type { KubeApi } from '../connection/kube-api.ts';
import { readPullSecrets } from './pull-secret-reader.ts';
import {
  assembleSnapshot,
  unresolvedOwnerWarning,
  type SelectedWorkload,
} from './snapshot-assembly.ts';
import {
  listJobOwners,
  listNodes,
  listPodEvents,
  listPods,
  listReplicaSetOwners,
  listServiceAccounts,
} from './snapshot-reads.ts';
import { readPodWithOwners, verifyWorkloadsExist } from './workload-lookup.ts';

type Attempt<T> = { readonly value: T } | { readonly failure: ClusterError };

export class KubeClusterReader implements ClusterReader {
  readonly #api: KubeApi;
  readonly #now: () => Date;

  constructor(api: KubeApi, now: () => Date = () => new Date()) {
    this.#api = api;
    this.#now = now;
  }

  get target(): ClusterTarget {
    return this.#api.target;
  }

  async readSnapshot(scope: SnapshotScope): Promise<ClusterSnapshot> {
    const api = this.#api;
    const selected: SelectedWorkload[] = (scope.workloads ?? []).map((selector) => ({
      selector,
      namespace: selector.namespace ?? scope.namespace ?? api.target.namespace,
    }));
    await verifyWorkloadsExist(api, selected);
    const namespace = listNamespace(scope, selected);
    const where = namespace === undefined ? 'in all namespaces' : `in namespace "${namespace}"`;
    const readAt = this.#now().toISOString();
    const [pods, replicaSets, jobs, nodes, events, serviceAccounts] = await Promise.all([
      this.#essential(`list Pods ${where}`, () =>
        listPods(api, { namespace, labelSelector: scope.labelSelector }),
      ),
      this.#attempt(`list ReplicaSets ${where}`, () => listReplicaSetOwners(api, namespace)),
      this.#attempt(`list Jobs ${where}`, () => listJobOwners(api, namespace)),
      this.#attempt('list Nodes', () => listNodes(api)),
      this.#attempt(`list Events ${where}`, () => listPodEvents(api, namespace)),
      this.#attempt(`list ServiceAccounts ${where}`, () => listServiceAccounts(api, namespace)),
    ]);
    const assembled = assembleSnapshot(
      {
        pods,
        replicaSets: valueOf(replicaSets),
        jobs: valueOf(jobs),
        nodes: valueOf(nodes),
        events: valueOf(events),
        serviceAccounts: valueOf(serviceAccounts),
      },
      selected,
    );
    const secrets = await readPullSecrets(api, assembled.secretRefs, namespace);
    const warnings = [
      ...assembled.unresolvedKinds.map((kind) => {
        const failure = kind === 'ReplicaSet' ? replicaSets : jobs;
        return `${unresolvedOwnerWarning(kind)} (${'failure' in failure ? failure.failure.message : 'not listed'})`;
      }),
      ...degraded(nodes, 'node platforms and cached images are unknown'),
      ...degraded(events, 'image pull Events are unknown'),
      ...degraded(serviceAccounts, 'ServiceAccount pull secrets are unknown'),
      ...secrets.warnings,
    ];
    return {
      target: api.target,
      readAt,
      pods: assembled.pods,
      nodes: assembled.nodes,
      events: assembled.events,
      serviceAccounts: assembled.serviceAccounts,
      pullSecrets: secrets.secrets,
      warnings,
    };
  }

  readPod(namespace: string, name: string): Promise<SnapshotPod> {
    return readPodWithOwners(this.#api, namespace, name);
  }

  stats(): RequestStats {
    return this.#api.recorder.stats();
  }

  close(): Promise<void> {
    // client-node 1.4 makes a fresh non-keep-alive agent per request: nothing stays open.
    return Promise.resolve();
  }

  async #essential<T>(action: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw toClusterError(error, action, this.#api.target);
    }
  }

  /** Refusals (403, 404, 5xx) become a failure value; no answer at all still throws. */
  async #attempt<T>(action: string, run: () => Promise<T>): Promise<Attempt<T>> {
    try {
      return { value: await run() };
    } catch (error) {
      const mapped = toClusterError(error, action, this.#api.target);
      const refused =
        mapped instanceof ClusterError &&
        ['forbidden', 'not-found', 'server-error', 'bad-answer'].includes(mapped.failure);
      if (!refused) throw mapped;
      return { failure: mapped };
    }
  }
}

/** Pods of selected workloads in one namespace are listed there, not cluster-wide. */
function listNamespace(
  scope: SnapshotScope,
  selected: readonly SelectedWorkload[],
): string | undefined {
  if (scope.namespace !== undefined) return scope.namespace;
  const namespaces = new Set(selected.map((s) => s.namespace));
  return namespaces.size === 1 ? [...namespaces][0] : undefined;
}

function valueOf<T>(attempt: Attempt<T>): T | undefined {
  return 'value' in attempt ? attempt.value : undefined;
}

function degraded(attempt: Attempt<unknown>, consequence: string): string[] {
  return 'failure' in attempt ? [`${attempt.failure.message}; ${consequence}`] : [];
}
