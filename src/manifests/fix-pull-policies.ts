// Plans `fix`: the classic, offline advice for containers that KF001 or KF003 flag — set
// `imagePullPolicy` (Always) so a node asks the registry at every start. An existing value is
// replaced in place; a missing one is inserted right after the `image:` line.

import type { PullPolicy } from '../core/pull-policy.ts';
import type { ContainerSite } from './find-image-fields.ts';
import { insertPairAfter, replaceScalar, type TextEdit } from './edit-images.ts';
import type { ParsedManifests } from './parse-manifests.ts';
import type { ExpectedContainer } from './verify-edits.ts';

export interface PullPolicyChange {
  readonly line: number;
  readonly site: ContainerSite;
  /** The explicit policy before, or undefined when it was defaulted. */
  readonly from: string | undefined;
  readonly to: PullPolicy;
}

export interface PullPolicyFixPlan {
  readonly edits: readonly TextEdit[];
  readonly changes: readonly PullPolicyChange[];
  /** Containers whose policy could not be edited, with why. */
  readonly skipped: readonly { readonly line: number; readonly reason: string }[];
  readonly expected: readonly ExpectedContainer[];
}

/**
 * Sets `policy` on the containers at `selected` (indexes into `sites`, every container with an
 * image in file order, as lintManifests lists them).
 */
export function planPullPolicyFix(
  parsed: ParsedManifests,
  sites: readonly ContainerSite[],
  selected: ReadonlySet<number>,
  policy: PullPolicy,
): PullPolicyFixPlan {
  const edits: TextEdit[] = [];
  const changes: PullPolicyChange[] = [];
  const skipped: { line: number; reason: string }[] = [];
  const expected = sites.map((site, index): ExpectedContainer => {
    const image = site.image?.value;
    if (!selected.has(index) || !site.image) return { image };
    const line = parsed.position(site.image.offset).line;
    const edit = policyEdit(parsed, site, policy);
    if (!edit.ok) {
      skipped.push({ line, reason: edit.reason });
      return { image };
    }
    edits.push(edit.edit);
    changes.push({ line, site, from: site.pullPolicy?.value, to: policy });
    return { image, pullPolicy: policy };
  });
  return { edits, changes, skipped, expected };
}

function policyEdit(
  parsed: ParsedManifests,
  site: ContainerSite,
  policy: PullPolicy,
): { ok: true; edit: TextEdit } | { ok: false; reason: string } {
  const existing = site.pullPolicy;
  if (existing) {
    if (!existing.scalar) return { ok: false, reason: 'imagePullPolicy is not a plain value' };
    return replaceScalar(
      parsed.text,
      existing.scalar,
      policy,
      parsed.isInFlow(existing.scalar.range?.[0] ?? -1),
    );
  }
  const image = site.image;
  if (!image) return { ok: false, reason: 'the container has no image' };
  const entry = { key: site.policyKey, value: policy };
  return { ok: true, edit: insertPairAfter(parsed.text, image.holder, image.pair, entry) };
}
