// Which images of a Pod get pinned, and the JSON Patch that pins them. Pure: the registry answers
// come in as values. Rules: only tag references (a digest, with or without tag, is left alone, so
// a reinvocation or a re-sent object yields no patch); on UPDATE only images that changed from the
// old object (pinning an untouched image would restart its container); invalid references are left
// to the validate policy (KF006) and the kubelet.

import type { Digest } from '../../core/digest.ts';
import { parseImageReference, tagKey, type ImageReference } from '../../core/image-reference.ts';
import { pinnedImage } from '../../core/pin.ts';
import { field, podImageSites, siteKey, type ImageSite } from './pod-image-sites.ts';

/** Where the original images are recorded: `{"containers/app":"nginx:1.27", …}`. */
export const ORIGINAL_IMAGES_ANNOTATION = 'kube-fresh.io/original-images';

export interface PinCandidate {
  readonly site: ImageSite;
  readonly written: string;
  readonly reference: ImageReference;
  /** `domain/path:tag`: what one registry request answers, and the cache key. */
  readonly tagKey: string;
}

export type TagOutcome =
  { readonly ok: true; readonly digest: Digest } | { readonly ok: false; readonly reason: string };

export interface JsonPatchOp {
  readonly op: 'add' | 'replace';
  readonly path: string;
  readonly value: unknown;
}

export interface PinPatch {
  readonly ops: JsonPatchOp[];
  readonly pinned: number;
  /** One line per image left as written, for the admission warnings. */
  readonly notPinned: string[];
}

/** The tag-form images of `pod` to pin (on UPDATE: only those that differ from `oldPod`). */
export function pinCandidates(pod: unknown, oldPod?: unknown): PinCandidate[] {
  const before = new Map(
    oldPod === undefined ? [] : podImageSites(oldPod).map((s) => [siteKey(s), s.image]),
  );
  const candidates: PinCandidate[] = [];
  for (const site of podImageSites(pod)) {
    if (site.image === undefined) continue;
    if (oldPod !== undefined && before.get(siteKey(site)) === site.image) continue;
    const parsed = parseImageReference(site.image);
    if (!parsed.ok || parsed.reference.digest !== undefined) continue;
    const key = tagKey(parsed.reference);
    if (key === undefined) continue;
    candidates.push({ site, written: site.image, reference: parsed.reference, tagKey: key });
  }
  return candidates;
}

/** The patch for the resolved candidates, and a line for each one that stays as written. */
export function pinPatch(
  pod: unknown,
  candidates: readonly PinCandidate[],
  outcomes: ReadonlyMap<string, TagOutcome>,
): PinPatch {
  const ops: JsonPatchOp[] = [];
  const notPinned: string[] = [];
  const originals: Record<string, string> = {};
  for (const candidate of candidates) {
    const outcome = outcomes.get(candidate.tagKey) ?? { ok: false, reason: 'not resolved' };
    if (!outcome.ok) {
      notPinned.push(
        `kube-fresh: ${siteKey(candidate.site)} left as ${candidate.written}: ${outcome.reason}`,
      );
      continue;
    }
    const value = pinnedImage(candidate.written, candidate.reference, outcome.digest);
    ops.push({ op: 'replace', path: candidate.site.pointer, value });
    originals[siteKey(candidate.site)] = candidate.written;
  }
  if (ops.length > 0) ops.push(annotationOp(pod, originals));
  return { ops, pinned: ops.length === 0 ? 0 : ops.length - 1, notPinned };
}

/** Adds (or merges into) the original-images annotation; `/` in the key is escaped as `~1`. */
function annotationOp(pod: unknown, originals: Record<string, string>): JsonPatchOp {
  const metadata = field(pod, 'metadata');
  const annotations = field(metadata, 'annotations');
  const merged = JSON.stringify({ ...previousOriginals(annotations), ...originals });
  if (typeof metadata !== 'object' || metadata === null) {
    return {
      op: 'add',
      path: '/metadata',
      value: { annotations: { [ORIGINAL_IMAGES_ANNOTATION]: merged } },
    };
  }
  if (typeof annotations !== 'object' || annotations === null) {
    return {
      op: 'add',
      path: '/metadata/annotations',
      value: { [ORIGINAL_IMAGES_ANNOTATION]: merged },
    };
  }
  return {
    op: 'add',
    path: `/metadata/annotations/${escapePointer(ORIGINAL_IMAGES_ANNOTATION)}`,
    value: merged,
  };
}

/** What an earlier admission (a reinvocation, a previous UPDATE) recorded; junk is dropped. */
function previousOriginals(annotations: unknown): Record<string, string> {
  const text = field(annotations, ORIGINAL_IMAGES_ANNOTATION);
  if (typeof text !== 'string') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
    return Object.fromEntries(
      Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
  } catch {
    return {};
  }
}

/** RFC 6901: `~` → `~0`, `/` → `~1`. */
export function escapePointer(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}
