// The library's manifest functions over strings: lint (what `kube-fresh lint` reports) and pin
// (what `kube-fresh pin --write` writes), without touching files.

import type { Digest } from '../core/digest.ts';
import type { ImageResolver } from '../core/image-resolver.ts';
import { applyTextEdits } from '../manifests/edit-images.ts';
import { lintManifests, type Finding } from '../manifests/lint-manifests.ts';
import { parseManifests } from '../manifests/parse-manifests.ts';
import { collectPinTargets, planPins, type ImagePin } from '../manifests/pin-images.ts';

export type { Finding, ImagePin };

export interface ManifestLintResult {
  readonly findings: readonly Finding[];
  /** YAML that did not parse: those documents were not linted. */
  readonly errors: readonly string[];
}

/** Lints the container images of a YAML stream (`file` names it in findings). */
export function lintManifestText(text: string, file = '<string>'): ManifestLintResult {
  const parsed = parseManifests(text);
  const linted = lintManifests(parsed, { file });
  return { findings: linted.findings, errors: parsed.errors.map((e) => e.message) };
}

export interface ManifestPinResult {
  /** The text with every resolvable tag pinned (unchanged when nothing could be pinned). */
  readonly text: string;
  readonly pins: readonly ImagePin[];
  /** Tags the registry could not resolve (their images stay as they were). */
  readonly unresolved: readonly string[];
}

/**
 * Pins every tagged image to what its tag points to now, `repo:tag@sha256:…` as written, with
 * `imagePullPolicy: IfNotPresent` added for `:latest`. Like `pin --write`, an unresolved tag leaves
 * the whole text unchanged.
 */
export async function pinManifestText(
  text: string,
  resolver: ImageResolver,
): Promise<ManifestPinResult> {
  const parsed = parseManifests(text);
  const digests = new Map<string, Digest>();
  const unresolved: string[] = [];
  for (const [key, ref] of collectPinTargets(parsed)) {
    const resolved = await resolver.resolveTag(ref);
    if (resolved.ok) digests.set(key, resolved.value.digest);
    else unresolved.push(key);
  }
  const plan = planPins(parsed, digests);
  if (plan.unresolved.length > 0 || unresolved.length > 0)
    return { text, pins: [], unresolved: [...new Set([...unresolved, ...plan.unresolved])] };
  return { text: applyTextEdits(text, plan.edits), pins: plan.pins, unresolved: [] };
}
