// Runs `kube-fresh lint`: lint, print in the chosen format, and choose the exit code.

import type { Severity } from '../../../manifests/lint-rules.ts';
import { lintManifestFiles, type LintReport } from '../../../usecases/lint-manifest-files.ts';
import { ExitCode, type CliIo } from '../../io.ts';
import { readVersion } from '../../version.ts';
import {
  createRegistryClientFromOptions,
  type RegistryCliOptions,
} from '../../registry-options.ts';
import {
  renderLintJson,
  renderLintProblems,
  renderLintSarif,
  renderLintSummary,
  renderLintText,
} from './lint-output.ts';

export interface LintCliOptions extends RegistryCliOptions {
  readonly output: 'text' | 'json' | 'sarif';
  readonly failOn: Severity;
  readonly online?: true | undefined;
  readonly config?: string | undefined;
}

const RANK: Readonly<Record<Severity, number>> = { error: 3, warning: 2, info: 1 };

export async function runLint(
  paths: readonly string[],
  options: LintCliOptions,
  io: CliIo,
): Promise<number> {
  const cwd = process.cwd();
  const client = options.online ? await createRegistryClientFromOptions(options, io) : undefined;
  let report: LintReport;
  try {
    report = await lintManifestFiles({
      paths,
      configFile: options.config,
      cwd,
      resolver: client?.resolver,
    });
  } finally {
    await client?.close();
  }
  if (options.output === 'json') io.stdout.write(renderLintJson(report));
  else if (options.output === 'sarif') io.stdout.write(renderLintSarif(report, readVersion(), cwd));
  else io.stdout.write(renderLintText(report.findings));
  io.stderr.write(renderLintProblems(report));
  if (options.output === 'text') io.stderr.write(renderLintSummary(report));
  return exitCode(report, options.failOn);
}

function exitCode(report: LintReport, failOn: Severity): number {
  if (report.problems.length > 0) return ExitCode.usage;
  const failing = report.findings.some((f) => RANK[f.severity] >= RANK[failOn]);
  return failing || report.lookupFailures.length > 0 ? ExitCode.findings : ExitCode.ok;
}
