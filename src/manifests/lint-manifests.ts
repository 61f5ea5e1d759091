// Lints one parsed manifest file: every container image through the rules, as Finding values with
// the 1-based position of the image value (the scalar's first character, a quote included).

import type { Scalar } from 'yaml';
import type { Digest } from '../core/digest.ts';
import { parseImageReference, tagKey } from '../core/image-reference.ts';
import { listImageSites, type ContainerSite } from './find-image-fields.ts';
import {
  explicitPullPolicy,
  judgeImage,
  ruleById,
  type RuleId,
  type Severity,
} from './lint-rules.ts';
import type { ParsedManifests } from './parse-manifests.ts';

export interface Finding {
  readonly rule: RuleId;
  readonly severity: Severity;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly documentIndex: number;
  readonly kind: string;
  readonly namespace: string | null;
  readonly name: string | null;
  /** The container's name, or `containers[0]`-style when it has none. */
  readonly container: string;
  readonly containerList: ContainerSite['list'];
  readonly image: string;
  readonly message: string;
  /** Index of the container in `LintedFile.sites` (not part of any output). */
  readonly siteIndex: number;
}

export interface LintedFile {
  readonly findings: readonly Finding[];
  /** Every container with an image, in file order. */
  readonly sites: readonly ContainerSite[];
  readonly documents: number;
  readonly images: number;
}

export interface LintContext {
  /** The file name as shown to the user. */
  readonly file: string;
  /** What each pinned tag points to now, by tagKey (only with `--online`). */
  readonly currentDigests?: ReadonlyMap<string, Digest>;
}

/** Judges every container image of the documents that parsed. */
export function lintManifests(parsed: ParsedManifests, context: LintContext): LintedFile {
  const findings: Finding[] = [];
  const sites = listImageSites(parsed);
  for (const [siteIndex, site] of sites.entries()) {
    const finding = judgeSite(site, parsed, context);
    if (finding) findings.push({ ...finding, siteIndex });
  }
  return { findings, sites, documents: parsed.documents.length, images: sites.length };
}

function judgeSite(
  site: ContainerSite,
  parsed: ParsedManifests,
  context: LintContext,
): Omit<Finding, 'siteIndex'> | undefined {
  const image = site.image;
  if (!image) return undefined;
  const written = describeWritten(image.scalar, parsed.text);
  const hit = judgeImage({
    image: image.value,
    written,
    pullPolicy: explicitPullPolicy(site.pullPolicy?.value),
    currentDigest: currentDigestFor(image.value, context.currentDigests),
  });
  if (!hit) return undefined;
  const { line, column } = parsed.position(image.offset);
  return {
    rule: hit.rule,
    severity: ruleById(hit.rule).severity,
    file: context.file,
    line,
    column,
    documentIndex: site.documentIndex,
    kind: site.workload.kind,
    namespace: site.workload.namespace ?? null,
    name: site.workload.name ?? null,
    container: site.name ?? `${site.list}[${site.index}]`,
    containerList: site.list,
    image: image.value ?? written,
    message: hit.message,
  };
}

/** How a non-string image value reads in a message. */
function describeWritten(scalar: Scalar | undefined, text: string): string {
  if (!scalar) return 'a map or a list';
  if (scalar.value === null) return 'null (empty)';
  return scalar.range ? text.slice(scalar.range[0], scalar.range[1]) : 'a non-string value';
}

function currentDigestFor(
  image: string | undefined,
  digests: ReadonlyMap<string, Digest> | undefined,
): Digest | undefined {
  if (image === undefined || digests === undefined) return undefined;
  const parsed = parseImageReference(image);
  if (!parsed.ok || parsed.reference.digest === undefined) return undefined;
  const key = tagKey(parsed.reference);
  return key === undefined ? undefined : digests.get(key);
}
