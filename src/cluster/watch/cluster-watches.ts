// The controller's live picture of the cluster: one reflector per kind (Pods, Nodes, ReplicaSets,
// Jobs, Namespaces and the workload kinds `fix` patches), scoped to one namespace or all, and a
// ClusterReader over the caches so `status`'s and `fix`'s flows run unchanged on them — one list
// per kind at start, then watch events only; no per-Pod requests.

import { Watch, type V1Node, type V1Pod } from '@kubernetes/client-node';
import type { ClusterReader, RequestStats } from '../read/cluster-reader.ts';
import type { ClusterSnapshot, SnapshotPod, SnapshotScope } from '../read/cluster-snapshot.ts';
import { ClusterError, type ClusterTarget } from '../cluster-error.ts';
import type { KubeApi } from '../connection/kube-api.ts';
import { parseLabelSelector, type LabelSelectorMatch } from '../read/label-selector.ts';
import type { IntermediateOwner } from '../owner-resolution.ts';
import { readPullSecrets, type PullSecretsRead } from '../read/pull-secret-reader.ts';
import { assembleSnapshot, type SelectedWorkload } from '../read/snapshot-assembly.ts';
import { UsageError } from '../../core/errors.ts';
import { Reflector, type ReflectorDeps, type ReflectorOptions } from './reflector.ts';
import {
  projectNamespace,
  projectNode,
  projectOwner,
  projectPod,
  workloadProjector,
  type WatchedNamespace,
  type WatchedWorkload,
} from './watch-projections.ts';

export type { WatchedNamespace, WatchedWorkload } from './watch-projections.ts';
export type { RestartReason } from './reflector.ts';

export interface WatchScope {
  /** undefined = all namespaces. */
  readonly namespace?: string | undefined;
  /** Only namespaces whose labels match (kubectl label selector syntax). */
  readonly namespaceSelector?: string | undefined;
  /** Watch Argo Rollouts too (only when the CRD is served). */
  readonly rollouts: boolean;
}

export interface WatchHooks {
  onChange?(kind: string): void;
  onRestart?: ReflectorDeps['onRestart'];
  onSynced?: ReflectorDeps['onSynced'];
}

/** Workload kinds the controller watches (the kinds `fix` patches that own Pods through a template). */
const WORKLOAD_SOURCES = [
  { kind: 'Deployment', apiVersion: 'apps/v1', plural: 'deployments' },
  { kind: 'StatefulSet', apiVersion: 'apps/v1', plural: 'statefulsets' },
  { kind: 'DaemonSet', apiVersion: 'apps/v1', plural: 'daemonsets' },
  { kind: 'CronJob', apiVersion: 'batch/v1', plural: 'cronjobs' },
] as const;
const ROLLOUT_SOURCE = { kind: 'Rollout', apiVersion: 'argoproj.io/v1alpha1', plural: 'rollouts' };

const SECRET_TTL_MS = 60_000;

export class ClusterWatches {
  readonly pods: Reflector<V1Pod>;
  readonly nodes: Reflector<V1Node>;
  readonly replicaSets: Reflector<IntermediateOwner>;
  readonly jobs: Reflector<IntermediateOwner>;
  readonly namespaces: Reflector<WatchedNamespace>;
  readonly workloads: ReadonlyMap<string, Reflector<WatchedWorkload>>;
  readonly #api: KubeApi;
  readonly #scope: WatchScope;
  readonly #selects: LabelSelectorMatch | undefined;
  readonly #all: readonly Reflector<unknown>[];

