// A hand-written ClusterReader for use-case tests: a fixed cluster state, the same scope
// semantics as the real reader (namespace, label selector, workloads that must exist), recorded
// calls, and failure injection for the typed errors.

import { UsageError } from '../../core/errors.ts';
import { ClusterError, type ClusterTarget } from '../cluster-error.ts';
import type { ClusterReader, RequestStats } from './cluster-reader.ts';
import type {
  ClusterSnapshot,
  PullSecret,
  SnapshotEvent,
  SnapshotNode,
  SnapshotPod,
  SnapshotScope,
  SnapshotServiceAccount,
  WorkloadRef,
} from './cluster-snapshot.ts';
import { parseLabelSelector } from './label-selector.ts';
import { podMatchesSelector } from '../../core/workload-kinds.ts';

export interface FakeClusterState {
  readonly pods?: readonly SnapshotPod[];
  readonly nodes?: readonly SnapshotNode[];
  readonly events?: readonly SnapshotEvent[];
  readonly serviceAccounts?: readonly SnapshotServiceAccount[];
  readonly pullSecrets?: readonly PullSecret[];
  /** Workloads that exist without Pods (a Deployment scaled to 0). */
  readonly workloads?: readonly WorkloadRef[];
  readonly warnings?: readonly string[];
}

export const FAKE_TARGET: ClusterTarget = {
  context: 'fake',
  server: 'https://fake.invalid:6443',
  user: 'fake-user',
  namespace: 'default',
};

export type FakeCall =
  | { readonly method: 'readSnapshot'; readonly scope: SnapshotScope }
  | { readonly method: 'readPod'; readonly namespace: string; readonly name: string };

export class FakeClusterReader implements ClusterReader {
  readonly calls: FakeCall[] = [];
  #state: FakeClusterState;
  #failure: ClusterError | undefined;
  #closed = false;

  constructor(
    state: FakeClusterState = {},
    readonly target: ClusterTarget = FAKE_TARGET,
    private readonly now: () => Date = () => new Date('2026-01-01T00:00:00Z'),
  ) {
    this.#state = state;
  }

  /** Replaces the cluster state (the tag moved, a Pod restarted…). */
  setState(state: FakeClusterState): void {
    this.#state = state;
  }

  /** Every following call fails like the real reader would, e.g. with `unreachable`. */
  failWith(failure: ClusterError['failure'], what = 'cannot reach the API server'): void {
    this.#failure = new ClusterError(failure, what, this.target);
  }

  readSnapshot(scope: SnapshotScope): Promise<ClusterSnapshot> {
    this.calls.push({ method: 'readSnapshot', scope });
    return this.#answer(() => this.#snapshot(scope));
  }

  readPod(namespace: string, name: string): Promise<SnapshotPod> {
    this.calls.push({ method: 'readPod', namespace, name });
    return this.#answer(() => {
      const pod = (this.#state.pods ?? []).find(
        (p) => p.namespace === namespace && p.name === name,
      );
      if (pod === undefined) throw this.#notFound('Pod', name, namespace);
      return pod;
    });
  }

  stats(): RequestStats {
    return { requests: this.calls.length, log: this.calls.map((c) => c.method) };
  }

  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }

  #answer<T>(produce: () => T): Promise<T> {
    if (this.#closed) return Promise.reject(new Error('FakeClusterReader used after close()'));
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    try {
      return Promise.resolve(produce());
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  #snapshot(scope: SnapshotScope): ClusterSnapshot {
    const state = this.#state;
    const selector = parseLabelSelector(scope.labelSelector ?? '');
    if (!selector.ok) throw new UsageError(selector.message);
    const selected = (scope.workloads ?? []).map((w) => ({
      selector: w,
      namespace: w.namespace ?? scope.namespace ?? this.target.namespace,
    }));
    for (const { selector: w, namespace } of selected) {
      const exists =
        (state.pods ?? []).some((p) => podMatchesSelector(p, w, namespace)) ||
        (state.workloads ?? []).some(
          (r) => r.kind === w.kind && r.name === w.name && r.namespace === namespace,
        );
      if (!exists) throw this.#notFound(w.kind, w.name, namespace);
    }
    const pods = (state.pods ?? []).filter(
      (p) =>
        (scope.namespace === undefined || p.namespace === scope.namespace) &&
        selector.matches(p.labels) &&
        (selected.length === 0 ||
          selected.some((s) => podMatchesSelector(p, s.selector, s.namespace))),
    );
    const uids = new Set(pods.map((p) => p.uid));
    const accounts = new Set(pods.map((p) => `${p.namespace}/${p.serviceAccountName}`));
    const serviceAccounts = (state.serviceAccounts ?? []).filter((a) =>
      accounts.has(`${a.namespace}/${a.name}`),
    );
    const secretKeys = new Set([
      ...pods.flatMap((p) => p.imagePullSecrets.map((s) => `${p.namespace}/${s}`)),
      ...serviceAccounts.flatMap((a) => a.imagePullSecrets.map((s) => `${a.namespace}/${s}`)),
    ]);
    return {
      target: this.target,
      readAt: this.now().toISOString(),
      pods,
      nodes: state.nodes ?? [],
      events: (state.events ?? []).filter(
        (e) => e.involvedObject.uid !== undefined && uids.has(e.involvedObject.uid),
      ),
      serviceAccounts,
      pullSecrets: (state.pullSecrets ?? []).filter((s) =>
        secretKeys.has(`${s.namespace}/${s.name}`),
      ),
      warnings: state.warnings ?? [],
    };
  }

  #notFound(kind: string, name: string, namespace: string): ClusterError {
    return new ClusterError(
      'not-found',
      `${kind} "${name}" not found in namespace "${namespace}"`,
      this.target,
    );
  }
}
