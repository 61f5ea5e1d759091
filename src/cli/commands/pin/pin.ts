// Runs `kube-fresh pin`: resolve and edit, then print, diff, check or write, and choose the exit code.

import { pinManifestFiles, type PinReport } from '../../../usecases/pin-manifest-files.ts';
import type { EditMode } from '../../../usecases/write-manifest-edits.ts';
import { ExitCode, type CliIo } from '../../io.ts';
import {
  createRegistryClientFromOptions,
  type RegistryCliOptions,
} from '../../registry-options.ts';
import { joinOutputs, renderPinCheck, renderPinMessages } from '../../render/edit-output.ts';

export interface PinCliOptions extends RegistryCliOptions {
  readonly write?: true | undefined;
  readonly check?: true | undefined;
  readonly diff?: true | undefined;
}

export async function runPin(
  paths: readonly string[],
  options: PinCliOptions,
  io: CliIo,
): Promise<number> {
  const mode = editMode(options);
  const client = await createRegistryClientFromOptions(options, io);
  let report: PinReport;
  try {
    report = await pinManifestFiles({ paths, mode, resolver: client.resolver });
  } finally {
    await client.close();
  }
  const failed = report.readFailures.length > 0 || report.files.some((f) => f.status === 'failed');
  if (mode === 'stdout' && !failed)
    io.stdout.write(joinOutputs(report.files.map((f) => f.output ?? '')));
  if (mode === 'diff') io.stdout.write(report.files.map((f) => f.diff ?? '').join(''));
  if (mode === 'check') io.stdout.write(renderPinCheck(report));
  io.stderr.write(renderPinMessages(report, mode));
  return exitCode(report, mode);
}

function editMode(options: PinCliOptions): EditMode {
  if (options.write) return 'write';
  if (options.check) return 'check';
  return options.diff ? 'diff' : 'stdout';
}

function exitCode(report: PinReport, mode: EditMode): number {
  const parseFailed = report.files.some((f) => f.failure?.kind === 'parse');
  if (report.readFailures.length > 0 || parseFailed) return ExitCode.usage;
  if (report.files.some((f) => f.status === 'failed')) return ExitCode.findings;
  const changed = report.files.some((f) => f.status === 'changed');
  return mode === 'check' && changed ? ExitCode.findings : ExitCode.ok;
}
