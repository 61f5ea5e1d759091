// `.kube-fresh.yaml`: per-rule severities and ignores, validated with one schema. Parsing is pure
// and returns errors as values, each naming the file, so the CLI can show all of them at once.

import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { parseImageReference, formatReference } from '../core/image-reference.ts';
import { compileGlob } from './glob-pattern.ts';
import type { Finding } from './lint-manifests.ts';
import { RULE_IDS, type RuleId, type Severity } from './lint-rules.ts';

export const LINT_CONFIG_FILE = '.kube-fresh.yaml';

const ruleId = z.enum(RULE_IDS as [RuleId, ...RuleId[]]);
const level = z.enum(['error', 'warning', 'info', 'off'] satisfies (Severity | 'off')[]);
const patterns = z.array(z.string().min(1)).min(1);

const configSchema = z.strictObject({
  rules: z.partialRecord(ruleId, level).optional(),
  ignore: z
    .array(
      z
        .strictObject({
          rules: z.array(ruleId).min(1).optional(),
          files: patterns.optional(),
          images: patterns.optional(),
          reason: z.string().optional(),
        })
        .refine((entry) => entry.rules ?? entry.files ?? entry.images, {
          message: 'an ignore entry needs at least one of rules, files, images',
        }),
    )
    .optional(),
});

interface IgnoreEntry {
  readonly rules: readonly RuleId[] | undefined;
  readonly files: ((path: string) => boolean) | undefined;
  readonly images: ((image: string) => boolean) | undefined;
}

export interface LintConfig {
  readonly severities: Readonly<Partial<Record<RuleId, Severity | 'off'>>>;
  readonly ignores: readonly IgnoreEntry[];
}

export type LintConfigResult =
  | { readonly ok: true; readonly config: LintConfig }
  | { readonly ok: false; readonly errors: readonly string[] };

export const DEFAULT_LINT_CONFIG: LintConfig = { severities: {}, ignores: [] };

/** Parses and validates the text of a `.kube-fresh.yaml`; `fileName` prefixes every error. */
export function parseLintConfig(text: string, fileName: string): LintConfigResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const errors = doc.errors.map((error) => {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      return `${fileName}:${line}:${col}: ${error.message}`;
    });
    return { ok: false, errors };
  }
  const result = configSchema.safeParse(doc.toJS() ?? {});
  if (!result.success) {
    const errors = result.error.issues.map((issue) => {
      const path = issue.path.map(String).join('.');
      return `${fileName}: ${path === '' ? '' : `${path}: `}${issue.message}`;
    });
    return { ok: false, errors };
  }
  const ignores = (result.data.ignore ?? []).map((entry) => ({
    rules: entry.rules,
    files: anyOf(entry.files),
    images: anyOf(entry.images),
  }));
  return { ok: true, config: { severities: result.data.rules ?? {}, ignores } };
}

/**
 * The finding as the config wants it: its severity overridden, or undefined when the rule is off
 * or an ignore entry matches. `relativeFile` is the file's path relative to the config file's
 * folder, with forward slashes.
 */
export function applyLintConfig(
  finding: Finding,
  config: LintConfig,
  relativeFile: string,
): Finding | undefined {
  const severity = config.severities[finding.rule] ?? finding.severity;
  if (severity === 'off') return undefined;
  const ignored = config.ignores.some(
    (entry) =>
      (entry.rules?.includes(finding.rule) ?? true) &&
      (entry.files?.(relativeFile) ?? true) &&
      (entry.images === undefined || imageSpellings(finding.image).some(entry.images)),
  );
  return ignored ? undefined : { ...finding, severity };
}

/** The image as written and in its normalised form, so either can be matched. */
function imageSpellings(image: string): string[] {
  const parsed = parseImageReference(image);
  return parsed.ok ? [image, formatReference(parsed.reference)] : [image];
}

function anyOf(globs: readonly string[] | undefined): ((text: string) => boolean) | undefined {
  if (globs === undefined) return undefined;
  const matchers = globs.map((glob) => compileGlob(glob));
  return (text) => matchers.some((matches) => matches(text));
}
