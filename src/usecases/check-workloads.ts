// `status`: read the cluster once, ask the registries once per distinct tag, judge every running
// container, and group the verdicts by workload and container. `explain` reuses the same report.

import {
  judgeContainer,
  type ContainerVerdict,
  type Lookup,
  type WorkloadVerdict,
} from '../core/container-verdict.ts';
import { effectiveTag, parseImageReference, tagKey } from '../core/image-reference.ts';
import { formatPlatform, nodePlatformFromNodeInfo, type NodePlatform } from '../core/platform.ts';
import { effectivePullPolicy, isPullPolicy, type PullPolicy } from '../core/pull-policy.ts';
import type { ImageResolver } from '../core/image-resolver.ts';
import { brokenPullSecrets } from '../registry/credentials/pull-secret-keyring.ts';
import type { ClusterReader } from '../cluster/read/cluster-reader.ts';
import type {
  ClusterSnapshot,
  SnapshotPod,
  SnapshotScope,
} from '../cluster/read/cluster-snapshot.ts';
import { assessNodeCaches } from './node-cache-risks.ts';
import { RegistryFactStore } from './registry-facts.ts';
import {
  groupReplicas,
  type NodeRisk,
  type ReplicaReport,
  type WorkloadContainerReport,
} from './workload-report.ts';

export type { NodeRisk, ReplicaReport, WorkloadContainerReport } from './workload-report.ts';

export interface StatusReport {
  readonly target: ClusterSnapshot['target'];
  readonly readAt: string;
  readonly workloads: readonly WorkloadContainerReport[];
  readonly summary: StatusSummary;
  readonly warnings: readonly string[];
}

export interface StatusSummary {
  readonly workloads: number;
  readonly containers: number;
  readonly pods: number;
  readonly verdicts: Readonly<Record<WorkloadVerdict, number>>;
  /** Distinct tags asked about, and the registry lookups made in all. */
  readonly tags: number;
  readonly lookups: number;
  readonly nodesAtRisk: number;
}

/** The registry side of a run: built after the snapshot, because pull secrets come from it. */
export interface RegistryAccess {
  readonly resolver: ImageResolver;
  close(): Promise<void>;
}

export interface CheckDeps {
  readonly reader: ClusterReader;
  readonly openRegistry: (snapshot: ClusterSnapshot) => Promise<RegistryAccess>;
  readonly progress?: (message: string) => void;
}

const MAX_ROUNDS = 6;

export async function checkWorkloads(deps: CheckDeps, scope: SnapshotScope): Promise<StatusReport> {
  deps.progress?.('reading the cluster');
  const snapshot = await deps.reader.readSnapshot(scope);
  return judgeSnapshot(snapshot, deps);
}

/** Judges an already read snapshot (explain reads one Pod's workload this way). */
export async function judgeSnapshot(
  snapshot: ClusterSnapshot,
  deps: Pick<CheckDeps, 'openRegistry' | 'progress'>,
): Promise<StatusReport> {
  const registry = await deps.openRegistry(snapshot);
  try {
    const facts = new RegistryFactStore(registry.resolver);
    const replicas = observeReplicas(snapshot);
    deps.progress?.(`checking ${countTags(replicas)} tags for ${snapshot.pods.length} pods`);
    await settleVerdicts(replicas, facts);
    const groups = groupReplicas(replicas.map((r) => r.report));
    const withRisks = (await assessNodeCaches(groups, snapshot.nodes, facts)).map((w) =>
      withCredentialSource(w, facts),
    );
    return {
      target: snapshot.target,
      readAt: snapshot.readAt,
      workloads: withRisks,
      summary: summarise(withRisks, snapshot, facts),
      warnings: snapshot.warnings,
    };
  } finally {
    await registry.close();
  }
}

interface PendingReplica {
  report: Omit<ReplicaReport, 'verdict'> & { verdict: ContainerVerdict | undefined };
  readonly node: NodePlatform | undefined;
}

function observeReplicas(snapshot: ClusterSnapshot): PendingReplica[] {
  const platforms = new Map(snapshot.nodes.map((n) => [n.name, platformOf(n)]));
  const kubelets = new Map(snapshot.nodes.map((n) => [n.name, n.kubeletVersion]));
  const broken = brokenPullSecrets(snapshot.pullSecrets);
  const replicas: PendingReplica[] = [];
  // A Pod being deleted is on its way out (a rollout just replaced it): judging it would report
  // a workload as stale for the seconds its old Pods take to terminate.
  for (const pod of snapshot.pods.filter((p) => p.terminating !== true)) {
    const node = pod.nodeName === undefined ? undefined : platforms.get(pod.nodeName);
    for (const container of pod.containers) {
      const policy = podPolicy(container.image, container.imagePullPolicy);
      replicas.push({
        node,
        report: {
          nodePlatform: node === undefined ? undefined : formatPlatform(node),
          kubeletVersion: pod.nodeName === undefined ? undefined : kubelets.get(pod.nodeName),
          pullSecrets: pod.imagePullSecrets,
          pod: podIdentity(pod),
          container: container.name,
          containerKind: container.kind,
          image: container.image,
          policy,
          imageID: container.status?.imageID ?? '',
          runtimeImage: container.status?.image,
          state: container.status?.current,
          startedAt: container.status?.current.startedAt,
          restartCount: container.status?.restartCount ?? 0,
          verdict: brokenSecretVerdict(pod, broken),
        },
      });
    }
  }
  return replicas;
}

