// Runs `kube-fresh ref`: describe each image, print, and choose the exit code.

import type { PullPolicy } from '../../../core/pull-policy.ts';
import { describeReference } from '../../../core/reference-report.ts';
import { ExitCode, type CliIo } from '../../io.ts';
import { renderReferenceReports } from './reference-text.ts';

export interface RefOptions {
  readonly pullPolicy: PullPolicy | undefined;
  readonly output: 'text' | 'json';
}

export function runRef(images: readonly string[], options: RefOptions, io: CliIo): number {
  const reports = images.map((image) => describeReference(image, options.pullPolicy));
  const text =
    options.output === 'json'
      ? `${JSON.stringify(reports, null, 2)}\n`
      : renderReferenceReports(reports);
  io.stdout.write(text);
  return reports.every((report) => report.valid) ? ExitCode.ok : ExitCode.findings;
}
