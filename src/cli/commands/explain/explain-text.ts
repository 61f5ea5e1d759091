// `kube-fresh explain` as text: one section per container, in the order a person asks the
// questions — what was asked for, which policy applies, what runs where, why, and what to do.

import { shortDigest } from '../../../core/digest.ts';
import type {
  ContainerExplanation,
  ExplainReport,
  PodExplanation,
} from '../../../usecases/explain/explain-workload.ts';
import type { Colors } from '../../colors.ts';

const LABEL = 16;

export function renderExplanation(report: ExplainReport, colors: Colors): string {
  const w = report.workload;
  const head = `${w.kind.toLowerCase()}/${w.name} in namespace ${w.namespace}${report.pod ? ` (asked about Pod ${report.pod})` : ''}\ncontext ${report.target.context}, server ${report.target.server}\n`;
  if (report.containers.length === 0) return `${head}\nNo running Pods found for it.\n`;
  return [head, ...report.containers.map((c) => renderContainer(c, report.pod, colors))].join('\n');
}

function renderContainer(
  c: ContainerExplanation,
  askedPod: string | undefined,
  colors: Colors,
): string {
  const lines: string[] = [
    colors.bold(
      `container ${c.container}${c.containerKind === 'regular' ? '' : ` (${c.containerKind} container)`}`,
    ),
  ];
  const row = (label: string, value: string): void =>
    void lines.push(`  ${label.padEnd(LABEL)}${value}`);
  row('spec asks for', `${c.image}${describeRef(c)}`);
  row('pull policy', `${c.policy.policy} — ${c.policy.reason}`);
  row(
    'tag now',
    c.pinnedDigest !== undefined && c.tag === undefined
      ? '(no tag: pinned by digest)'
      : c.current
        ? `${c.current} (from the registry)`
        : 'unknown (the registry did not answer)',
  );
  row('verdict', verdictText(c.verdict, colors));
  lines.push('  pods');
  for (const pod of c.pods) lines.push(...renderPod(pod, pod.pod === askedPod));
  lines.push('  why');
  for (const sentence of c.cause) lines.push(...wrap(sentence, '    - ', '      '));
  const risks = c.nodeRisks.filter((r) => r.risk !== 'not-listed');
  if (risks.length > 0) {
    lines.push('  node image caches (node.status.images; lists at most 50 images per node)');
    for (const r of risks) lines.push(`    ${r.node}: ${riskText(r.risk, r.cachedDigest)}`);
  }
  if (c.fixes.length > 0) {
    lines.push('  fix options');
    c.fixes.forEach((f, i) => {
      lines.push(`    ${i + 1}. ${f.command}`);
      lines.push(...wrap(`does: ${f.effect}`, '       ', '       '));
      lines.push(...wrap(`costs: ${f.tradeoff}`, '       ', '       '));
    });
  }
  return `${lines.join('\n')}\n`;
}

function renderPod(pod: PodExplanation, asked: boolean): string[] {
  const running =
    pod.running === undefined
      ? 'no image yet'
      : `runs ${shortDigest(pod.running.replace(/^.*@/, ''))}`;
  const since = pod.since === undefined ? '' : ` since ${pod.since}`;
  const marker = asked ? ' ←' : '';
  const lines = [
    `    ${pod.pod} on ${pod.node ?? '(unscheduled)'}: ${running}${since}, ${pod.verdict.verdict}${marker}`,
  ];
  if (pod.nodePlatform?.includes('(assumed)') === true) {
    lines.push(
      `      node platform ${pod.nodePlatform}: nodeInfo reports no CPU variant, so containerd's default is assumed when picking the index child`,
    );
  }
  if (pod.runtimeImage?.startsWith('sha256:')) {
    lines.push(
      `      the runtime now names its image ${shortDigest(pod.runtimeImage)}: no tag on the node points to it any more`,
    );
  }
  for (const e of pod.events)
    lines.push(
      `      ${e.at ?? ''} ${e.reason}: ${e.message}${e.count > 1 ? ` (×${e.count})` : ''}`,
    );
  return lines;
}

function describeRef(c: ContainerExplanation): string {
  const parts = [
    c.tag === undefined ? undefined : `tag ${c.tag}`,
    c.pinnedDigest === undefined ? undefined : `digest ${shortDigest(c.pinnedDigest)}`,
  ].filter(Boolean);
  return parts.length === 0 ? '' : `  (${parts.join(', ')})`;
}

function riskText(risk: string, digest: string | undefined): string {
  if (risk === 'old-image-cached')
    return `caches the tag at the old ${shortDigest(digest ?? '')}: a new Pod there would start it`;
  if (risk === 'current') return 'caches the tag at the current digest';
  if (risk === 'reverify-pulls')
    return `caches the tag at the old ${shortDigest(digest ?? '')}, but its kubelet would pull again for this workload's credentials (KEP-2535)`;
  return 'caches the tag, digest not listed';
}

function verdictText(verdict: string, colors: Colors): string {
  const text = verdict.toUpperCase();
  if (verdict === 'fresh' || verdict === 'pinned') return colors.green(text);
  if (verdict === 'stale' || verdict === 'mixed') return colors.red(text);
  return colors.yellow(text);
}

function wrap(text: string, first: string, rest: string, width = 100): string[] {
  const words = text.split(' ');
  const lines: string[] = [];
  let line = first;
  for (const word of words) {
    if (line.length + word.length > width && line.trim() !== '') {
      lines.push(line.trimEnd());
      line = rest;
    }
    line += `${word} `;
  }
  lines.push(line.trimEnd());
  return lines;
}
