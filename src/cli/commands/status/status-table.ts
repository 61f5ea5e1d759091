// `kube-fresh status` as a table (and `-o wide`), followed by the node-cache risks, the unknowns
// with their reasons, and a one-line summary.

import type { Colors } from '../../colors.ts';
import { shortDigest } from '../../../core/digest.ts';
import type { StatusReport, WorkloadContainerReport } from '../../../usecases/check-workloads.ts';
import { renderTable } from '../../render/table.ts';

const HEADER = [
  'NAMESPACE',
  'WORKLOAD',
  'CONTAINER',
  'IMAGE',
  'POLICY',
  'VERDICT',
  'RUNNING',
  'CURRENT',
];

export function renderStatusTable(report: StatusReport, wide: boolean, colors: Colors): string {
  if (report.workloads.length === 0) return `No pods found in scope (${report.target.context}).\n`;
  const header = wide ? [...HEADER, 'NODES', 'OLD-IMAGE-CACHED-ON'] : HEADER;
  const rows = report.workloads.map((w) => {
    const row = [
      w.namespace,
      workloadName(w),
      containerName(w),
      w.familiarImage,
      w.policy.policy,
      paint(w.verdict, colors),
      running(w),
      w.current ? shortHex(w.current) : '?',
    ];
    if (wide) row.push(nodes(w), riskyNodes(w).join(',') || '-');
    return row;
  });
  return [renderTable(header, rows), notes(report), summaryLine(report)]
    .filter((s) => s !== '')
    .join('\n');
}

export function workloadName(w: Pick<WorkloadContainerReport, 'workload'>): string {
  return `${w.workload.kind.toLowerCase()}/${w.workload.name}`;
}

function containerName(w: WorkloadContainerReport): string {
  return w.containerKind === 'regular' ? w.container : `${w.container} (${w.containerKind})`;
}

/** Short digests with pod counts: `4f1c2a9e0b7d×2 9c3e…×1`. */
function running(w: WorkloadContainerReport): string {
  return w.running
    .map((r) => `${r.digest.startsWith('sha256:') ? shortHex(r.digest) : r.digest}×${r.pods}`)
    .join(' ');
}

function nodes(w: WorkloadContainerReport): string {
  const all = new Set(w.running.flatMap((r) => r.nodes));
  return [...all].sort().join(',') || '-';
}

function riskyNodes(w: WorkloadContainerReport): string[] {
  return w.nodeRisks.filter((r) => r.risk === 'old-image-cached').map((r) => r.node);
}

function notes(report: StatusReport): string {
  const lines: string[] = [];
  for (const w of report.workloads) {
    for (const risk of w.nodeRisks.filter((r) => r.risk === 'old-image-cached')) {
      lines.push(
        `! ${w.namespace}/${workloadName(w)} ${w.container}: a new Pod scheduled on ${risk.node} would start the old image ${shortDigest(risk.cachedDigest ?? '')} (the node caches ${w.familiarImage} at it; ${w.policy.policy} does not ask the registry)`,
      );
    }
    const reasons = new Map<string, number>();
    for (const r of w.replicas)
      if (r.verdict.verdict === 'unknown')
        reasons.set(r.verdict.message, (reasons.get(r.verdict.message) ?? 0) + 1);
    for (const [message, count] of reasons)
      lines.push(
        `? ${w.namespace}/${workloadName(w)} ${w.container}: unknown for ${count} pod${count === 1 ? '' : 's'}: ${message}`,
      );
    const behind = w.replicas.find((r) => r.verdict.verdict === 'pinned-behind');
    if (behind?.verdict.verdict === 'pinned-behind') {
      lines.push(
        `> ${w.namespace}/${workloadName(w)} ${w.container}: pinned to ${shortDigest(behind.verdict.pinned)}, but the tag now points to ${shortDigest(behind.verdict.current)}; re-pin with kube-fresh pin`,
      );
    }
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

export function summaryLine(report: StatusReport): string {
  const s = report.summary;
  const counts = (['fresh', 'stale', 'mixed', 'pinned', 'pinned-behind', 'unknown'] as const)
    .filter((v) => s.verdicts[v] > 0)
    .map((v) => `${s.verdicts[v]} ${v}`)
    .join(', ');
  const risk =
    s.nodesAtRisk > 0
      ? `; ${s.nodesAtRisk} node${s.nodesAtRisk === 1 ? '' : 's'} cache an old image`
      : '';
  return `${s.containers} workload container${s.containers === 1 ? '' : 's'} in ${s.workloads} workload${s.workloads === 1 ? '' : 's'} (${s.pods} pods): ${counts || 'none'}${risk}. Registry: ${s.tags} tag${s.tags === 1 ? '' : 's'}, ${s.lookups} lookup${s.lookups === 1 ? '' : 's'}.\n`;
}

function shortHex(digest: string): string {
  return digest.slice(digest.indexOf(':') + 1, digest.indexOf(':') + 13);
}

function paint(verdict: string, colors: Colors): string {
  if (verdict === 'fresh' || verdict === 'pinned') return colors.green(verdict);
  if (verdict === 'stale' || verdict === 'mixed') return colors.red(verdict);
  if (verdict === 'pinned-behind') return colors.yellow(verdict);
  return colors.dim(verdict);
}
