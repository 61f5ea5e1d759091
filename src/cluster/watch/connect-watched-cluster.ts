// The controller's connection: one resolved kubeconfig (or in-cluster ServiceAccount), one
// KubeApi — one request budget and one credential source — behind the watches and the writer.
// Loads @kubernetes/client-node: import lazily.

import {
  DEFAULT_REQUEST_TIMEOUT_MS,
  type ConnectionSettings,
} from '../connection/connect-cluster.ts';
import { createKubeApi, type KubeApi } from '../connection/kube-api.ts';
import { KubeWorkloadWriter } from '../write/kube-workload-writer.ts';
import { resolveConnection } from '../connection/kubeconfig-loader.ts';
import { DEFAULT_BUDGET } from '../connection/request-budget.ts';
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
  const connection = await resolveConnection(settings.sources, settings.selection);
  const api = createKubeApi(connection, {
    budget: settings.budget ?? DEFAULT_BUDGET,
    timeoutMs: settings.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    userAgent: settings.userAgent ?? 'kube-fresh',
    env: settings.env,
  });
  const writer = new KubeWorkloadWriter(api);
  const rollouts = await writer.rolloutsInstalled();
  const watches = new ClusterWatches(api, { ...scope, rollouts }, hooks, options);
  return { api, writer, watches };
}
