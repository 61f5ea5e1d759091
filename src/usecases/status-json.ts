// The JSON projection of a status report: what `status -o json` prints and what the dashboard's
// `GET /api/v1/workloads` answers. One function, so the two never drift apart.

import type { StatusReport } from './check-workloads.ts';

export type StatusJson = Pick<
  StatusReport,
  'target' | 'readAt' | 'workloads' | 'summary' | 'warnings'
>;

/** Exactly these keys, in this order: a report carrying more (a dashboard picture) shows no more. */
export function statusJson(report: StatusReport): StatusJson {
  return {
    target: report.target,
    readAt: report.readAt,
    workloads: report.workloads,
    summary: report.summary,
    warnings: report.warnings,
  };
}
