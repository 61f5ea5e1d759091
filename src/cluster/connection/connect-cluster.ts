// The cluster adapter's entry: kubeconfig sources + selection → a ClusterReader. Loads
// @kubernetes/client-node, so only command implementations import it (lazily).

import type { ClusterReader } from '../read/cluster-reader.ts';
import { createKubeApi } from './kube-api.ts';
import { KubeClusterReader } from '../read/kube-cluster-reader.ts';
import {
  resolveConnection,
  type ConnectionSelection,
  type KubeconfigSources,
} from './kubeconfig-loader.ts';
import { DEFAULT_BUDGET, type BudgetSettings } from './request-budget.ts';

export interface ConnectionSettings {
  readonly sources: KubeconfigSources;
  readonly selection?: ConnectionSelection | undefined;
  /** Per request, body included (default 30 s). */
  readonly requestTimeoutMs?: number | undefined;
  /** Client-side QPS/burst (default 20/40, like a controller's defaults doubled). */
  readonly budget?: BudgetSettings | undefined;
  readonly userAgent?: string | undefined;
  /** Environment handed to exec credential plugins. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export async function connectCluster(settings: ConnectionSettings): Promise<ClusterReader> {
  const connection = await resolveConnection(settings.sources, settings.selection);
  const api = createKubeApi(connection, {
    budget: settings.budget ?? DEFAULT_BUDGET,
    timeoutMs: settings.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    userAgent: settings.userAgent ?? 'kube-fresh',
    env: settings.env,
  });
  return new KubeClusterReader(api);
}
