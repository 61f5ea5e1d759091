// `kube-fresh fix` in manifest mode (offline): plan and apply the pull-policy edits, print or
// write, choose the exit code.

import type { PullPolicy } from '../../../core/pull-policy.ts';
import { fixManifestFiles } from '../../../usecases/fix-manifest-files.ts';
import { ExitCode, type CliIo } from '../../io.ts';
import { joinOutputs, renderFixMessages } from '../../render/edit-output.ts';

export interface FixManifestsCliOptions {
  readonly write?: true | undefined;
  readonly diff?: true | undefined;
  readonly pullPolicy: PullPolicy;
  readonly config?: string | undefined;
}

export async function runFixManifests(
  paths: readonly string[],
  options: FixManifestsCliOptions,
  io: CliIo,
): Promise<number> {
  const mode = options.write ? 'write' : options.diff ? 'diff' : 'stdout';
  const report = await fixManifestFiles({
    paths,
    mode,
    policy: options.pullPolicy,
    configFile: options.config,
    cwd: process.cwd(),
  });
  const failed = report.readFailures.length > 0 || report.files.some((f) => f.status === 'failed');
  if (mode === 'stdout' && !failed)
    io.stdout.write(joinOutputs(report.files.map((f) => f.output ?? '')));
  if (mode === 'diff') io.stdout.write(report.files.map((f) => f.diff ?? '').join(''));
  io.stderr.write(renderFixMessages(report, mode));
  const parseFailed = report.files.some((f) => f.failure?.kind === 'parse');
  if (report.readFailures.length > 0 || parseFailed) return ExitCode.usage;
  return failed ? ExitCode.findings : ExitCode.ok;
}
