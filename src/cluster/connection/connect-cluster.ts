// The cluster adapter's entry: kubeconfig sources + selection → one resolved connection and one
// KubeApi (so one request budget, and exec credential plugins run once) behind both the
// ClusterReader and the WorkloadWriter. Loads @kubernetes/client-node, so only command
// implementations import it (lazily).

import type { ClusterTarget } from '../cluster-error.ts';
import type { ClusterReader } from '../read/cluster-reader.ts';
import { KubeClusterReader } from '../read/kube-cluster-reader.ts';
import { KubeWorkloadWriter } from '../write/kube-workload-writer.ts';
import type { WorkloadWriter } from '../write/workload-writer.ts';
import { createKubeApi, type KubeApi } from './kube-api.ts';
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

export interface ClusterConnection {
  readonly reader: ClusterReader;
  /** Writes over the same API client; a read-only command never calls it. */
  readonly writer: WorkloadWriter;
  readonly target: ClusterTarget;
  /** Releases the connections (reader and writer share them). */
  close(): Promise<void>;
}

/** The one way to open the API: kubeconfig or in-cluster → a budgeted client (every front door). */
export async function openKubeApi(settings: ConnectionSettings): Promise<KubeApi> {
  const connection = await resolveConnection(settings.sources, settings.selection);
  return createKubeApi(connection, {
    budget: settings.budget ?? DEFAULT_BUDGET,
    timeoutMs: settings.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    userAgent: settings.userAgent ?? 'kube-fresh',
    env: settings.env,
  });
}

export async function connectCluster(settings: ConnectionSettings): Promise<ClusterConnection> {
  const api = await openKubeApi(settings);
  const reader = new KubeClusterReader(api);
  return {
    reader,
    writer: new KubeWorkloadWriter(api),
    target: reader.target,
    close: () => reader.close(),
  };
}
