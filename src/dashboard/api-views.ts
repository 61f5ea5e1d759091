// Picture → API bodies, pure. Each body is what one endpoint answers; api-schemas.ts states it.

import type { WorkloadVerdict } from '../core/container-verdict.ts';
import type { Picture } from '../usecases/dashboard-picture.ts';
import { workloadKey } from '../usecases/dashboard-picture.ts';
import { explainContainers } from '../usecases/explain/explain-workload.ts';
import { nodeCacheMatrix } from '../usecases/node-cache-matrix.ts';
import { statusJson } from '../usecases/status-json.ts';
import { runningOf, type WorkloadContainerReport } from '../usecases/workload-report.ts';

const VERDICTS: readonly WorkloadVerdict[] = [
  'fresh',
  'stale',
  'mixed',
  'pinned',
  'pinned-behind',
  'unknown',
];

function meta(picture: Picture): { version: number; source: Picture['source']; takenAt: string } {
  return { version: picture.version, source: picture.source, takenAt: picture.report.readAt };
}

export function workloadsBody(picture: Picture): object {
  return { ...statusJson(picture.report), ...meta(picture), gitOps: picture.gitOps };
}

export function overviewBody(picture: Picture): object {
  const byNamespace = new Map<string, Record<WorkloadVerdict, number>>();
  for (const w of picture.report.workloads) {
    const counts =
      byNamespace.get(w.namespace) ??
      (Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<WorkloadVerdict, number>);
    counts[w.verdict]++;
    byNamespace.set(w.namespace, counts);
  }
  const bad = (c: Record<WorkloadVerdict, number>): number => c.stale + c.mixed;
  const namespaces = [...byNamespace.entries()]
    .map(([namespace, verdicts]) => ({ namespace, verdicts }))
    .sort((a, b) => bad(b.verdicts) - bad(a.verdicts) || a.namespace.localeCompare(b.namespace));
  return {
    ...meta(picture),
    target: picture.report.target,
    summary: picture.report.summary,
    namespaces,
    history: picture.history.slice(-20).reverse(),
    warnings: picture.report.warnings,
  };
}

/** One workload, or undefined when the picture has no container of it. */
export function workloadBody(
  picture: Picture,
  id: { namespace: string; kind: string; name: string },
): object | undefined {
  const containers = picture.report.workloads.filter(
    (w) =>
      w.namespace === id.namespace && w.workload.kind === id.kind && w.workload.name === id.name,
  );
  if (containers.length === 0) return undefined;
  const stories = explainContainers(containers, picture.events);
  const key = workloadKey(id);
  return {
    ...meta(picture),
    workload: { ...id, gitOps: picture.gitOps[key] },
    verdict: worst(containers.map((c) => c.verdict)),
    containers: stories.map((story, i) => ({
      ...story,
      grid: replicaGrid(containers[i] as WorkloadContainerReport),
    })),
    history: picture.history.filter(
      (h) =>
        (h.workload !== undefined && workloadKey(h.workload) === key) ||
        (h.workload === undefined && containers.some((c) => sameTag(c.image, h.image))),
    ),
  };
}

export function nodesBody(picture: Picture): object {
  const matrix = nodeCacheMatrix(picture.report.workloads, picture.nodes);
  const nodes = [...picture.nodes]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((n) => ({
      name: n.name,
      ready: n.ready,
      architecture: n.architecture,
      operatingSystem: n.operatingSystem,
      kubeletVersion: n.kubeletVersion,
      containerRuntimeVersion: n.containerRuntimeVersion,
      images: n.images.length,
    }));
  return { ...meta(picture), nodes, rows: matrix.rows };
}

export function pictureEventBody(picture: Picture): object {
  return meta(picture);
}

/** Replicas × nodes × digests: one row per digest, one column per node, Pod names in cells. */
function replicaGrid(w: WorkloadContainerReport): object {
  const nodes = [...new Set(w.replicas.map((r) => r.pod.node ?? '(unscheduled)'))].sort();
  const digests = w.running.map((r) => ({
    digest: r.digest,
    verdict: r.verdict,
    current: r.digest === w.current || r.verdict === 'fresh',
    pods: nodes.map((node) =>
      w.replicas
        .filter((rep) => runningOf(rep) === r.digest && (rep.pod.node ?? '(unscheduled)') === node)
        .map((rep) => rep.pod.name)
        .sort(),
    ),
  }));
  return { nodes, digests };
}

const SEVERITY: readonly WorkloadVerdict[] = [
  'mixed',
  'stale',
  'pinned-behind',
  'unknown',
  'fresh',
  'pinned',
];

function worst(verdicts: readonly WorkloadVerdict[]): WorkloadVerdict {
  return SEVERITY.find((v) => verdicts.includes(v)) ?? 'unknown';
}

function sameTag(image: string, tag: string): boolean {
  return image === tag || image.startsWith(`${tag}@`);
}
