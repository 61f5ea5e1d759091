// A safety net after every edit: the edited text must parse as well as the original did, with the
// same documents and containers, and each container must read exactly what the edits meant to
// write. A file that fails this is reported and left untouched rather than written half-right.

import { listImageSites, type ContainerSite } from './find-image-fields.ts';
import { parseManifests, type ParsedManifests } from './parse-manifests.ts';

/** What the verification needs to know of the original parse (so the parse itself can be freed). */
export interface ParseCounts {
  readonly errors: number;
  readonly documents: number;
}

export function countsOf(parsed: ParsedManifests): ParseCounts {
  return { errors: parsed.errors.length, documents: parsed.documents.length };
}

/** What a container should read after the edits; `pullPolicy` is checked only when given. */
export interface ExpectedContainer {
  readonly image: string | undefined;
  readonly pullPolicy?: string;
}

export type VerifyResult = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export function verifyEditedManifests(
  before: ParseCounts,
  afterText: string,
  expected: readonly ExpectedContainer[],
): VerifyResult {
  const after = parseManifests(afterText);
  if (after.errors.length > before.errors) {
    const first = after.errors[0];
    const where = first ? ` (line ${first.line}: ${first.message})` : '';
    return fail(`the edited text does not parse${where}`);
  }
  if (after.documents.length !== before.documents) {
    return fail(
      `the edited text has ${after.documents.length} documents instead of ${before.documents}`,
    );
  }
  const sites = listImageSites(after);
  if (sites.length !== expected.length) {
    return fail(`the edited text has ${sites.length} images instead of ${expected.length}`);
  }
  return compareContainers(sites, expected);
}

function compareContainers(
  sites: readonly ContainerSite[],
  expected: readonly ExpectedContainer[],
): VerifyResult {
  for (const [index, site] of sites.entries()) {
    const want = expected[index];
    if (site.image?.value !== want?.image) {
      return fail(
        `image ${index + 1} reads ${String(site.image?.value)} instead of ${String(want?.image)}`,
      );
    }
    if (want?.pullPolicy !== undefined && site.pullPolicy?.value !== want.pullPolicy) {
      return fail(
        `image ${index + 1} has imagePullPolicy ${String(site.pullPolicy?.value)} instead of ${want.pullPolicy}`,
      );
    }
  }
  return { ok: true };
}

function fail(reason: string): VerifyResult {
  return { ok: false, reason: `internal check failed: ${reason}` };
}
