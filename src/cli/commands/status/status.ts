// Runs `kube-fresh status`.

import { UsageError } from '../../../core/errors.ts';
import type { WorkloadSelector } from '../../../cluster/read/cluster-snapshot.ts';
import { parseWorkloadArgument } from '../../../core/workload-kinds.ts';
import { checkWorkloads, type StatusReport } from '../../../usecases/check-workloads.ts';
import { statusJson } from '../../../usecases/status-json.ts';
import type { ClusterCliOptions } from '../../cluster-flags.ts';
import { colorsFor } from '../../colors.ts';
import { ExitCode, type CliIo } from '../../io.ts';
import type { RegistryCliOptions } from '../../registry-flags.ts';
import { writeJsonStreaming } from '../../render/json-stream.ts';
import { renderStatusTable } from './status-table.ts';
import { openCliSession } from '../../cli-session.ts';

export interface StatusCliOptions extends ClusterCliOptions, RegistryCliOptions {
  readonly selector?: string | undefined;
  readonly output: 'table' | 'wide' | 'json' | 'yaml';
  readonly exitCode?: true | undefined;
}

export async function runStatus(
  workloadArgs: readonly string[],
  options: StatusCliOptions,
  io: CliIo,
): Promise<number> {
  const workloads = parseWorkloads(workloadArgs);
  const session = await openCliSession(options, io);
  try {
    const scope = {
      namespace: session.namespace,
      labelSelector: options.selector,
      workloads: workloads.length > 0 ? workloads : undefined,
    };
    const report = await checkWorkloads(session.check, scope);
    session.clearProgress();
    for (const warning of report.warnings) io.stderr.write(`warning: ${warning}\n`);
    if (options.output === 'json')
      writeJsonStreaming({ ...statusJson(report) }, 'workloads', (chunk) => io.stdout.write(chunk));
    else io.stdout.write(await render(report, options.output, io));
    const bad = report.summary.verdicts.stale + report.summary.verdicts.mixed;
    return options.exitCode === true && bad > 0 ? ExitCode.findings : ExitCode.ok;
  } finally {
    await session.close();
  }
}

function parseWorkloads(args: readonly string[]): WorkloadSelector[] {
  return args.map((arg) => {
    const parsed = parseWorkloadArgument(arg);
    if (!parsed.ok) throw new UsageError(parsed.message);
    return parsed.selector;
  });
}

async function render(
  report: StatusReport,
  output: StatusCliOptions['output'],
  io: CliIo,
): Promise<string> {
  if (output === 'yaml') {
    const { stringify } = await import('yaml');
    return stringify(JSON.parse(JSON.stringify(statusJson(report))) as unknown, { lineWidth: 0 });
  }
  return renderStatusTable(report, output === 'wide', colorsFor(io.stdout, io.env));
}
