// The CLI entry: builds the command tree and is the one place where errors become exit codes.
// Commands are imported lazily so that start-up only pays for the command being run.

import { readFileSync } from 'node:fs';
import { Command, CommanderError } from '@commander-js/extra-typings';
import { KubeFreshError } from '../core/errors.ts';
import { ExitCode, type CliIo } from './io.ts';
import { registerRefCommand } from './commands/ref-command.ts';
import { registerLintCommand } from './commands/lint-command.ts';
import { registerPinCommand } from './commands/pin-command.ts';
import { registerFixCommand } from './commands/fix-command.ts';
import { registerResolveCommand } from './commands/resolve-command.ts';
import { registerStatusCommand } from './commands/status-command.ts';
import { registerExplainCommand } from './commands/explain-command.ts';
import { registerLabCommand } from './commands/lab-command.ts';
import { registerControllerCommand } from './commands/controller-command.ts';

/** Runs one invocation and returns the exit code; never throws. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const outcome = { code: ExitCode.ok as number };
  const program = buildProgram(io, outcome);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return outcome.code;
  } catch (error) {
    return reportError(error, io);
  }
}

/** The version in package.json, read once at start-up. */
export function readVersion(): string {
  const file = new URL('../../package.json', import.meta.url);
  const pkg = JSON.parse(readFileSync(file, 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}

function buildProgram(io: CliIo, outcome: { code: number }): Command {
  const program = new Command(io.programName)
    .description(
      'Find, explain and fix Pods that run an old image because a mutable tag moved.\n' +
        'Models Kubernetes exactly: pull-policy defaulting, the kubelet image cache, runtime image IDs.',
    )
    .version(readVersion(), '--version', 'print the kube-fresh version')
    .helpOption('-h, --help', 'show help for a command')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
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
  registerLabCommand(program, io, setExit);
  registerControllerCommand(program, io, setExit);
  return program;
}

function reportError(error: unknown, io: CliIo): number {
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
