// What one Pod-template container needs under a strategy, judged by the verdicts of the Pods that
// run the template's tag (as `status` judges them; nothing is re-derived here). Pods that still run
// another tag belong to a rollout already under way and are not the template's business.

import { judgeWorkload, type WorkloadVerdict } from '../../core/container-verdict.ts';
import { shortDigest, type Digest } from '../../core/digest.ts';
import {
  parseImageReference,
  referenceName,
  tagKey,
  type ImageReference,
} from '../../core/image-reference.ts';
import { pinnedImage, pinnedPullPolicy } from '../../core/pin.ts';
import type { TemplateContainer } from '../../cluster/write/workload-writer.ts';
import type { ContainerFix, FixStrategy, SkipReason } from './fix-types.ts';
import type { ReplicaReport, WorkloadContainerReport } from '../workload-report.ts';

export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

export type ContainerDecision =
  | { readonly decision: 'none' }
  | { readonly decision: 'up-to-date' }
  | { readonly decision: 'fix'; readonly fix: ContainerFix }
  | { readonly decision: 'skip'; readonly reason: SkipReason; readonly message: string }
  /** `pending`: the template already says what fix would set; the old Pods are not replaced yet. */
  | { readonly decision: 'unchanged'; readonly message: string; readonly pending: boolean };

export interface ContainerContext {
  readonly container: TemplateContainer;
  /** Every report of the workload. */
  readonly reports: readonly WorkloadContainerReport[];
  readonly strategy: FixStrategy;
  readonly templateAnnotations: Readonly<Record<string, string>>;
}

const ACTIONABLE: ReadonlySet<WorkloadVerdict> = new Set(['stale', 'mixed', 'pinned-behind']);

export function isActionable(verdict: WorkloadVerdict): boolean {
  return ACTIONABLE.has(verdict);
}

export function decideContainer(context: ContainerContext): ContainerDecision {
  const { container: c } = context;
  const parsed = parseImageReference(c.image);
  const judged = judgeTemplateTag(context, parsed.ok ? templateKey(parsed.reference) : undefined);
  if (!('verdict' in judged)) return judged;
  const { verdict, rows, current } = judged;
  if (!parsed.ok)
    return skip('unknown', `the template image ${JSON.stringify(c.image)} does not parse`);
  const base = { container: c.name, containerKind: c.kind, verdict, from: c.image, current };
  const ref = parsed.reference;
  if (context.strategy === 'pin') return decidePin(c, ref, base);
  if (ref.digest !== undefined) {
    return skip(
      'refused',
      `the image is pinned to ${shortDigest(ref.digest)}: ${context.strategy === 'restart' ? 'a restart' : 'pulling'} starts that digest again; use --strategy pin`,
    );
  }
  if (context.strategy === 'restart') return decideRestart(context, rows, base);
  const already = c.imagePullPolicy === 'Always';
  if (already && restartedSince(context.templateAnnotations, rows))
    return restartUnderWay(context.templateAnnotations);
  return fix({
    ...base,
    to: c.image,
    pullPolicy: already ? undefined : { from: c.imagePullPolicy, to: 'Always' },
  });
}

type Actionable = ContainerFix['verdict'];

/**
 * The verdict over the Pods that run the template's tag (`key`; undefined when the template
 * image does not parse), or the decision when there is nothing to fix.
 */
function judgeTemplateTag(
  context: ContainerContext,
  key: string | undefined,
):
  | ContainerDecision
  | { verdict: Actionable; rows: readonly WorkloadContainerReport[]; current: string } {
  const { container: c, reports } = context;
  const named = reports.filter((r) => r.container === c.name && r.containerKind === c.kind);
  const rows = key === undefined ? named : named.filter((r) => sameTag(r.image, key));
  if (rows.length === 0) {
    const moving = named.find((r) => isActionable(r.verdict));
    if (moving === undefined) return { decision: 'none' };
    return unchanged(
      `the Pods run ${moving.image} but the template now says ${c.image}: a rollout is under way; run fix again when it has finished`,
      false,
    );
  }
  const replicas = rows.flatMap((r) => r.replicas);
  const verdict = judgeWorkload(replicas.map((r) => r.verdict));
  if (verdict === 'fresh' || verdict === 'pinned') return { decision: 'up-to-date' };
  if (verdict === 'unknown') return skip('unknown', unknownReasons(replicas));
  const current = rows.find((r) => r.current !== undefined)?.current;
  if (current === undefined) return skip('unknown', 'what the tag points to now is not known');
  return { verdict, rows, current };
}