  constructor(api: KubeApi, scope: WatchScope, hooks: WatchHooks, options: ReflectorOptions = {}) {
    this.#api = api;
    this.#scope = scope;
    if (scope.namespaceSelector !== undefined) {
      const parsed = parseLabelSelector(scope.namespaceSelector);
      if (!parsed.ok) throw new UsageError(`--namespace-selector: ${parsed.message}`);
      this.#selects = parsed.matches;
    }
    const deps: ReflectorDeps = {
      list: (path, query) => api.getJson(path, query),
      watch: new Watch(api.kubeConfig),
      onChange: (kind) => hooks.onChange?.(kind),
      onRestart: (kind, reason, detail) => hooks.onRestart?.(kind, reason, detail),
      onSynced: (kind, objects) => hooks.onSynced?.(kind, objects),
    };
    const ns = scope.namespace;
    const at = (group: string, plural: string): string => {
      const base = group === '' ? '/api/v1' : `/apis/${group}`;
      return ns === undefined
        ? `${base}/${plural}`
        : `${base}/namespaces/${encodeURIComponent(ns)}/${plural}`;
    };
    this.pods = new Reflector(
      { kind: 'Pod', path: at('', 'pods'), project: projectPod },
      deps,
      options,
    );
    this.nodes = new Reflector(
      { kind: 'Node', path: '/api/v1/nodes', project: projectNode },
      deps,
      options,
    );
    this.replicaSets = new Reflector(
      { kind: 'ReplicaSet', path: at('apps/v1', 'replicasets'), project: projectOwner },
      deps,
      options,
    );
    this.jobs = new Reflector(
      { kind: 'Job', path: at('batch/v1', 'jobs'), project: projectOwner },
      deps,
      options,
    );
    this.namespaces = new Reflector(
      {
        kind: 'Namespace',
        path: '/api/v1/namespaces',
        fieldSelector: ns === undefined ? undefined : `metadata.name=${ns}`,
        project: projectNamespace,
      },
      deps,
      options,
    );
    const workloads = new Map<string, Reflector<WatchedWorkload>>();
    for (const source of [...WORKLOAD_SOURCES, ...(scope.rollouts ? [ROLLOUT_SOURCE] : [])]) {
      workloads.set(
        source.kind,
        new Reflector(
          {
            kind: source.kind,
            path: at(source.apiVersion, source.plural),
            project: workloadProjector(source.kind, source.apiVersion),
          },
          deps,
          options,
        ),
      );
    }
    this.workloads = workloads;
    this.#all = [
      this.pods,
      this.nodes,
      this.replicaSets,
      this.jobs,
      this.namespaces,
      ...workloads.values(),
    ] as Reflector<unknown>[];
  }

  get target(): ClusterTarget {
    return this.#api.target;
  }

  start(): void {
    for (const r of this.#all) r.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.#all.map((r) => r.stop()));
  }

  /** Kinds not synced yet, each with its last error; empty once every cache is usable. */
  unsynced(): string[] {
    return this.#all
      .filter((r) => !r.synced)
      .map((r) => (r.lastError === undefined ? r.kind : `${r.kind} (${r.lastError})`));
  }

  /** Per kind: synced and how many objects are cached (for metrics). */
  kinds(): { kind: string; synced: boolean; objects: number }[] {
    return this.#all.map((r) => ({ kind: r.kind, synced: r.synced, objects: r.size }));
  }

  namespace(name: string): WatchedNamespace | undefined {
    return this.namespaces.get(name);
  }

  /** In scope: -n, and the namespace selector over the watched Namespace's labels. */
  namespaceInScope(name: string): boolean {
    if (this.#scope.namespace !== undefined && name !== this.#scope.namespace) return false;
    if (this.#selects === undefined) return true;
    const ns = this.namespaces.get(name);
    return ns !== undefined && this.#selects(ns.labels);
  }

  workload(kind: string, namespace: string, name: string): WatchedWorkload | undefined {
    return this.workloads.get(kind)?.get(`${namespace}/${name}`);
  }

  /** A ClusterReader over the caches, for the `status`/`fix` flows. */
  reader(): ClusterReader {
    return new CachedClusterReader(this, this.#api);
  }

  /** Pods in scope (namespace selector applied), as listed objects. */
  podsInScope(): V1Pod[] {
    const pods: V1Pod[] = [];
    for (const pod of this.pods.values())
      if (this.namespaceInScope(pod.metadata?.namespace ?? '')) pods.push(pod);
    return pods;
  }
}

/**
 * ClusterReader from the watch caches: the same assembly as a listed snapshot; pull Secrets are
 * read (not watched: they are few and RBAC often forbids listing them), cached for a minute.
 */
class CachedClusterReader implements ClusterReader {
  readonly #watches: ClusterWatches;
  readonly #api: KubeApi;
  #secrets: { key: string; at: number; read: Promise<PullSecretsRead> } | undefined;

  constructor(watches: ClusterWatches, api: KubeApi) {
    this.#watches = watches;
    this.#api = api;
  }

  get target(): ClusterTarget {
    return this.#api.target;
  }

  async readSnapshot(scope: SnapshotScope): Promise<ClusterSnapshot> {
    const w = this.#watches;
    const unsynced = w.unsynced();
    if (!w.pods.synced)
      throw new ClusterError(
        'unreachable',
        `the Pod cache is not synced yet: ${unsynced.join(', ')}`,
        this.#api.target,
      );
    const selected: SelectedWorkload[] = (scope.workloads ?? []).map((selector) => ({
      selector,
      namespace: selector.namespace ?? scope.namespace ?? this.#api.target.namespace,
    }));
    const pods = w
      .podsInScope()
      .filter((p) => scope.namespace === undefined || p.metadata?.namespace === scope.namespace);
    const assembled = assembleSnapshot(
      {
        pods,
        replicaSets: w.replicaSets.synced ? [...w.replicaSets.values()] : undefined,
        jobs: w.jobs.synced ? [...w.jobs.values()] : undefined,
        nodes: w.nodes.synced ? [...w.nodes.values()] : undefined,
        events: [],
        serviceAccounts: [],
      },
      selected,
    );
    const secrets = await this.#pullSecrets(assembled.secretRefs);
    return {
      target: this.#api.target,
      readAt: new Date().toISOString(),
      pods: assembled.pods,
      nodes: assembled.nodes,
      events: [],
      serviceAccounts: [],
      pullSecrets: secrets.secrets,
      warnings: [...unsynced.map((k) => `not synced yet: ${k}`), ...secrets.warnings],
    };
  }

  readPod(namespace: string, name: string): Promise<SnapshotPod> {
    return this.readSnapshot({ namespace }).then((s) => {
      const pod = s.pods.find((p) => p.name === name);
      if (pod === undefined)
        throw new ClusterError(
          'not-found',
          `Pod "${name}" not found in namespace "${namespace}"`,
          this.#api.target,
        );
      return pod;
    });
  }

  stats(): RequestStats {
    return this.#api.recorder.stats();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  #pullSecrets(refs: readonly { namespace: string; name: string }[]): Promise<PullSecretsRead> {
    const key = [...new Set(refs.map((r) => `${r.namespace}/${r.name}`))].sort().join(',');
    const cached = this.#secrets;
    if (cached !== undefined && cached.key === key && Date.now() - cached.at < SECRET_TTL_MS)
      return cached.read;
    const read = readPullSecrets(this.#api, refs, undefined).catch(
      (error: unknown): PullSecretsRead => ({
        secrets: [],
        warnings: [`cannot read image pull Secrets: ${(error as Error).message}`],
      }),
    );
    this.#secrets = { key, at: Date.now(), read };
    return read;
  }
}
