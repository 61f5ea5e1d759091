// Human-readable `kube-fresh ref` output: one block per input.

import { describeKubeletAction } from '../../../core/pull-policy.ts';
import type { ReferenceReport } from '../../../core/reference-report.ts';

const LABEL_WIDTH = 15;

export function renderReferenceReports(reports: readonly ReferenceReport[]): string {
  return reports.map(renderOne).join('\n');
}

function renderOne(report: ReferenceReport): string {
  const lines = [report.input];
  const add = (label: string, value: string): void => {
    lines.push(`  ${label.padEnd(LABEL_WIDTH)}${value}`);
  };
  if (report.valid) {
    add('name', report.name ?? '');
    add('domain', report.domain === '' ? '(none)' : (report.domain ?? ''));
    add('path', report.path ?? '');
    add('tag', tagText(report));
    add('digest', report.digest ?? '-');
    add('familiar', report.familiar ?? '');
  } else if (report.error) {
    const where = report.error.column === null ? '' : ` (column ${report.error.column})`;
    add('invalid', `${report.error.message}${where} [${report.error.code}]`);
    if (report.error.column !== null) {
      add('', report.input);
      add('', `${' '.repeat(report.error.column - 1)}^`);
    }
  }
  add('pull policy', `${report.pullPolicy} (${report.pullPolicyReason})`);
  if (report.mutable !== null) add('mutable', mutableText(report));
  add(
    'if cached',
    `the kubelet ${describeKubeletAction(report.kubelet.imagePresent)}${report.credentialVerification === null ? '' : " (kubelet ≥ 1.35: when this Pod's credentials may use it, see KEP-2535 below)"}`,
  );
  add('if not cached', `the kubelet ${describeKubeletAction(report.kubelet.imageAbsent)}`);
  if (report.credentialVerification !== null) add('KEP-2535', report.credentialVerification);
  return `${lines.join('\n')}\n`;
}

function tagText(report: ReferenceReport): string {
  if (report.tag === null) return '- (a digest alone: no tag)';
  return report.tagImplicit ? `${report.tag} (implicit: none was written)` : report.tag;
}

function mutableText(report: ReferenceReport): string {
  if (!report.mutable) return 'no: the digest fixes the content';
  if (report.pullPolicy === 'IfNotPresent' || report.pullPolicy === 'Never') {
    return 'yes: nodes that cached this tag keep starting the old image after the tag moves';
  }
  return 'yes: every container start asks the registry, so the registry must be reachable';
}