type FixBase = Omit<ContainerFix, 'to' | 'pullPolicy'>;

/**
 * The template image with the current digest. An untagged or `:latest` image defaults to Always
 * even with a digest, so — as `kube-fresh pin` does — the policy becomes IfNotPresent unless the
 * applied configuration asked for Always: a digest never needs the registry's opinion again.
 */
function decidePin(c: TemplateContainer, ref: ImageReference, base: FixBase): ContainerDecision {
  const to = pinnedImage(c.image, ref, base.current as Digest);
  if (to === c.image) {
    return unchanged(`already pinned to ${shortDigest(base.current)}`, true);
  }
  const pinPolicy = pinnedPullPolicy(ref, c.pullPolicyDeclared);
  const pullPolicy =
    pinPolicy !== undefined && c.imagePullPolicy === 'Always'
      ? { from: 'Always', to: pinPolicy }
      : undefined;
  return fix({ ...base, to, pullPolicy });
}

function decideRestart(
  context: ContainerContext,
  rows: readonly WorkloadContainerReport[],
  base: FixBase,
): ContainerDecision {
  const notAlways = rows.find((r) => r.policy.policy !== 'Always');
  if (notAlways !== undefined) {
    return skip(
      'refused',
      `a restart would not help: the Pods' imagePullPolicy is ${notAlways.policy.policy} (${notAlways.policy.reason}), so new Pods on nodes that cached the tag start the old image again; use --strategy pin`,
    );
  }
  if (restartedSince(context.templateAnnotations, rows))
    return restartUnderWay(context.templateAnnotations);
  return fix({ ...base, to: context.container.image, pullPolicy: undefined });
}

/** A restart annotation newer than every stale Pod: the restart is rolling, not yet done. */
function restartedSince(
  annotations: Readonly<Record<string, string>>,
  rows: readonly WorkloadContainerReport[],
): boolean {
  const at = Date.parse(annotations[RESTARTED_AT] ?? '');
  if (Number.isNaN(at)) return false;
  const stale = rows.flatMap((r) => r.replicas).filter((r) => r.verdict.verdict !== 'fresh');
  return stale.every((r) => Date.parse(r.pod.createdAt ?? '') < at);
}

function restartUnderWay(annotations: Readonly<Record<string, string>>): ContainerDecision {
  return unchanged(`already restarted at ${annotations[RESTARTED_AT] ?? '?'}`, true);
}

function sameTag(image: string, key: string): boolean {
  const parsed = parseImageReference(image);
  return parsed.ok && templateKey(parsed.reference) === key;
}

/** Which Pods run the template's image: by tag, or by repository for a digest-only image. */
function templateKey(ref: ImageReference): string {
  return tagKey(ref) ?? `${referenceName(ref)}:`;
}

export function unknownReasons(replicas: readonly ReplicaReport[]): string {
  const reasons = new Set<string>();
  for (const { verdict } of replicas)
    if (verdict.verdict === 'unknown') reasons.add(verdict.message);
  return [...reasons].join('; ') || 'the verdict is unknown';
}

function fix(value: ContainerFix): ContainerDecision {
  return { decision: 'fix', fix: value };
}

function skip(reason: SkipReason, message: string): ContainerDecision {
  return { decision: 'skip', reason, message };
}

function unchanged(message: string, pending: boolean): ContainerDecision {
  return { decision: 'unchanged', message, pending };
}
