// `kube-fresh completion bash|zsh|fish` prints a completion script; the hidden `__complete`
// (also what `kubectl_complete-fresh` runs) answers one completion request.

import { Argument, type Command } from '@commander-js/extra-typings';
import type { CliIo } from '../../io.ts';
import { SHELLS } from '../../completion/shell-scripts.ts';

export function registerCompletionCommand(program: Command, io: CliIo): void {
  program
    .command('completion')
    .summary('print a shell completion script (bash, zsh, fish)')
    .description(
      'Prints a completion script for the shell: commands, flags, flag values (output formats, contexts, namespaces) and, for explain and fix, the workloads of the namespace, read from the cluster with a short deadline and silently skipped when the cluster cannot be reached.\n\n' +
        'For "kubectl fresh <TAB>" (kubectl 1.26 or later), put an executable named kubectl_complete-fresh on your PATH: the npm package installs one, and for a krew or single-file install a symlink to kube-fresh named kubectl_complete-fresh works.',
    )
    .addArgument(new Argument('<shell>', 'the shell').choices(SHELLS))
    .addHelpText(
      'after',
      `\nExamples:\n  source <(${io.programName} completion bash)\n  ${io.programName} completion zsh > "\${fpath[1]}/_kube-fresh"\n  ${io.programName} completion fish | source\n  ln -s "$(command -v kube-fresh)" ~/.local/bin/kubectl_complete-fresh\n`,
    )
    .action(async (shell) => {
      const { completionScript } = await import('../../completion/shell-scripts.ts');
      io.stdout.write(completionScript(shell, 'kube-fresh'));
    });
}
