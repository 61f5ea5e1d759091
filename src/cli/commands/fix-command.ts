// `kube-fresh fix`: the offline remedy for KF001/KF003. Options are declared here; the work is
// loaded on demand.

import { Option, type Command } from '@commander-js/extra-typings';
import type { CliIo } from '../io.ts';

export function registerFixCommand(
  program: Command,
  io: CliIo,
  setExit: (code: number) => void,
): void {
  program
    .command('fix')
    .summary('offline: set imagePullPolicy on the containers lint flags KF001 or KF003')
    .description(
      'The classic advice, without a registry: every container that lint flags KF001 (mutable tag\n' +
        'with IfNotPresent) or KF003 (mutable tag with Never) gets imagePullPolicy: Always, so a\n' +
        'node asks the registry at every start. An existing value is replaced in place; a missing\n' +
        'one is added on the line after image:. Suppressions and .kube-fresh.yaml are honoured, and\n' +
        'everything else in the file stays byte for byte, as with pin.\n\n' +
        'Always costs a registry round trip per container start and fails starts while the registry\n' +
        'is down; "kube-fresh pin" is the cheaper fix when the registry can be reached.\n\n' +
        'Without --write or --diff the fixed manifests go to stdout (nothing if any input fails).\n\n' +
        'Exit status: 0 when done, 1 when a file could not be edited, 2 on a usage error or input\n' +
        'that cannot be read or parsed.',
    )
    .argument('<PATH...>', 'manifest files, folders (*.yaml, *.yml), or - for stdin')
    .addOption(new Option('--write', 'replace the files in place').conflicts('diff'))
    .addOption(new Option('--diff', 'print a unified diff instead of the manifests'))
    .addOption(
      new Option('--pull-policy <policy>', 'the policy to set')
        .choices(['Always'] as const)
        .default('Always' as const),
    )
    .option('--config <FILE>', 'lint config file (default: the nearest .kube-fresh.yaml)')
    .addHelpText(
      'after',
      `\nExamples:\n` +
        `  ${io.programName} fix --diff k8s/\n` +
        `  ${io.programName} fix --write deploy.yaml\n` +
        `  kustomize build overlays/prod | ${io.programName} fix - | kubectl apply -f -\n`,
    )
    .action(async (paths, options) => {
      const { runFix } = await import('./fix.ts');
      setExit(await runFix(paths, options, io));
    });
}
