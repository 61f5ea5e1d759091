// `kube-fresh ref`: how Kubernetes reads an image string. Options are declared here; the work is
// loaded on demand.

import { Option, type Command } from '@commander-js/extra-typings';
import { PULL_POLICIES } from '../../../core/pull-policy.ts';
import type { CliIo } from '../../io.ts';

export function registerRefCommand(
  program: Command,
  io: CliIo,
  setExit: (code: number) => void,
): void {
  program
    .command('ref')
    .summary('show how Kubernetes parses an image reference and which pull policy it gets')
    .description(
      'For each IMAGE: the normalised name, domain, path, tag (and whether Kubernetes adds an implicit ' +
        '"latest"), digest, familiar form, the imagePullPolicy the API server gives it and why, whether ' +
        'it is mutable (a tag without a digest), and what the kubelet does when the image is and is not ' +
        'already cached on the node. Nothing is contacted: this is the model only.\n\n' +
        'Exit status: 0 when every IMAGE is valid, 1 when any is invalid, 2 on a usage error.',
    )
    .argument('<IMAGE...>', 'image references, as written in a Pod spec')
    .addOption(
      new Option(
        '--pull-policy <policy>',
        'an explicit imagePullPolicy, as if set in the spec',
      ).choices(PULL_POLICIES),
    )
    .addOption(
      new Option('-o, --output <format>', 'output format')
        .choices(['text', 'json'] as const)
        .default('text' as const),
    )
    .addHelpText(
      'after',
      `\nExamples:\n` +
        `  ${io.programName} ref nginx     # docker.io/library/nginx:latest (implicit), Always\n` +
        `  # still Always with a digest: Kubernetes looks only at the tag\n` +
        `  ${io.programName} ref 'nginx:latest@sha256:<hex>'\n` +
        `  ${io.programName} ref --pull-policy Never app:1.4\n` +
        `  ${io.programName} ref -o json localhost:5000/app:dev myhost/app\n`,
    )
    .action(async (images, options) => {
      const { runRef } = await import('./ref.ts');
      setExit(runRef(images, { pullPolicy: options.pullPolicy, output: options.output }, io));
    });
}
