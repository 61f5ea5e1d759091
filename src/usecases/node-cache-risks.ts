// Node-cache risk: for a mutable tag under IfNotPresent (or Never), the nodes whose cached copy of
// the tag is not what the registry has now — a new Pod scheduled there would start the old image.

import { judgeContainer, type ContainerVerdict, type Lookup } from '../core/container-verdict.ts';
import type { Digest } from '../core/digest.ts';
import {
  effectiveTag,
  parseImageReference,
  referenceName,
  type ImageReference,
} from '../core/image-reference.ts';
import { indexNodeImages, nodeCacheRisk, type CachedTag } from '../core/node-cache.ts';
import { nodePlatformFromNodeInfo } from '../core/platform.ts';
import {
  cachedImageDecision,
  ensureSecretPulledImagesDefault,
  type CachedCopyCredentials,
  type CredentialCheck,
} from '../core/ensure-secret-pulled.ts';
import { isIndexMediaType } from '../core/image-resolver.ts';
import type { SnapshotNode } from '../cluster/read/cluster-snapshot.ts';
import type { RegistryFactStore } from './registry-facts.ts';
import type { NodeRisk, WorkloadContainerReport } from './workload-report.ts';

const MAX_ROUNDS = 6;

/** Adds `nodeRisks` to every report whose container would reuse a node's cached tag. */
export async function assessNodeCaches(
  reports: readonly WorkloadContainerReport[],
  nodes: readonly SnapshotNode[],
  facts: RegistryFactStore,
): Promise<WorkloadContainerReport[]> {
  const candidates = reports.map((report) => ({ report, target: cacheTarget(report, facts) }));
  const nodeIndexes = nodes.map((node) => ({
    name: node.name,
    images: indexNodeImages(node.images),
    kubeletVersion: node.kubeletVersion,
    platform:
      node.operatingSystem === undefined || node.architecture === undefined
        ? undefined
        : nodePlatformFromNodeInfo({
            operatingSystem: node.operatingSystem,
            architecture: node.architecture,
            kernelVersion: node.kernelVersion,
          }),
  }));
  const cachedOn = (images: ReadonlyMap<string, CachedTag>, target: CacheTarget): CachedTag =>
    images.get(`${referenceName(target.ref)}:${target.tag}`) ?? { cached: false };
  // A cached digest other than the tag's is compared as a running one would be (the current
  // index's child for the node, or the same bits under a re-indexed tag), in lookup rounds.
  const questions = candidates.flatMap(({ target }, i) =>
    target === undefined
      ? []
      : nodeIndexes.flatMap((node) => {
          const cached = cachedOn(node.images, target);
          return cached.cached && cached.digest !== undefined && cached.digest !== target.current
            ? [{ i, node: node.name, platform: node.platform, target, cached: cached.digest }]
            : [];
        }),
  );
  const answers = new Map<string, ContainerVerdict>();
  const keyOf = (i: number, node: string): string => `${i}\u0000${node}`;
  for (let round = 0; round < MAX_ROUNDS && answers.size < questions.length; round++) {
    const needs: Lookup[] = [];
    for (const q of questions) {
      if (answers.has(keyOf(q.i, q.node))) continue;
      const judgement = judgeContainer(
        {
          specImage: `${referenceName(q.target.ref)}:${q.target.tag}`,
          imageId: `${referenceName(q.target.ref)}@${q.cached}`,
          node: q.platform,
        },
        facts,
      );
      if ('verdict' in judgement) answers.set(keyOf(q.i, q.node), judgement.verdict);
      else needs.push(...judgement.needs);
    }
    await facts.fetch(needs);
  }
  return candidates.map(({ report, target }, i) => {
    if (target === undefined) return report;
    const nodeRisks = nodeIndexes.map((node): NodeRisk => {
      const cached = cachedOn(node.images, target);
      const verdict = answers.get(keyOf(i, node.name));
      const risk = nodeCacheRisk(cached, target.current, verdict);
      const cachedDigest = cached.cached ? cached.digest : undefined;
      if (risk !== 'old-image-cached') return { node: node.name, risk, cachedDigest };
      const check = cachedCopyCheck({ report, reports, target, facts }, node, cachedDigest);
      return {
        node: node.name,
        risk:
          check.action === 'pull' || check.action === 'ErrImageNeverPull' ? 'reverify-pulls' : risk,
        cachedDigest,
        credentialCheck: check,
      };
    });
    // Nodes that do not list the tag say nothing (node.status.images is capped at 50 entries).
    return { ...report, nodeRisks: nodeRisks.filter((r) => r.risk !== 'not-listed') };
  });
}

/**
 * KEP-2535 for a new Pod of `report`'s workload on `node`: the cached copy was pulled anonymously
 * when the registry answers anonymously; otherwise the Pods on that node that run the cached copy
 * tell which pull Secrets the kubelet's record holds (by name: Secrets with equal content under
 * other names also match, which kube-fresh does not compare).
 */
function cachedCopyCheck(
  {
    report,
    reports,
    target,
    facts,
  }: {
    report: WorkloadContainerReport;
    reports: readonly WorkloadContainerReport[];
    target: CacheTarget;
    facts: RegistryFactStore;
  },
  node: { readonly name: string; readonly kubeletVersion: string | undefined },
  cachedDigest: string | undefined,
): CredentialCheck & { readonly kubeletVersion: string | undefined } {
  const resolution = facts.tag(target.ref);
  const anonymous =
    resolution?.ok === true && resolution.value.credentialSource.kind === 'anonymous';
  const name = referenceName(target.ref);
  const secretsOf = (r: { pod: { namespace: string }; pullSecrets?: readonly string[] }) =>
    (r.pullSecrets ?? []).map((s) => `${r.pod.namespace}/${s}`);
  const ours = new Set(report.replicas.flatMap(secretsOf));
  const holders = reports
    .filter((w) => {
      const p = parseImageReference(w.image);
      return p.ok && referenceName(p.reference) === name;
    })
    .flatMap((w) => w.replicas)
    .filter(
      (r) =>
        r.pod.node === node.name &&
        cachedDigest !== undefined &&
        r.imageID.endsWith(`@${cachedDigest}`),
    );
  const cachedCopy: CachedCopyCredentials = anonymous
    ? 'anonymous'
    : holders.length === 0
      ? 'unknown'
      : holders.some((r) => secretsOf(r).some((s) => ours.has(s)))
        ? 'same'
        : 'different';
  const decision = cachedImageDecision({
    policy: report.policy.policy,
    gate: ensureSecretPulledImagesDefault(node.kubeletVersion),
    cachedCopy,
  });
  return { ...decision, kubeletVersion: node.kubeletVersion };
}

interface CacheTarget {
  readonly ref: ImageReference;
  readonly tag: string;
  readonly current: Digest;
  readonly isIndex: boolean;
}

/** The tag to look for in node caches, when new Pods of this container would reuse a cached copy. */
function cacheTarget(
  report: WorkloadContainerReport,
  facts: RegistryFactStore,
): CacheTarget | undefined {
  const reusesCache = report.policy.policy === 'IfNotPresent' || report.policy.policy === 'Never';
  if (!reusesCache) return undefined;
  const parsed = parseImageReference(report.image);
  if (!parsed.ok || parsed.reference.digest !== undefined) return undefined;
  const tag = effectiveTag(parsed.reference);
  const resolution = facts.tag(parsed.reference);
  if (tag === undefined || resolution === undefined || !resolution.ok) return undefined;
  const { digest, mediaType } = resolution.value;
  return { ref: parsed.reference, tag, current: digest, isIndex: isIndexMediaType(mediaType) };
}
