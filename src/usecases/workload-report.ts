// Grouping per-replica verdicts into one line per workload container: what the replicas run (by
// digest, with pod counts and nodes), what the tag points to now, and the workload verdict.

import {
  judgeWorkload,
  type ContainerVerdict,
  type WorkloadVerdict,
} from '../core/container-verdict.ts';
import { familiarString, parseImageReference } from '../core/image-reference.ts';
import type { EffectivePullPolicy } from '../core/pull-policy.ts';
import type { CredentialSource } from '../core/image-resolver.ts';
import type {
  ContainerKind,
  ContainerState,
  WorkloadRef,
} from '../cluster/read/cluster-snapshot.ts';
import type { NodeCacheRisk } from '../core/node-cache.ts';
import type { CredentialCheck } from '../core/ensure-secret-pulled.ts';

/** A node whose cached copy of the tag is old: a new IfNotPresent Pod there would start it. */
export interface NodeRisk {
  readonly node: string;
  readonly risk: NodeCacheRisk;
  /** The digest the node caches under the tag, when listed. */
  readonly cachedDigest: string | undefined;
  /** For an old cached copy: what the node's kubelet does with it for this workload (KEP-2535). */
  readonly credentialCheck?: CredentialCheck & { readonly kubeletVersion: string | undefined };
}

export interface ReplicaReport {
  readonly pod: {
    readonly namespace: string;
    readonly name: string;
    readonly node: string | undefined;
    readonly workload: WorkloadRef;
    readonly createdAt: string | undefined;
  };
  readonly container: string;
  readonly containerKind: ContainerKind;
  readonly image: string;
  readonly policy: EffectivePullPolicy;
  /** The node's platform as matched against index children, e.g. `linux/arm64/v8 (assumed)`:
   * nodeInfo carries no CPU variant, so containerd's default for the architecture is assumed. */
  readonly nodePlatform?: string | undefined;
  /** The node's kubelet version (KEP-2535 is on by default from 1.35). */
  readonly kubeletVersion?: string | undefined;
  /** The Pod's imagePullSecrets (names in its namespace): what the kubelet's pull records match. */
  readonly pullSecrets?: readonly string[];
  readonly imageID: string;
  /** containerStatuses[].image: on containerd, `sha256:<config>` once the tag moved on that node. */
  readonly runtimeImage: string | undefined;
  readonly state: ContainerState | undefined;
  readonly startedAt: string | undefined;
  readonly restartCount: number;
  readonly verdict: ContainerVerdict;
}

export interface RunningDigest {
  /** The digest the replicas report (or the image ID), as compared. */
  readonly digest: string;
  readonly pods: number;
  readonly nodes: readonly string[];
  readonly verdict: ContainerVerdict['verdict'];
}

export interface WorkloadContainerReport {
  readonly namespace: string;
  readonly workload: WorkloadRef;
  readonly container: string;
  readonly containerKind: ContainerKind;
  /** The spec image (of the first replica; replicas of one revision share it). */
  readonly image: string;
  readonly familiarImage: string;
  readonly policy: EffectivePullPolicy;
  readonly verdict: WorkloadVerdict;
  /** What the tag points to now, when the registry answered. */
  readonly current: string | undefined;
  readonly running: readonly RunningDigest[];
  readonly replicas: readonly ReplicaReport[];
  /** Nodes whose cached copy of the tag differs from the registry (IfNotPresent/Never only). */
  readonly nodeRisks: readonly NodeRisk[];
  /** Where the registry credential for the tag came from (a pull secret, the docker config…). */
  readonly credentialSource?: CredentialSource;
}

export function groupReplicas(
  replicas: ReadonlyArray<
    Omit<ReplicaReport, 'verdict'> & { verdict: ContainerVerdict | undefined }
  >,
): WorkloadContainerReport[] {
  const groups = new Map<string, ReplicaReport[]>();
  for (const replica of replicas) {
    if (replica.verdict === undefined) continue;
    const w = replica.pod.workload;
    const key = [
      replica.pod.namespace,
      w.kind,
      w.name,
      replica.containerKind,
      replica.container,
      replica.image,
    ].join('\u0000');
    const list = groups.get(key) ?? [];
    list.push(replica as ReplicaReport);
    groups.set(key, list);
  }
  return [...groups.values()].map(toReport).sort(compareReports);
}

function toReport(replicas: readonly ReplicaReport[]): WorkloadContainerReport {
  const first = replicas[0] as ReplicaReport;
  const parsed = parseImageReference(first.image);
  return {
    namespace: first.pod.namespace,
    workload: first.pod.workload,
    container: first.container,
    containerKind: first.containerKind,
    image: first.image,
    familiarImage: parsed.ok ? familiarString(parsed.reference) : first.image,
    policy: first.policy,
    verdict: judgeWorkload(replicas.map((r) => r.verdict)),
    current: currentDigest(replicas),
    running: runningDigests(replicas),
    replicas,
    nodeRisks: [],
  };
}

function currentDigest(replicas: readonly ReplicaReport[]): string | undefined {
  for (const { verdict } of replicas) {
    if (
      verdict.verdict === 'fresh' ||
      verdict.verdict === 'stale' ||
      verdict.verdict === 'pinned-behind'
    )
      return verdict.current;
    if (verdict.verdict === 'pinned' && verdict.tagCheck === 'same') return verdict.pinned;
  }
  return undefined;
}

function runningDigests(replicas: readonly ReplicaReport[]): RunningDigest[] {
  const byDigest = new Map<
    string,
    { pods: number; nodes: Set<string>; verdict: ContainerVerdict['verdict'] }
  >();
  for (const replica of replicas) {
    const digest = runningOf(replica);
    const entry = byDigest.get(digest) ?? {
      pods: 0,
      nodes: new Set<string>(),
      verdict: replica.verdict.verdict,
    };
    entry.pods++;
    if (replica.pod.node !== undefined) entry.nodes.add(replica.pod.node);
    byDigest.set(digest, entry);
  }
  // Most replicas first, then by digest: a stable order for tables and tests.
  const entries = [...byDigest.entries()].sort(
    (a, b) => b[1].pods - a[1].pods || a[0].localeCompare(b[0]),
  );
  return entries.map(([digest, e]) => ({
    digest,
    pods: e.pods,
    nodes: [...e.nodes].sort(),
    verdict: e.verdict,
  }));
}

/** What one replica runs, as `running` groups it: the digest, the pin, else the image ID. */
export function runningOf(replica: ReplicaReport): string {
  const v = replica.verdict;
  if (v.verdict === 'fresh' || v.verdict === 'stale') return v.running;
  if (v.verdict === 'pinned' || v.verdict === 'pinned-behind') return v.pinned;
  return replica.imageID === '' ? '(not started)' : replica.imageID;
}

function compareReports(a: WorkloadContainerReport, b: WorkloadContainerReport): number {
  return (
    a.namespace.localeCompare(b.namespace) ||
    a.workload.kind.localeCompare(b.workload.kind) ||
    a.workload.name.localeCompare(b.workload.name) ||
    kindOrder(a.containerKind) - kindOrder(b.containerKind) ||
    a.container.localeCompare(b.container)
  );
}

function kindOrder(kind: ContainerKind): number {
  return kind === 'init' ? 0 : kind === 'regular' ? 1 : 2;
}
