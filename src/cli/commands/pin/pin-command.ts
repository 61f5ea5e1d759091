// `kube-fresh pin`: tags to digests, without disturbing the file. Options are declared here; the
// work is loaded on demand.

import { Option, type Command } from '@commander-js/extra-typings';
import type { CliIo } from '../../io.ts';
import { addRegistryOptions } from '../../registry-flags.ts';

export function registerPinCommand(
  program: Command,
  io: CliIo,
  setExit: (code: number) => void,
): void {
  const command = program
    .command('pin')
    .summary('pin every image tag to the digest it points to now, changing nothing else')
    .description(
      'Every image with a tag becomes repo:tag@sha256:<digest the tag points to now> (the index digest for multi-arch images, so every platform keeps working), spelled as written (nginx:1.27 stays short, quotes stay). A tag@digest image is re-resolved and updated if the tag moved; a digest-only image is left alone. Everything else stays byte for byte: comments, key order, quoting, indentation, anchors, document separators, line ends. One registry request per distinct tag; a second run changes nothing.\n\n' +
        'Untagged and :latest images: written as name:latest@sha256:… (the tag is kept so the image can be re-pinned). Kubernetes defaults :latest to imagePullPolicy Always even with a digest (KF005), so when the container sets no policy, pin adds "imagePullPolicy: IfNotPresent" on the next line (safe: a digest cannot go stale) and prints a note. Set imagePullPolicy yourself to keep pin from adding it.\n\n' +
        'Without --write, --check or --diff the pinned manifests go to stdout (several files as one stream, joined by ---); if any input fails, nothing is printed. With --write each file is replaced atomically; a file that fails to parse or resolve is reported and left untouched while the others are written. A file that changed after it was read (an editor, git checkout, a second run), is read-only or has other hard links is left untouched too, with the reason: nothing is lost.\n\n' +
        'Exit status: 0 when done (with --check: nothing would change), 1 when --check finds something to pin, a tag could not be resolved or a file was left untouched, 2 on a usage error or input that cannot be read or parsed.',
    )
    .argument('<PATH...>', 'manifest files, folders (*.yaml, *.yml), or - for stdin')
    .addOption(new Option('--write', 'replace the files in place').conflicts(['check', 'diff']))
    .addOption(
      new Option('--check', 'write nothing; exit 1 if anything would change').conflicts('diff'),
    )
    .addOption(new Option('--diff', 'print a unified diff instead of the manifests'));
  addRegistryOptions(command)
    .addHelpText(
      'after',
      `\nExamples:\n` +
        `  ${io.programName} pin --write k8s/\n` +
        `  helm template my-release ./chart | ${io.programName} pin - | kubectl apply -f -\n` +
        `  ${io.programName} pin --check k8s/          # CI gate: fails when a tag moved\n` +
        `  ${io.programName} pin --diff --insecure-registry localhost:5000 deploy.yaml\n`,
    )
    .action(async (paths, options) => {
      const { runPin } = await import('./pin.ts');
      setExit(await runPin(paths, options, io));
    });
}
