// The CLI entry: builds the command tree and is the one place where errors become exit codes.
// Commands are imported lazily so that start-up only pays for the command being run.

import { Command, CommanderError } from '@commander-js/extra-typings';
import { KubeFreshError } from '../core/errors.ts';
import { ExitCode, type CliIo } from './io.ts';
import { readVersion } from './version.ts';
import { registerRefCommand } from './commands/ref/ref-command.ts';
import { registerLintCommand } from './commands/lint/lint-command.ts';
import { registerPinCommand } from './commands/pin/pin-command.ts';
import { registerFixCommand } from './commands/fix/fix-command.ts';
import { registerResolveCommand } from './commands/resolve/resolve-command.ts';
import { registerStatusCommand } from './commands/status/status-command.ts';
import { registerExplainCommand } from './commands/explain/explain-command.ts';
import { registerCompletionCommand } from './commands/completion/completion-command.ts';
import { registerWebhookCommand } from './commands/webhook/webhook-command.ts';
import { registerUiCommand } from './commands/ui/ui-command.ts';
import { registerControllerCommand } from './commands/controller/controller-command.ts';

/** Runs one invocation and returns the exit code; never throws. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const outcome = { code: ExitCode.ok as number };
  const program = buildProgram(io, outcome);
  if (argv[0] === COMPLETE_COMMAND) return complete(program, argv.slice(1), io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return outcome.code;
  } catch (error) {
    return reportError(error, io);
  }
}

/** The command tree without running anything (shell completion and its tests walk it). */
export function buildCommandTree(io: CliIo): Command {
  return buildProgram(io, { code: ExitCode.ok });
}

/** The hidden command shells and kubectl call for completion candidates. */
export const COMPLETE_COMMAND = '__complete';

async function complete(program: Command, words: readonly string[], io: CliIo): Promise<number> {
  // A shell shows nothing useful for an error, so any failure is an empty answer.
  try {
    const { completeWords, formatCompletion } = await import('./completion/complete-words.ts');
    const { lazyClusterNames } = await import('./completion/lazy-names.ts');
    const typed = words.length === 0 ? [''] : words;
    io.stdout.write(
      formatCompletion(await completeWords(program, typed, lazyClusterNames(io.env))),
    );
  } catch {
    io.stdout.write(':1\n');
  }
  return ExitCode.ok;
}

function buildProgram(io: CliIo, outcome: { code: number }): Command {
  const program = new Command(io.programName)
    .description(
      'Find, explain and fix Pods that run an old image because a mutable tag moved. ' +
        'Models Kubernetes exactly: pull-policy defaulting, the kubelet image cache, runtime image IDs.',
    )
    .version(readVersion(), '--version', 'print the kube-fresh version')
    .helpOption('-h, --help', 'show help for a command')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      // Help paragraphs are written unwrapped; commander wraps them to the terminal.
      getOutHelpWidth: () => (io.stdout.isTTY ? (io.stdout.columns ?? 80) : 80),
      getErrHelpWidth: () => (io.stderr.isTTY ? (io.stderr.columns ?? 80) : 80),
    });
  program.addHelpText(
    'after',
    `\nExamples:\n  ${io.programName} ref nginx localhost:5000/app:dev\n  ${io.programName} ref -o json 'nginx:latest@sha256:…'\n`,
  );
  const setExit = (code: number): void => {
    outcome.code = code;
  };
  registerRefCommand(program, io, setExit);
  registerLintCommand(program, io, setExit);
  registerPinCommand(program, io, setExit);
  registerFixCommand(program, io, setExit);
  registerResolveCommand(program, io, setExit);
  registerStatusCommand(program, io, setExit);
  registerExplainCommand(program, io, setExit);
  registerCompletionCommand(program, io);
  registerWebhookCommand(program, io, setExit);
  registerUiCommand(program, io, setExit);
  registerControllerCommand(program, io, setExit);
  return program;
}

/** Turns an error into a message on stderr and an exit code (the npm lab script shares it). */
export function reportError(error: unknown, io: CliIo): number {
  if (error instanceof CommanderError) return commanderExitCode(error);
  if (error instanceof KubeFreshError) {
    io.stderr.write(`error: ${error.message}\n`);
    if (error.hint !== undefined) io.stderr.write(`hint: ${error.hint}\n`);
    return exitCodeFor(error.kind);
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.stderr.write(
    `internal error: ${detail}\n` +
      'This is a bug in kube-fresh; please report it with the command you ran.\n',
  );
  return ExitCode.internal;
}

function commanderExitCode(error: CommanderError): number {
  const successCodes = ['commander.helpDisplayed', 'commander.version'];
  if (successCodes.includes(error.code)) return ExitCode.ok;
  if (error.code === 'commander.help' && error.exitCode === 0) return ExitCode.ok;
  return ExitCode.usage;
}

function exitCodeFor(kind: KubeFreshError['kind']): number {
  switch (kind) {
    case 'usage':
    case 'input':
      return ExitCode.usage;
    case 'environment':
      return ExitCode.environment;
    case 'internal':
      return ExitCode.internal;
  }
}
