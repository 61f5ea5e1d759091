// Live `fix` as text: the plan (what changes on which workload, warnings, notes), what is not fixed
// and why, what is already under way; after applying, one line per workload and a summary.

import { shortDigest } from '../../../core/digest.ts';
import type {
  ContainerFix,
  FixPlan,
  FixResult,
  FixSummary,
  PlannedFix,
  WorkloadId,
} from '../../../usecases/fix-live/fix-live.ts';
import type { Colors } from '../../colors.ts';

export function renderFixPlan(plan: FixPlan, colors: Colors): string {
  const lines: string[] = [];
  if (plan.fixes.length > 0) {
    const containers = plan.fixes.reduce((n, f) => n + f.containers.length, 0);
    const dry = plan.dryRun
      ? ' (dry run: the API server checks the patches, nothing is stored)'
      : '';
    lines.push(
      `Plan: ${plan.strategy} ${count(plan.fixes.length, 'workload')} (${count(containers, 'container')}) in context "${plan.target.context}"${dry}`,
    );
    for (const fix of plan.fixes) lines.push(...planLines(fix, colors));
  } else if (plan.skipped.length === 0) {
    const settled = plan.unchanged.length > 0 ? ' or already being fixed' : '';
    lines.push(
      `Nothing to fix: ${count(plan.upToDate, 'workload container')} fresh or pinned${settled}.`,
    );
  }
  if (plan.skipped.length > 0) {
    lines.push(colors.bold('Not fixed:'));
    for (const s of plan.skipped) {
      lines.push(`  ${target(s.workload, s.container)}: ${colors.yellow(s.reason)}: ${s.message}`);
      if (s.command !== undefined) lines.push(`      ${s.command}`);
    }
  }
  if (plan.unchanged.length > 0) {
    lines.push(colors.bold('Already under way:'));
    for (const u of plan.unchanged)
      lines.push(`  ${target(u.workload, u.container)}: ${u.message}`);
  }
  return lines.map((l) => `${l}\n`).join('');
}

function planLines(fix: PlannedFix, colors: Colors): string[] {
  const lines = [`  ${target(fix.workload, undefined)}`];
  for (const c of fix.containers) lines.push(`    ${c.container}  ${describeChange(fix, c)}`);
  for (const w of fix.warnings) lines.push(`    ${colors.yellow(`! ${w}`)}`);
  for (const n of fix.notes) lines.push(`    note: ${n}`);
  return lines;
}

function describeChange(fix: PlannedFix, c: ContainerFix): string {
  const policy =
    c.pullPolicy === undefined
      ? ''
      : `; imagePullPolicy ${c.pullPolicy.from ?? '(unset)'} → ${c.pullPolicy.to}`;
  if (fix.strategy === 'pin') return `${c.from} → ${c.to} (${c.verdict})${policy}`;
  return `${c.from} (${c.verdict}): restart, new Pods pull ${shortDigest(c.current)}${policy}`;
}

const OUTCOME_LABELS: Readonly<Record<FixResult['outcome'], string>> = {
  applied: 'patched',
  'dry-run': 'dry run',
  unchanged: 'unchanged',
  conflict: 'conflict',
  failed: 'failed',
  declined: 'declined',
};

export function renderFixResults(
  results: readonly FixResult[],
  summary: FixSummary,
  colors: Colors,
): string {
  const lines = results.map((r) => {
    const label = OUTCOME_LABELS[r.outcome].padEnd(9);
    const painted =
      r.outcome === 'applied' || r.outcome === 'dry-run' ? colors.green(label) : colors.red(label);
    return `${painted}  ${target(r.workload, undefined)}: ${r.message}${details(r)}`;
  });
  lines.push(summaryLine(summary));
  return lines.map((l) => `${l}\n`).join('');
}

function details(r: FixResult): string {
  const parts: string[] = [];
  if (r.resourceVersion !== undefined && r.outcome === 'applied')
    parts.push(`resourceVersion ${r.resourceVersion.before} → ${r.resourceVersion.after}`);
  if (r.attempts > 1) parts.push(`${r.attempts} attempts: another writer changed it meanwhile`);
  if (r.event?.recorded === true) parts.push(`Event ${r.event.reason}`);
  if (r.event?.recorded === false) parts.push(`no Event: ${r.event.problem ?? 'refused'}`);
  return parts.length === 0 ? '' : ` (${parts.join('; ')})`;
}

function summaryLine(s: FixSummary): string {
  const parts = [
    s.planned === 0
      ? 'nothing patched'
      : s.dryRun
        ? `${s.dryRunAccepted} of ${s.planned} accepted by a dry run`
        : `${s.applied} of ${s.planned} patched`,
  ];
  if (s.notFixed > 0) parts.push(`${s.notFixed} not fixed`);
  if (s.failed > 0) parts.push(`${s.failed} failed`);
  if (s.unchanged > 0) parts.push(`${s.unchanged} already under way`);
  parts.push(`${s.upToDate} fresh or pinned`);
  const line = parts.join(', ');
  return `${line.charAt(0).toUpperCase()}${line.slice(1)}.`;
}

function target(w: WorkloadId, container: string | undefined): string {
  const name = `${w.namespace}/${w.kind.toLowerCase()}/${w.name}`;
  return container === undefined ? name : `${name} ${container}`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