async function settleVerdicts(replicas: PendingReplica[], facts: RegistryFactStore): Promise<void> {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const needs: Lookup[] = [];
    for (const replica of replicas) {
      if (replica.report.verdict !== undefined) continue;
      const judgement = judgeContainer(
        { specImage: replica.report.image, imageId: replica.report.imageID, node: replica.node },
        facts,
      );
      if ('verdict' in judgement) replica.report.verdict = judgement.verdict;
      else needs.push(...judgement.needs);
    }
    if (needs.length === 0) return;
    await facts.fetch(needs);
  }
  for (const replica of replicas) {
    replica.report.verdict ??= {
      verdict: 'unknown',
      reason: 'registry',
      message: 'the registry facts did not settle (a bug in kube-fresh)',
    };
  }
}

/**
 * The kubelet builds one keyring from all of a Pod's pull Secrets; one it cannot read fails the
 * whole lookup (secrets.go MakeDockerKeyring), so it pulls nothing for the Pod. kube-fresh does
 * not guess what such a Pod would run.
 */
function brokenSecretVerdict(
  pod: SnapshotPod,
  broken: ReadonlyMap<string, string>,
): ContainerVerdict | undefined {
  const bad = pod.imagePullSecrets.flatMap((name) => {
    const message = broken.get(`${pod.namespace}/${name}`);
    return message === undefined ? [] : [`${pod.namespace}/${name} (${message})`];
  });
  if (bad.length === 0) return undefined;
  return {
    verdict: 'unknown',
    reason: 'pull-secret',
    message: `the kubelet cannot read pull Secret ${bad.join(', ')}, so its credential lookup fails for this Pod and it pulls nothing`,
  };
}

/** The Pod's stored policy (the API server always sets it), and whether it is the default. */
function podPolicy(image: string, stored: string | undefined): ReplicaReport['policy'] {
  const explicit: PullPolicy | undefined =
    stored !== undefined && isPullPolicy(stored) ? stored : undefined;
  const defaulted = effectivePullPolicy(image);
  if (explicit === undefined || explicit === defaulted.policy) return defaulted;
  return {
    policy: explicit,
    source: 'explicit',
    reason: `set to ${explicit} in the Pod (by its spec or an admission plugin); the default would be ${defaulted.policy}`,
  };
}

/** Which credential answered for the tag (named, never shown), for reports. */
function withCredentialSource(
  w: WorkloadContainerReport,
  facts: RegistryFactStore,
): WorkloadContainerReport {
  const parsed = parseImageReference(w.image);
  const tag =
    parsed.ok && effectiveTag(parsed.reference) !== undefined
      ? facts.tag(parsed.reference)
      : undefined;
  // The registry's answer stands even when no replica could be compared (e.g. no imageID yet).
  return tag?.ok === true
    ? { ...w, current: w.current ?? tag.value.digest, credentialSource: tag.value.credentialSource }
    : w;
}

function platformOf(node: ClusterSnapshot['nodes'][number]): NodePlatform | undefined {
  if (node.architecture === undefined || node.operatingSystem === undefined) return undefined;
  return nodePlatformFromNodeInfo({
    operatingSystem: node.operatingSystem,
    architecture: node.architecture,
    kernelVersion: node.kernelVersion,
  });
}

function podIdentity(pod: SnapshotPod): ReplicaReport['pod'] {
  return {
    namespace: pod.namespace,
    name: pod.name,
    node: pod.nodeName,
    workload: pod.workload,
    createdAt: pod.createdAt,
  };
}

function countTags(replicas: readonly PendingReplica[]): number {
  const tags = new Set<string>();
  for (const r of replicas) {
    const parsed = parseImageReference(r.report.image);
    const key = parsed.ok ? tagKey(parsed.reference) : undefined;
    if (key !== undefined) tags.add(key);
  }
  return tags.size;
}

function summarise(
  workloads: readonly WorkloadContainerReport[],
  snapshot: ClusterSnapshot,
  facts: RegistryFactStore,
): StatusSummary {
  const verdicts: Record<WorkloadVerdict, number> = {
    fresh: 0,
    stale: 0,
    mixed: 0,
    pinned: 0,
    'pinned-behind': 0,
    unknown: 0,
  };
  for (const w of workloads) verdicts[w.verdict]++;
  return {
    workloads: new Set(workloads.map((w) => `${w.namespace}/${w.workload.kind}/${w.workload.name}`))
      .size,
    containers: workloads.length,
    pods: snapshot.pods.filter((p) => p.terminating !== true).length,
    verdicts,
    tags: facts.asked.tag,
    lookups: facts.asked.tag + facts.asked.platforms + facts.asked.config,
    nodesAtRisk: new Set(
      workloads.flatMap((w) =>
        w.nodeRisks
          .filter((r: NodeRisk) => r.risk === 'old-image-cached')
          .map((r: NodeRisk) => r.node),
      ),
    ).size,
  };
}
