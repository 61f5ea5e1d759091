// `kube-fresh status`: which workloads run an old image, across a cluster.

import { Option, type Command } from '@commander-js/extra-typings';
import { addClusterOptions } from '../../cluster-flags.ts';
import type { CliIo } from '../../io.ts';
import { addRegistryOptions } from '../../registry-flags.ts';

export function registerStatusCommand(
  program: Command,
  io: CliIo,
  setExit: (code: number) => void,
): void {
  const command = program
    .command('status')
    .summary('show which workloads run a digest their tag no longer points to')
    .description(
      'Reads the Pods in scope (with their workloads, Nodes, Events and pull secrets) in one pass, asks each registry once per distinct tag, and judges every container: fresh (runs what the tag points to now, also through the index child for its node or the image config), stale, pinned, pinned-behind (a tag@digest whose tag moved), or unknown with the reason (registry unreachable or unauthorized, no imageID yet, …). A workload is mixed when its replicas run different digests. For mutable tags under IfNotPresent it also names the nodes whose cached copy of the tag is old: a new Pod scheduled there would start the old image.\n\n' +
        "Registry credentials: the Pods' imagePullSecrets (which include their ServiceAccount's), then the local docker config.\n\n" +
        'Exit status: 0, or 1 with --exit-code when anything is stale or mixed; 2 on a usage error; 3 when the cluster cannot be read.',
    )
    .argument('[KIND/NAME...]', 'only these workloads, e.g. deploy/web sts/db pod/debug')
    .addOption(
      new Option(
        '-l, --selector <SELECTOR>',
        'only Pods with these labels (kubectl label selector syntax)',
      ),
    )
    .addOption(
      new Option('-o, --output <format>', 'output format')
        .choices(['table', 'wide', 'json', 'yaml'] as const)
        .default('table' as const),
    )
    .option('--exit-code', 'exit 1 when any workload is stale or mixed');
  addRegistryOptions(addClusterOptions(command))
    .addHelpText(
      'after',
      `\nExamples:\n` +
        `  ${io.programName} status -A\n` +
        `  ${io.programName} status -n prod deploy/web sts/db -o wide\n` +
        `  ${io.programName} status -n ci -l app=runner --exit-code -o json\n`,
    )
    .action(async (workloads, options) => {
      const { runStatus } = await import('./status.ts');
      setExit(await runStatus(workloads, options, io));
    });
}
