// Node-cache risk: for a mutable tag under IfNotPresent (or Never), the nodes whose cached copy of
// the tag is not what the registry has now — a new Pod scheduled there would start the old image.

import type { Digest } from '../core/digest.ts';
import {
  effectiveTag,
  parseImageReference,
  referenceName,
  type ImageReference,
} from '../core/image-reference.ts';
import { indexNodeImages, nodeCacheRisk, type CachedTag } from '../core/node-cache.ts';
import { isIndexMediaType } from '../core/image-resolver.ts';
import type { SnapshotNode } from '../cluster/read/cluster-snapshot.ts';
import type { RegistryFactStore } from './registry-facts.ts';
import type { WorkloadContainerReport } from './workload-report.ts';

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
  }));
  const cachedOn = (images: ReadonlyMap<string, CachedTag>, target: CacheTarget): CachedTag =>
    images.get(`${referenceName(target.ref)}:${target.tag}`) ?? { cached: false };
  // Index children are fetched only for tags some node caches under an index's other digest.
  const lookups = candidates.flatMap(({ target }) => {
    if (target === undefined || !target.isIndex) return [];
    const cachedElsewhere = nodeIndexes.some((n) => {
      const cached = cachedOn(n.images, target);
      return cached.cached && cached.digest !== undefined && cached.digest !== target.current;
    });
    return cachedElsewhere
      ? [{ kind: 'platforms' as const, ref: target.ref, digest: target.current }]
      : [];
  });
  await facts.fetch(lookups);
  return candidates.map(({ report, target }) => {
    if (target === undefined) return report;
    const platforms = target.isIndex ? facts.platforms(target.ref, target.current) : undefined;
    const children = platforms?.ok === true ? platforms.platforms : [];
    const nodeRisks = nodeIndexes.map((node) => {
      const cached = cachedOn(node.images, target);
      return {
        node: node.name,
        risk: nodeCacheRisk(cached, target.current, children),
        cachedDigest: cached.cached ? cached.digest : undefined,
      };
    });
    // Nodes that do not list the tag say nothing (node.status.images is capped at 50 entries).
    return { ...report, nodeRisks: nodeRisks.filter((r) => r.risk !== 'not-listed') };
  });
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
