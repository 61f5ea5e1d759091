// `fix`: offline, set the pull policy on the containers KF001 and KF003 flag (after suppressions
// and `.kube-fresh.yaml`), with the same byte-for-byte guarantees as `pin`.

import { UsageError } from '../core/errors.ts';
import type { PullPolicy } from '../core/pull-policy.ts';
import { planPullPolicyFix } from '../manifests/fix-pull-policies.ts';
import type { RuleId } from '../manifests/lint-rules.ts';
import {
  readManifestInputs,
  type InputFailure,
  type ManifestInputs,
} from '../manifests/manifest-files.ts';
import { parseManifests } from '../manifests/parse-manifests.ts';
import { countsOf } from '../manifests/verify-edits.ts';
import { lintInput, loadLintConfig } from './lint-manifest-files.ts';
import { finishEdits, type EditMode } from './write-manifest-edits.ts';

/** The rules whose containers `fix` changes: a mutable tag the node may never re-check. */
export const FIXED_RULES: readonly RuleId[] = ['KF001', 'KF003'];

export interface FixRequest {
  readonly paths: readonly string[];
  readonly mode: Exclude<EditMode, 'check'>;
  readonly policy: PullPolicy;
  readonly configFile: string | undefined;
  readonly cwd: string;
}

export interface FixChange {
  readonly line: number;
  readonly image: string;
  readonly container: string;
  readonly from: string | undefined;
  readonly to: PullPolicy;
}

export interface FixedFile {
  readonly file: string;
  readonly status: 'changed' | 'unchanged' | 'failed';
  /** Why a failed file was left untouched: `parse` errors, a failed `edit` check, or a `write`. */
  readonly failure?: {
    readonly kind: 'parse' | 'edit' | 'write';
    readonly messages: readonly string[];
  };
  /** Containers that were flagged but could not be changed, with why. */
  readonly warnings: readonly string[];
  readonly changes: readonly FixChange[];
  readonly output?: string;
  readonly diff?: string;
}

export interface FixReport {
  readonly files: readonly FixedFile[];
  readonly readFailures: readonly InputFailure[];
}

type ReadInputs = (paths: readonly string[]) => Promise<ManifestInputs>;

export async function fixManifestFiles(
  request: FixRequest,
  read: ReadInputs = readManifestInputs,
): Promise<FixReport> {
  if (request.mode === 'write' && request.paths.includes('-')) {
    throw new UsageError('--write needs files: with "-" the fixed manifests go to stdout');
  }
  const { config, configFile } = await loadLintConfig(request);
  const { inputs, failures } = await read(request.paths);
  const files: FixedFile[] = [];
  for (const input of inputs) {
    const parsed = parseManifests(input.text);
    if (parsed.errors.length > 0) {
      const messages = parsed.errors.map((e) => `${e.line}:${e.column}: ${e.message}`);
      const failure = { kind: 'parse' as const, messages };
      files.push({ file: input.file, status: 'failed', failure, warnings: [], changes: [] });
      continue;
    }
    const lint = lintInput(input, parsed, { config, configFile, cwd: request.cwd });
    const flagged = lint.findings.filter((finding) => FIXED_RULES.includes(finding.rule));
    const selected = new Set(flagged.map((finding) => finding.siteIndex));
    const plan = planPullPolicyFix(parsed, lint.linted.sites, selected, request.policy);
    const outcome = await finishEdits(input, { ...plan, before: countsOf(parsed) }, request.mode);
    const warnings = plan.skipped.map((s) => `line ${s.line}: not changed: ${s.reason}`);
    if (outcome.status === 'failed') {
      const failure = { kind: outcome.stage, messages: [outcome.reason] };
      files.push({ file: input.file, status: 'failed', failure, warnings, changes: [] });
      continue;
    }
    const changes = flagged
      .filter((finding) =>
        plan.changes.some((change) => change.site === lint.linted.sites[finding.siteIndex]),
      )
      .map((finding) => ({
        line: finding.line,
        image: finding.image,
        container: finding.container,
        from: lint.linted.sites[finding.siteIndex]?.pullPolicy?.value,
        to: request.policy,
      }));
    const diff = outcome.status === 'changed' ? outcome.diff : '';
    files.push({
      file: input.file,
      status: outcome.status,
      warnings,
      changes,
      output: outcome.output,
      diff,
    });
  }
  return { files, readFailures: failures };
}
