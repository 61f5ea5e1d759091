// `kube-fresh lint`: floating tags and pull policies in manifests. Options are declared here; the
// work is loaded on demand.

import { Option, type Command } from '@commander-js/extra-typings';
import type { CliIo } from '../../io.ts';
import { addRegistryOptions } from '../../registry-flags.ts';

export function registerLintCommand(
  program: Command,
  io: CliIo,
  setExit: (code: number) => void,
): void {
  const command = program
    .command('lint')
    .summary('find floating tags and pull policies that let replicas run different images')
    .description(
      'Reads manifests (files, folders searched for *.yaml and *.yml, or - for stdin; multi-document YAML, List items, Helm and kustomize output) and judges every container, init container and ephemeral container of Pods, PodTemplates, Deployments, ReplicaSets, ReplicationControllers, StatefulSets, DaemonSets, Jobs, CronJobs and Argo Rollouts. Other documents are skipped.\n\n' +
        'Rules:\n  KF001 error    mutable tag whose effective imagePullPolicy is IfNotPresent\n  KF002 warning  no tag or :latest (defaults to Always; not reproducible)\n  KF003 error    mutable tag with imagePullPolicy Never\n  KF004 info     mutable tag with explicit Always (needs the registry at every start)\n  KF005 warning  :latest@sha256:… (Kubernetes still defaults it to Always)\n  KF006 error    invalid image reference\n  KF007 error    --online only: a pinned tag@digest whose tag now points elsewhere\n\n' +
        'Silence a finding with "# kube-fresh-ignore KF001" on the image line or the line above. Severities and ignores can be set in .kube-fresh.yaml (looked for in the current folder and its parents up to the repository root), or in the file given with --config. Positions are 1-based and point at the first character of the image value (its quote, if quoted).\n\n' +
        'Exit status: 0 when clean, 1 when a finding is at or above --fail-on (or an --online lookup failed), 2 on a usage error or input that cannot be read or parsed (what could be read is still reported).',
    )
    .argument('<PATH...>', 'manifest files, folders, or - for stdin')
    .addOption(
      new Option('-o, --output <format>', 'output format')
        .choices(['text', 'json', 'sarif'] as const)
        .default('text' as const),
    )
    .addOption(
      new Option('--fail-on <severity>', 'lowest severity that makes the exit status 1')
        .choices(['error', 'warning', 'info'] as const)
        .default('error' as const),
    )
    .option('--online', 'also ask the registries whether pinned tags have moved (KF007)')
    .option('--config <FILE>', 'lint config file (default: the nearest .kube-fresh.yaml)');
  addRegistryOptions(command)
    .addHelpText(
      'after',
      `\nExamples:\n` +
        `  ${io.programName} lint k8s/\n` +
        `  helm template my-release ./chart | ${io.programName} lint -\n` +
        `  ${io.programName} lint -o sarif k8s/ > kube-fresh.sarif\n` +
        `  ${io.programName} lint --online --fail-on warning deploy.yaml\n`,
    )
    .action(async (paths, options) => {
      const { runLint } = await import('./lint.ts');
      setExit(await runLint(paths, options, io));
    });
}
