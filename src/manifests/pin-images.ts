// Plans `pin` for one parsed file: which tags to look up, and — given what they point to now — the
// edits that write `repo:tag@sha256:…` (the image kept as the user wrote it). An untagged or
// `:latest` image is written `name:latest@sha256:…`, and because Kubernetes defaults that to
// Always, `imagePullPolicy: IfNotPresent` is added when the container sets none.

import type { Digest } from '../core/digest.ts';
import { PINNED_PULL_POLICY, pinnedImage, pinnedPullPolicy } from '../core/pin.ts';
import {
  parseImageReference,
  tagKey,
  tagReference,
  type ImageReference,
} from '../core/image-reference.ts';
import type { Scalar } from 'yaml';
import { listImageSites, type ContainerField, type ContainerSite } from './find-image-fields.ts';
import { insertPairAfter, replaceScalar, type TextEdit } from './edit-images.ts';
import type { ParsedManifests } from './parse-manifests.ts';
import type { ExpectedContainer } from './verify-edits.ts';

/** A tag to look up, by its tagKey. */
export type PinTargets = Map<string, ImageReference>;

export interface ImagePin {
  readonly line: number;
  readonly documentIndex: number;
  readonly site: ContainerSite;
  readonly from: string;
  readonly to: string;
  /** True when `imagePullPolicy: IfNotPresent` was added for this container. */
  readonly addedPullPolicy: boolean;
}

export interface SkippedImage {
  readonly line: number;
  readonly image: string;
  readonly reason: string;
}

export interface PinPlan {
  readonly edits: readonly TextEdit[];
  /** Images whose text changes. */
  readonly pins: readonly ImagePin[];
  /** Images left as they are although they are not pinned (invalid, block scalars). */
  readonly skipped: readonly SkippedImage[];
  /** Tags that had no digest in `digests`: the file must then be left alone. */
  readonly unresolved: readonly string[];
  /** What every container should read after the edits, in site order (for verification). */
  readonly expected: readonly ExpectedContainer[];
}

/** Every valid, tagged image of the documents that parsed (digest-only images need no lookup). */
export function collectPinTargets(
  parsed: ParsedManifests,
  into: PinTargets = new Map(),
): PinTargets {
  for (const site of listImageSites(parsed)) {
    const ref = referenceOf(site);
    const key = ref && tagKey(ref);
    if (ref && key !== undefined && !into.has(key)) into.set(key, tagReference(ref));
  }
  return into;
}

/** The edits that pin every tagged image to `digests` (by tagKey). */
export function planPins(parsed: ParsedManifests, digests: ReadonlyMap<string, Digest>): PinPlan {
  const plan = { edits: [] as TextEdit[], pins: [] as ImagePin[], skipped: [] as SkippedImage[] };
  const unresolved = new Set<string>();
  const expected: ExpectedContainer[] = [];
  const insertedInto = new Set<object>();
  for (const site of listImageSites(parsed)) {
    const pin = pinSite(parsed, site, digests, { plan, unresolved, insertedInto });
    const image = pin?.to ?? site.image?.value;
    expected.push(pin?.addedPullPolicy ? { image, pullPolicy: PINNED_PULL_POLICY } : { image });
  }
  return { ...plan, unresolved: [...unresolved], expected };
}

interface PlanState {
  readonly plan: { edits: TextEdit[]; pins: ImagePin[]; skipped: SkippedImage[] };
  readonly unresolved: Set<string>;
  readonly insertedInto: Set<object>;
}

/** Plans one container; returns its pin when anything about it changes. */
function pinSite(
  parsed: ParsedManifests,
  site: ContainerSite,
  digests: ReadonlyMap<string, Digest>,
  state: PlanState,
): ImagePin | undefined {
  const field = site.image;
  if (!field?.scalar || field.value === undefined) return undefined;
  const line = parsed.position(field.offset).line;
  const ref = referenceOf(site);
  if (!ref) {
    state.plan.skipped.push({ line, image: field.value, reason: 'not a valid image reference' });
    return undefined;
  }
  const key = tagKey(ref);
  if (key === undefined) return undefined;
  const digest = digests.get(key);
  if (digest === undefined) {
    state.unresolved.add(key);
    return undefined;
  }
  const to = pinnedImage(field.value, ref, digest);
  const addedPullPolicy =
    pinnedPullPolicy(ref, site.pullPolicy !== undefined) !== undefined &&
    !state.insertedInto.has(field.pair);
  if (to === field.value && !addedPullPolicy) return undefined;
  const policyKey = addedPullPolicy ? site.policyKey : undefined;
  const edits = editsFor(parsed, { ...field, scalar: field.scalar }, to, policyKey);
  if (!edits.ok) {
    state.plan.skipped.push({ line, image: field.value, reason: edits.reason });
    return undefined;
  }
  state.plan.edits.push(...edits.edits);
  if (addedPullPolicy) state.insertedInto.add(field.pair);
  const pin = {
    line,
    documentIndex: site.documentIndex,
    site,
    from: field.value,
    to,
    addedPullPolicy,
  };
  state.plan.pins.push(pin);
  return pin;
}

/** The image replacement (when the text changes) and the pull-policy insertion (when asked). */
function editsFor(
  parsed: ParsedManifests,
  field: ContainerField & { scalar: Scalar },
  to: string,
  /** The key to add `IfNotPresent` under, when a pull policy is to be added. */
  addPullPolicy: ContainerSite['policyKey'] | undefined,
): { ok: true; edits: TextEdit[] } | { ok: false; reason: string } {
  const edits: TextEdit[] = [];
  if (to !== field.value) {
    const inFlow = parsed.isInFlow(field.scalar.range?.[0] ?? -1);
    const edit = replaceScalar(parsed.text, field.scalar, to, inFlow);
    if (!edit.ok) return edit;
    edits.push(edit.edit);
  }
  if (addPullPolicy !== undefined) {
    const entry = { key: addPullPolicy, value: PINNED_PULL_POLICY };
    edits.push(insertPairAfter(parsed.text, field.holder, field.pair, entry));
  }
  return { ok: true, edits };
}

function referenceOf(site: ContainerSite): ImageReference | undefined {
  const value = site.image?.value;
  if (value === undefined) return undefined;
  const parsed = parseImageReference(value);
  return parsed.ok ? parsed.reference : undefined;
}
