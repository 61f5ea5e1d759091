// The node × image-tag cache matrix: for every mutable tag the workloads use, what each node has
// cached under it (node.status.images) against what the tag points to now. An `old` cell is the
// seed of the problem: the next IfNotPresent Pod scheduled there starts the old bits.

import {
  effectiveTag,
  familiarName,
  parseImageReference,
  tagKey,
} from '../core/image-reference.ts';
import { indexNodeImages, type CachedTag } from '../core/node-cache.ts';
import type { PullPolicy } from '../core/pull-policy.ts';
import type { SnapshotNode } from '../cluster/read/cluster-snapshot.ts';
import type { WorkloadContainerReport } from './workload-report.ts';

/** `not-cached`: the node does not list the tag (it lists only its 50 largest images). */
export type CacheState = 'current' | 'old' | 'not-cached' | 'unknown';

export interface CacheCell {
  readonly node: string;
  readonly state: CacheState;
  readonly cachedDigest: string | undefined;
}

export interface CacheMatrixRow {
  /** `repo:tag` in the familiar form. */
  readonly image: string;
  readonly current: string | undefined;
  readonly policies: readonly PullPolicy[];
  readonly workloads: ReadonlyArray<{ namespace: string; kind: string; name: string }>;
  /** One per node, in the order of `nodes`. */
  readonly cells: readonly CacheCell[];
}

export interface CacheMatrix {
  readonly nodes: readonly string[];
  readonly rows: readonly CacheMatrixRow[];
}

interface RowBuilder {
  image: string;
  current: string | undefined;
  accepted: Set<string>;
  policies: Set<PullPolicy>;
  workloads: Map<string, { namespace: string; kind: string; name: string }>;
  risks: Map<string, CacheCell>;
}

export function nodeCacheMatrix(
  workloads: readonly WorkloadContainerReport[],
  nodes: readonly SnapshotNode[],
): CacheMatrix {
  const rows = new Map<string, RowBuilder>();
  for (const w of workloads) {
    const parsed = parseImageReference(w.image);
    if (!parsed.ok || parsed.reference.digest !== undefined) continue;
    const key = tagKey(parsed.reference);
    if (key === undefined) continue;
    const row = rows.get(key) ?? {
      image: `${familiarName(parsed.reference)}:${effectiveTag(parsed.reference) ?? ''}`,
      current: undefined,
      accepted: new Set<string>(),
      policies: new Set<PullPolicy>(),
      workloads: new Map(),
      risks: new Map(),
    };
    rows.set(key, row);
    row.current ??= w.current;
    if (w.current !== undefined) row.accepted.add(w.current);
    // A fresh replica's digest is current too (an index's child for its platform).
    for (const r of w.running) if (r.verdict === 'fresh') row.accepted.add(r.digest);
    row.policies.add(w.policy.policy);
    row.workloads.set(`${w.namespace}/${w.workload.kind}/${w.workload.name}`, {
      namespace: w.namespace,
      kind: w.workload.kind,
      name: w.workload.name,
    });
    for (const risk of w.nodeRisks) {
      if (risk.risk === 'old-image-cached' || risk.risk === 'current')
        row.risks.set(risk.node, {
          node: risk.node,
          state: risk.risk === 'current' ? 'current' : 'old',
          cachedDigest: risk.cachedDigest,
        });
    }
  }
  const names = nodes.map((n) => n.name).sort();
  const indexes = new Map(nodes.map((n) => [n.name, indexNodeImages(n.images)]));
  const built = [...rows.entries()].map(([key, row]) => ({
    image: row.image,
    current: row.current,
    policies: [...row.policies].sort(),
    workloads: [...row.workloads.values()],
    cells: names.map(
      (node) =>
        row.risks.get(node) ?? cellOf(node, indexes.get(node)?.get(key), row.current, row.accepted),
    ),
  }));
  return { nodes: names, rows: built.sort(compareRows) };
}

function cellOf(
  node: string,
  cached: CachedTag | undefined,
  current: string | undefined,
  accepted: ReadonlySet<string>,
): CacheCell {
  if (cached === undefined || !cached.cached)
    return { node, state: 'not-cached', cachedDigest: undefined };
  if (cached.digest === undefined || current === undefined)
    return { node, state: 'unknown', cachedDigest: cached.digest };
  return {
    node,
    state: accepted.has(cached.digest) ? 'current' : 'old',
    cachedDigest: cached.digest,
  };
}

/** Rows with old cells first, then by image. */
function compareRows(a: CacheMatrixRow, b: CacheMatrixRow): number {
  const old = (r: CacheMatrixRow): number => r.cells.filter((c) => c.state === 'old').length;
  return old(b) - old(a) || a.image.localeCompare(b.image);
}
