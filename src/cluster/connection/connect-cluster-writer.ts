// The entry for commands that read and then write (`fix`): one resolved kubeconfig connection and
// one KubeApi — so one request budget, and exec credential plugins run once — behind both the
// ClusterReader and the WorkloadWriter. Loads @kubernetes/client-node: import lazily.

import type { ClusterReader } from '../read/cluster-reader.ts';
import { DEFAULT_REQUEST_TIMEOUT_MS, type ConnectionSettings } from './connect-cluster.ts';
import { createKubeApi } from './kube-api.ts';
import { KubeClusterReader } from '../read/kube-cluster-reader.ts';
import { KubeWorkloadWriter } from '../write/kube-workload-writer.ts';
import { resolveConnection } from './kubeconfig-loader.ts';
import { DEFAULT_BUDGET } from './request-budget.ts';
import type { WorkloadWriter } from '../write/workload-writer.ts';

export interface ClusterReadWrite {
  readonly reader: ClusterReader;
  readonly writer: WorkloadWriter;
}

export async function connectClusterReadWrite(
  settings: ConnectionSettings,
): Promise<ClusterReadWrite> {
  const connection = await resolveConnection(settings.sources, settings.selection);
  const api = createKubeApi(connection, {
    budget: settings.budget ?? DEFAULT_BUDGET,
    timeoutMs: settings.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    userAgent: settings.userAgent ?? 'kube-fresh',
    env: settings.env,
  });
  return { reader: new KubeClusterReader(api), writer: new KubeWorkloadWriter(api) };
}
