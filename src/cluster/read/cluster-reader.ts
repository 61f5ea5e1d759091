// The port use cases read the cluster through. Narrow on purpose: one consistent snapshot for
// `status`/`fix`, one Pod for `explain`. The client-node implementation is kube-cluster-reader.ts;
// fake-cluster-reader.ts is the hand-written fake for use-case tests.

import type { ClusterTarget } from '../cluster-error.ts';
import type { ClusterSnapshot, SnapshotPod, SnapshotScope } from './cluster-snapshot.ts';

export interface RequestStats {
  /** Requests sent to the API server (retries included). */
  readonly requests: number;
  /** `METHOD /path` without the query, in order; for tests and benchmarks. */
  readonly log: readonly string[];
}

export interface ClusterReader {
  readonly target: ClusterTarget;
  /**
   * Pods in scope with their workloads resolved, the Nodes, the Pods' Events, ServiceAccounts and
   * referenced pull Secrets. Throws ClusterError when the Pods cannot be listed; anything else
   * that cannot be read degrades to a warning in the snapshot.
   */
  readSnapshot(scope: SnapshotScope): Promise<ClusterSnapshot>;
  /** One Pod with its workload resolved. Throws ClusterError `not-found`. */
  readPod(namespace: string, name: string): Promise<SnapshotPod>;
  stats(): RequestStats;
  /** Releases connections; the reader is unusable afterwards. */
  close(): Promise<void>;
}
