// Runs `kube-fresh explain`.

import { UsageError } from '../../../core/errors.ts';
import type { WorkloadSelector } from '../../../cluster/read/cluster-snapshot.ts';
import { parseWorkloadArgument } from '../../../core/workload-kinds.ts';
import { explainWorkload } from '../../../usecases/explain/explain-workload.ts';
import type { ClusterCliOptions } from '../../cluster-flags.ts';
import { colorsFor } from '../../colors.ts';
import { ExitCode, type CliIo } from '../../io.ts';
import type { RegistryCliOptions } from '../../registry-flags.ts';
import { openCliSession } from '../../cli-session.ts';
import { renderExplanation } from './explain-text.ts';

export interface ExplainCliOptions extends ClusterCliOptions, RegistryCliOptions {
  readonly output: 'text' | 'json';
}

export async function runExplain(
  target: string,
  options: ExplainCliOptions,
  io: CliIo,
): Promise<number> {
  if (options.allNamespaces === true)
    throw new UsageError('explain reads one Pod or workload: use -n NAMESPACE, not -A');
  const selector = parseTarget(target);
  const session = await openCliSession(options, io);
  try {
    const namespace = session.namespace ?? session.target.namespace;
    const report = await explainWorkload(session.explain, namespace, selector);
    session.clearProgress();
    for (const warning of report.warnings) io.stderr.write(`warning: ${warning}\n`);
    io.stdout.write(
      options.output === 'json'
        ? `${JSON.stringify(report, null, 2)}\n`
        : renderExplanation(report, colorsFor(io.stdout, io.env)),
    );
    return ExitCode.ok;
  } finally {
    await session.close();
  }
}

function parseTarget(target: string): WorkloadSelector {
  if (!target.includes('/')) return { kind: 'Pod', name: target };
  const parsed = parseWorkloadArgument(target);
  if (!parsed.ok) throw new UsageError(parsed.message);
  return parsed.selector;
}
