// `kube-fresh explain`: the story of one Pod's or workload's images, in plain language.

import { Option, type Command } from '@commander-js/extra-typings';
import { addClusterOptions } from '../../cluster-flags.ts';
import type { CliIo } from '../../io.ts';
import { addRegistryOptions } from '../../registry-flags.ts';

export function registerExplainCommand(
  program: Command,
  io: CliIo,
  setExit: (code: number) => void,
): void {
  const command = program
    .command('explain')
    .summary('explain, for one Pod or workload, which image runs where and why')
    .description(
      'For each container: what the spec asks for; the effective imagePullPolicy and where it came from (explicit, or defaulted because of the tag); which digest each Pod of the workload runs, on which node, since when; what the node\'s Events say (pulled, or "already present on machine"); what the tag points to now; the verdict and its cause; and the fix options with the exact command for each and what it costs.\n\n' +
        'A Pod is explained within its workload, so you see whether its siblings differ.\n\n' +
        'Exit status: 0; 2 on a usage error; 3 when the cluster cannot be read or the Pod/workload does not exist.',
    )
    .argument('<POD|KIND/NAME>', 'a Pod name, or a workload such as deploy/web')
    .addOption(
      new Option('-o, --output <format>', 'output format')
        .choices(['text', 'json'] as const)
        .default('text' as const),
    );
  addRegistryOptions(addClusterOptions(command))
    .addHelpText(
      'after',
      `\nExamples:\n` +
        `  ${io.programName} explain -n prod web-7d9c8b6f5-x2x4z\n` +
        `  ${io.programName} explain -n prod deploy/web -o json\n`,
    )
    .action(async (target, options) => {
      const { runExplain } = await import('./explain.ts');
      setExit(await runExplain(target, options, io));
    });
}
