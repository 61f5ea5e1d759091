// From `status` reports to fix targets: the reports grouped per workload, and — for workloads fix
// does not patch (bare Pods, Jobs, other kinds) or that need nothing — the verdict per container
// from the Pods alone, with the manual step where there is one.

import { judgeWorkload, type WorkloadVerdict } from '../../core/container-verdict.ts';
import type { Digest } from '../../core/digest.ts';
import { parseImageReference } from '../../core/image-reference.ts';
import { pinnedImage } from '../../core/pin.ts';
import { isActionable, unknownReasons } from './decide-container.ts';
import type { SkippedTarget, WorkloadId } from './fix-types.ts';
import type { WorkloadContainerReport } from '../workload-report.ts';

export interface WorkloadGroup {
  readonly workload: WorkloadId;
  readonly reports: readonly WorkloadContainerReport[];
}

export function groupByWorkload(reports: readonly WorkloadContainerReport[]): WorkloadGroup[] {
  const groups = new Map<string, { workload: WorkloadId; reports: WorkloadContainerReport[] }>();
  for (const report of reports) {
    const workload = {
      namespace: report.namespace,
      kind: report.workload.kind,
      name: report.workload.name,
    };
    const key = `${workload.namespace}/${workload.kind}/${workload.name}`;
    const group = groups.get(key) ?? { workload, reports: [] };
    group.reports.push(report);
    groups.set(key, group);
  }
  return [...groups.values()];
}

export interface PodJudgement {
  readonly upToDate: number;
  readonly unknown: readonly SkippedTarget[];
  /** Containers whose Pods are stale, mixed or pinned-behind, with the image to move to. */
  readonly actionable: readonly { readonly container: string; readonly to: string | undefined }[];
}

/** Per container name, over every replica of the workload (whatever image each runs). */
export function judgeByPods(group: WorkloadGroup): PodJudgement {
  const byContainer = new Map<string, WorkloadContainerReport[]>();
  for (const r of group.reports)
    byContainer.set(r.container, [...(byContainer.get(r.container) ?? []), r]);
  let upToDate = 0;
  const unknown: SkippedTarget[] = [];
  const actionable: { container: string; to: string | undefined }[] = [];
  for (const [container, rows] of byContainer) {
    const verdict: WorkloadVerdict = judgeWorkload(
      rows.flatMap((r) => r.replicas.map((p) => p.verdict)),
    );
    if (isActionable(verdict)) actionable.push({ container, to: targetImage(rows) });
    else if (verdict === 'unknown')
      unknown.push({
        workload: group.workload,
        container,
        reason: 'unknown',
        message: unknownReasons(rows.flatMap((r) => r.replicas)),
      });
    else upToDate++;
  }
  return { upToDate, unknown, actionable };
}

/** The manual step for a stale container of a workload fix does not patch. */
export function manualStep(
  workload: WorkloadId,
  container: string,
  to: string | undefined,
): SkippedTarget {
  const { namespace, kind, name } = workload;
  const image = to ?? 'the image pinned to its current digest';
  if (kind === 'Pod') {
    return {
      workload,
      container,
      reason: 'manual',
      message: `a bare Pod cannot be rolled forward: recreate it with image ${image}`,
      command: `kubectl -n ${namespace} get pod ${name} -o yaml > ${name}.yaml  # set image: ${image}, then: kubectl replace --force -f ${name}.yaml`,
    };
  }
  if (kind === 'Job') {
    return {
      workload,
      container,
      reason: 'manual',
      message: `a Job's Pod template cannot be changed: recreate the Job from its manifest with image ${image}`,
      command: `kube-fresh pin --write <manifest> && kubectl -n ${namespace} delete job ${name} && kubectl apply -f <manifest>`,
    };
  }
  return {
    workload,
    container,
    reason: 'unsupported-kind',
    message: `kube-fresh fix does not patch a ${kind}: set image ${image} in its Pod template yourself`,
  };
}

function targetImage(rows: readonly WorkloadContainerReport[]): string | undefined {
  const row = rows.find((r) => r.current !== undefined && isActionable(r.verdict)) ?? rows[0];
  const parsed = row === undefined ? undefined : parseImageReference(row.image);
  if (row?.current === undefined || parsed === undefined || !parsed.ok) return undefined;
  return pinnedImage(row.image, parsed.reference, row.current as Digest);
}
