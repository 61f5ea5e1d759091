// `kube-fresh fix` in live mode: check, plan, show, ask (or not), patch, report, choose the exit
// code. Loads client-node and the registry client; only fix.ts imports it, lazily.

import { UsageError } from '../../../core/errors.ts';
import type { WorkloadSelector } from '../../../cluster/read/cluster-snapshot.ts';
import { parseWorkloadArgument } from '../../../core/workload-kinds.ts';
import type { WorkloadWriter } from '../../../cluster/write/workload-writer.ts';
import {
  applyFixes,
  concludeFix,
  declineFixes,
  planFixes,
  type FixPlan,
  type FixResult,
  type FixStrategy,
} from '../../../usecases/fix-live/fix-live.ts';
import type { ClusterCliOptions } from '../../cluster-flags.ts';
import { colorsFor } from '../../colors.ts';
import { ExitCode, type CliIo } from '../../io.ts';
import type { RegistryCliOptions } from '../../registry-flags.ts';
import { renderFixJson } from './fix-live-json.ts';
import { renderFixPlan, renderFixResults } from './fix-live-text.ts';
import { confirm, isInteractive } from './fix-confirm.ts';
import { openCliSession } from '../../cli-session.ts';

export interface FixLiveCliOptions extends ClusterCliOptions, RegistryCliOptions {
  readonly strategy: FixStrategy;
  readonly dryRun?: true | undefined;
  readonly yes?: true | undefined;
  readonly selector?: string | undefined;
  readonly output: 'text' | 'json';
}

export async function runFixLive(
  args: readonly string[],
  options: FixLiveCliOptions,
  io: CliIo,
): Promise<number> {
  const workloads = parseLiveArguments(args);
  const dryRun = options.dryRun === true;
  const ask = !dryRun && options.yes !== true;
  // Decided before any request: a script must not hang on a prompt, nor patch unasked.
  if (ask && !isInteractive(io)) {
    throw new UsageError('not a terminal: pass --yes to apply, or --dry-run to preview', {
      hint: 'fix shows its plan and asks before patching; without a terminal nobody can answer',
    });
  }
  const session = await openCliSession(options, io);
  try {
    const plan = await planFixes(session.fix, {
      scope: {
        namespace: session.namespace,
        labelSelector: options.selector,
        workloads: workloads.length > 0 ? workloads : undefined,
      },
      strategy: options.strategy,
      dryRun,
    });
    session.clearProgress();
    const colors = colorsFor(io.stdout, io.env);
    const text = options.output === 'text';
    for (const warning of plan.warnings) io.stderr.write(`warning: ${warning}\n`);
    if (text) io.stdout.write(renderFixPlan(plan, colors));
    const results = await applyAfterAsking(plan, ask, session.fix.writer, io);
    const conclusion = concludeFix(plan, results);
    const code = conclusion.status === 'done' ? ExitCode.ok : ExitCode.findings;
    const listed = results.length + plan.skipped.length + plan.unchanged.length;
    if (text && listed > 0) io.stdout.write(renderFixResults(results, conclusion.summary, colors));
    if (!text)
      io.stdout.write(
        renderFixJson(plan, results, { ...conclusion.summary, status: conclusion.status }),
      );
    // Nothing could be done because the cluster refused us: exit 3 with the refusal and its hint.
    if (conclusion.accessError !== undefined) throw conclusion.accessError;
    return code;
  } finally {
    await session.close();
  }
}

/** Nothing to apply, the user's answer, or straight on with --yes / --dry-run. */
async function applyAfterAsking(
  plan: FixPlan,
  ask: boolean,
  writer: WorkloadWriter,
  io: CliIo,
): Promise<FixResult[]> {
  const n = plan.fixes.length;
  if (n === 0) return [];
  const question = n === 1 ? 'Apply this change? [y/N] ' : `Apply these ${n} changes? [y/N] `;
  if (ask && !(await confirm(io, question))) return declineFixes(plan);
  return applyFixes(plan, { writer });
}

function parseLiveArguments(args: readonly string[]): WorkloadSelector[] {
  return args.map((arg) => {
    const parsed = parseWorkloadArgument(arg);
    if (parsed.ok) return parsed.selector;
    throw new UsageError(
      `${JSON.stringify(arg)} is neither an existing file or folder (manifest mode) nor a workload: ${parsed.message}`,
    );
  });
}
