// `lint`: read the manifests, judge every container image, keep what suppressions and
// `.kube-fresh.yaml` allow, and count. With `--online`, pinned tags are looked up (KF007).

import { dirname, relative, resolve, sep } from 'node:path';
import type { Digest } from '../core/digest.ts';
import { InputError } from '../core/errors.ts';
import type { ImageResolver } from '../core/image-resolver.ts';
import {
  parseImageReference,
  tagKey,
  tagReference,
  type ImageReference,
} from '../core/image-reference.ts';
import { listImageSites } from '../manifests/find-image-fields.ts';
import {
  applyLintConfig,
  DEFAULT_LINT_CONFIG,
  LINT_CONFIG_FILE,
  parseLintConfig,
  type LintConfig,
} from '../manifests/lint-config.ts';
import { lintManifests, type Finding, type LintedFile } from '../manifests/lint-manifests.ts';
import { RULES, type RuleId, type Severity } from '../manifests/lint-rules.ts';
import {
  findLintConfigFile,
  readManifestInputs,
  readTextFile,
  STDIN_NAME,
  type ManifestInput,
  type ManifestInputs,
} from '../manifests/manifest-files.ts';
import { parseManifests, type ParsedManifests } from '../manifests/parse-manifests.ts';
import type { InputProblem } from '../manifests/sarif.ts';
import { isSuppressed, readSuppressions } from '../manifests/suppressions.ts';
import { describeLookupFailure, lookupTags } from './lookup-tags.ts';

export interface LintRequest {
  readonly paths: readonly string[];
  /** An explicit `--config` file; otherwise `.kube-fresh.yaml` is looked for from `cwd` up. */
  readonly configFile: string | undefined;
  readonly cwd: string;
  /** Set for `--online` (KF007). */
  readonly resolver?: ImageResolver | undefined;
}

export interface LintSummary {
  readonly files: number;
  readonly documents: number;
  readonly images: number;
  readonly errors: number;
  readonly warnings: number;
  readonly infos: number;
}

export interface LintReport {
  readonly findings: readonly Finding[];
  /** Files or documents that could not be read or parsed. */
  readonly problems: readonly InputProblem[];
  /** `--online` lookups that failed: KF007 could not be judged for these tags. */
  readonly lookupFailures: readonly string[];
  readonly summary: LintSummary;
  /** Every rule's severity after the config ('off' = disabled). */
  readonly severities: Readonly<Record<RuleId, Severity | 'off'>>;
  readonly configFile: string | undefined;
}

/** A file read and parsed, with what lint made of it. */
export interface LintedInput {
  readonly input: ManifestInput;
  readonly parsed: ParsedManifests;
  readonly linted: LintedFile;
  /** The findings that survive suppressions and the config. */
  readonly findings: readonly Finding[];
}

type ReadInputs = (paths: readonly string[]) => Promise<ManifestInputs>;

export async function lintManifestFiles(
  request: LintRequest,
  read: ReadInputs = readManifestInputs,
): Promise<LintReport> {
  const { config, configFile } = await loadLintConfig(request);
  const { inputs, failures } = await read(request.paths);
  const parsedInputs = inputs.map((input) => ({ input, parsed: parseManifests(input.text) }));
  const online = request.resolver
    ? await lookupTags(pinnedTags(parsedInputs.map((p) => p.parsed)), request.resolver)
    : undefined;
  const files = parsedInputs.map(({ input, parsed }) =>
    lintInput(input, parsed, { config, configFile, cwd: request.cwd, digests: online?.digests }),
  );
  const findings = files.flatMap((file) => file.findings);
  const problems: InputProblem[] = [
    ...failures.map((f) => ({ ...f, line: null, column: null, documentIndex: null })),
    ...files.flatMap(({ input, parsed }) =>
      parsed.errors.map((e) => ({
        file: input.file,
        line: e.line,
        column: e.column,
        documentIndex: e.documentIndex,
        message: e.message,
      })),
    ),
  ];
  const count = (severity: Severity): number =>
    findings.filter((f) => f.severity === severity).length;
  return {
    findings,
    problems,
    lookupFailures: [...(online?.failures.values() ?? [])].map(describeLookupFailure),
    summary: {
      files: inputs.length,
      documents: files.reduce((sum, f) => sum + f.linted.documents, 0),
      images: files.reduce((sum, f) => sum + f.linted.images, 0),
      errors: count('error'),
      warnings: count('warning'),
      infos: count('info'),
    },
    severities: effectiveSeverities(config),
    configFile,
  };
}

export interface LintSettings {
  readonly config: LintConfig;
  readonly configFile: string | undefined;
  readonly cwd: string;
  readonly digests?: ReadonlyMap<string, Digest> | undefined;
}

/** Lints one parsed input and applies its suppression comments and the config. */
export function lintInput(
  input: ManifestInput,
  parsed: ParsedManifests,
  settings: LintSettings,
): LintedInput {
  const linted = lintManifests(parsed, { file: input.file, currentDigests: settings.digests });
  const suppressions = readSuppressions(parsed.comments, (offset) => parsed.position(offset));
  const relativeFile = configRelativePath(input, settings);
  const findings = linted.findings.flatMap((finding) => {
    if (isSuppressed(suppressions, finding.rule, finding.line)) return [];
    const kept = applyLintConfig(finding, settings.config, relativeFile);
    return kept ? [kept] : [];
  });
  return { input, parsed, linted, findings };
}

/** Reads `--config` (must exist) or the nearest `.kube-fresh.yaml` (optional). */
export async function loadLintConfig(
  request: Pick<LintRequest, 'configFile' | 'cwd'>,
): Promise<{ config: LintConfig; configFile: string | undefined }> {
  const configFile =
    request.configFile ?? (await findLintConfigFile(request.cwd, LINT_CONFIG_FILE));
  if (configFile === undefined) return { config: DEFAULT_LINT_CONFIG, configFile };
  let text: string;
  try {
    text = await readTextFile(configFile);
  } catch (error) {
    throw new InputError(
      `cannot read ${configFile}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      { cause: error },
    );
  }
  const result = parseLintConfig(text, configFile);
  if (!result.ok) throw new InputError(`invalid lint config:\n  ${result.errors.join('\n  ')}`);
  return { config: result.config, configFile };
}

/** The tags of every `tag@digest` image, for KF007. */
function pinnedTags(files: readonly ParsedManifests[]): Map<string, ImageReference> {
  const targets = new Map<string, ImageReference>();
  for (const site of files.flatMap(listImageSites)) {
    const parsed = parseImageReference(site.image?.value ?? '');
    if (!parsed.ok || parsed.reference.digest === undefined || parsed.reference.tag === undefined)
      continue;
    const key = tagKey(parsed.reference);
    if (key !== undefined) targets.set(key, tagReference(parsed.reference));
  }
  return targets;
}

function configRelativePath(input: ManifestInput, settings: LintSettings): string {
  if (input.path === undefined) return STDIN_NAME;
  const base =
    settings.configFile === undefined
      ? settings.cwd
      : dirname(resolve(settings.cwd, settings.configFile));
  return relative(base, resolve(settings.cwd, input.path)).split(sep).join('/');
}

function effectiveSeverities(config: LintConfig): Record<RuleId, Severity | 'off'> {
  const entries = RULES.map(
    (rule) => [rule.id, config.severities[rule.id] ?? rule.severity] as const,
  );
  return Object.fromEntries(entries) as Record<RuleId, Severity | 'off'>;
}
