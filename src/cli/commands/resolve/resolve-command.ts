// `kube-fresh resolve`: what tags point to now, straight from the registries.

import { Option, type Command } from '@commander-js/extra-typings';
import type { CliIo } from '../../io.ts';
import { addRegistryOptions } from '../../registry-flags.ts';

export function registerResolveCommand(
  program: Command,
  io: CliIo,
  setExit: (code: number) => void,
): void {
  const command = program
    .command('resolve')
    .summary('ask the registries what each tag points to now')
    .description(
      'For each IMAGE, one manifest HEAD (free on Docker Hub) tells the digest its tag points to now ' +
        'and the media type (an index for multi-arch images). Identical tags are asked once. A GET ' +
        'is used only when a registry refuses HEAD or sends no digest, and never when its pull quota ' +
        'is nearly spent. `name:tag@digest` input also says whether the tag has moved.\n\n' +
        'Credentials come from the docker config (auths, credHelpers, credsStore); each result says ' +
        'which source was used, never the secret. Registries on localhost that speak plain HTTP are ' +
        'used over HTTP; anything else needs TLS unless named with --insecure-registry.\n\n' +
        'With --platform OS/ARCH[/VARIANT], each multi-arch image also shows the one child a node of ' +
        "that platform runs, chosen as containerd's CRI chooses it (platforms.Only: aarch64/x86_64 " +
        'aliases, amd64 also runs 386, arm64 also runs arm v8..v5, arm/vN runs vN..v5, a higher ' +
        'variant is refused, children without a platform last; on Windows the os.version must suit ' +
        'the host build given as windows(10.0.BUILD)/amd64). A node whose variant is not known is ' +
        'assumed arm64 v8 / arm v7, as the Kubernetes API reports none. An index with no child for ' +
        'the platform is a failure naming the platforms it offers.\n\n' +
        'Exit status: 0 when every image resolved, 1 when any failed (or had no child for --platform), 2 on a usage error.',
    )
    .argument('<IMAGE...>', 'image references')
    .option(
      '--platforms',
      'also list the platform children of multi-arch images (one GET per index)',
    )
    .option(
      '--platform <OS/ARCH[/VARIANT]>',
      'show the index child a node of this platform runs (containerd matching), e.g. linux/arm64',
    )
    .addOption(
      new Option('-o, --output <format>', 'output format')
        .choices(['text', 'json'] as const)
        .default('text' as const),
    );
  addRegistryOptions(command)
    .addHelpText(
      'after',
      `\nExamples:\n` +
        `  ${io.programName} resolve nginx:1.27 ghcr.io/org/app:main\n` +
        `  ${io.programName} resolve --platforms -o json localhost:5000/app:dev\n` +
        `  ${io.programName} resolve --platform linux/arm64 nginx:1.27\n` +
        `  ${io.programName} resolve --docker-config ./ci.json registry.example.com/app:1.4\n`,
    )
    .action(async (images, options) => {
      const { runResolve } = await import('./resolve.ts');
      setExit(await runResolve(images, options, io));
    });
}
