// The controller's connection: one resolved kubeconfig (or in-cluster ServiceAccount), one
// KubeApi — one request budget and one credential source — behind the watches and the writer.
// Loads @kubernetes/client-node: import lazily.

import { openKubeApi, type ConnectionSettings } from '../connection/connect-cluster.ts';
import type { KubeApi } from '../connection/kube-api.ts';
import { KubeWorkloadWriter } from '../write/kube-workload-writer.ts';
import type { WorkloadWriter } from '../write/workload-writer.ts';
import { ClusterWatches, type WatchHooks, type WatchScope } from './cluster-watches.ts';
import type { ReflectorOptions } from './reflector.ts';

export interface WatchedCluster {
  readonly api: KubeApi;
  readonly writer: WorkloadWriter;
  readonly watches: ClusterWatches;
}

export async function connectWatchedCluster(
  settings: ConnectionSettings,
  scope: Omit<WatchScope, 'rollouts'>,
  hooks: WatchHooks,
  options?: ReflectorOptions,
): Promise<WatchedCluster> {
  const api = await openKubeApi(settings);
  const writer = new KubeWorkloadWriter(api);
  const rollouts = await writer.rolloutsInstalled();
  const watches = new ClusterWatches(api, { ...scope, rollouts }, hooks, options);
  return { api, writer, watches };
}
