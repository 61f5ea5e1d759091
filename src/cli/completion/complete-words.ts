// Shell completion over the command tree: the words typed so far → candidates and a Cobra-style
// directive. kubectl (≥ 1.26) runs `kubectl_complete-fresh ARGS… PARTIAL` for `kubectl fresh <TAB>`
// and reads exactly this protocol (candidates one per line, `value\tdescription`, then
// `:<directive>`), so one engine serves kubectl and our own bash/zsh/fish scripts.

import type { Command, Option } from '@commander-js/extra-typings';

/** Cobra's ShellCompDirective bits. */
export const Directive = { default: 0, error: 1, noSpace: 2, noFileComp: 4 } as const;

export interface Candidate {
  readonly value: string;
  readonly description?: string | undefined;
}

export interface Completion {
  readonly candidates: readonly Candidate[];
  readonly directive: number;
}

/** The connection flags typed so far on the command line. */
export interface TypedSelection {
  readonly kubeconfig: string | undefined;
  readonly context: string | undefined;
  readonly namespace: string | undefined;
}

/** Names that come from the cluster or the kubeconfig; each returns [] when it cannot tell. */
export interface NameSource {
  contexts(selection: TypedSelection): Promise<string[]>;
  namespaces(selection: TypedSelection): Promise<string[]>;
  /** `deploy/web`-style names of the workloads `explain` and `fix` take. */
  workloads(selection: TypedSelection): Promise<string[]>;
}

/** Commands whose positional arguments are files. */
const FILE_ARGUMENT_COMMANDS = new Set(['lint', 'pin']);
/** Commands whose positional argument is a workload or Pod. */
const WORKLOAD_ARGUMENT_COMMANDS = new Set(['explain', 'fix']);

/** Completes the last word of `words` (the words after the program name). */
export async function completeWords(
  program: Command,
  words: readonly string[],
  names: NameSource,
): Promise<Completion> {
  const partial = words.at(-1) ?? '';
  const typed = words.slice(0, -1);
  const state = walk(program, typed);
  const selection: TypedSelection = {
    kubeconfig: state.values.get('--kubeconfig'),
    context: state.values.get('--context'),
    namespace: state.values.get('--namespace'),
  };

  if (state.pendingOption !== undefined) {
    return completeOptionValue(state.pendingOption, partial, '', names, selection);
  }
  const assigned = /^(--[^=]+)=(.*)$/.exec(partial);
  if (assigned !== null) {
    const option = findOption(state.command, assigned[1] ?? '');
    if (option !== undefined) {
      return completeOptionValue(option, assigned[2] ?? '', `${assigned[1]}=`, names, selection);
    }
  }
  if (partial.startsWith('-'))
    return filtered(optionCandidates(state.command), partial, Directive.noFileComp);
  if (state.command === program)
    return filtered(commandCandidates(program), partial, Directive.noFileComp);
  const name = state.command.name();
  if (FILE_ARGUMENT_COMMANDS.has(name)) return { candidates: [], directive: Directive.default };
  if (WORKLOAD_ARGUMENT_COMMANDS.has(name) && state.positionals === 0) {
    const workloads = await names.workloads(selection);
    return filtered(
      workloads.map((value) => ({ value })),
      partial,
      Directive.noFileComp,
    );
  }
  return { candidates: [], directive: Directive.noFileComp };
}

interface WalkState {
  command: Command;
  pendingOption: Option | undefined;
  values: Map<string, string>;
  positionals: number;
}

/** Follows the typed words: which subcommand, which option values, how many positionals. */
function walk(program: Command, typed: readonly string[]): WalkState {
  const state: WalkState = {
    command: program,
    pendingOption: undefined,
    values: new Map(),
    positionals: 0,
  };
  for (const word of typed) {
    if (state.pendingOption !== undefined) {
      state.values.set(state.pendingOption.long ?? '', word);
      state.pendingOption = undefined;
    } else if (word.startsWith('-')) {
      readOption(state, word);
    } else if (state.command === program) {
      const sub = program.commands.find((c) => c.name() === word || c.aliases().includes(word));
      if (sub === undefined) state.positionals += 1;
      else state.command = sub as unknown as Command;
    } else {
      state.positionals += 1;
    }
  }
  return state;
}

function readOption(state: WalkState, word: string): void {
  const eq = word.indexOf('=');
  const flag = eq === -1 ? word : word.slice(0, eq);
  const option = findOption(state.command, flag);
  if (option === undefined || !takesValue(option)) return;
  if (eq !== -1) state.values.set(option.long ?? '', word.slice(eq + 1));
  else state.pendingOption = option;
}

async function completeOptionValue(
  option: Option,
  partial: string,
  prefix: string,
  names: NameSource,
  selection: TypedSelection,
): Promise<Completion> {
  const choices = option.argChoices;
  if (choices !== undefined) {
    return filtered(
      choices.map((c) => ({ value: `${prefix}${c}` })),
      `${prefix}${partial}`,
      Directive.noFileComp,
    );
  }
  let values: string[] | undefined;
  if (option.long === '--namespace') values = await names.namespaces(selection);
  else if (option.long === '--context') values = await names.contexts(selection);
  if (values !== undefined) {
    return filtered(
      values.map((v) => ({ value: `${prefix}${v}` })),
      `${prefix}${partial}`,
      Directive.noFileComp,
    );
  }
  // <FILE>/<DIR> values complete as paths; anything else has no candidates to offer.
  const isPath = /<(FILE|DIR|PATH)/i.test(option.flags);
  return { candidates: [], directive: isPath ? Directive.default : Directive.noFileComp };
}

function findOption(command: Command, flag: string): Option | undefined {
  return command.options.find((o) => o.long === flag || o.short === flag);
}

function takesValue(option: Option): boolean {
  return option.required || option.optional;
}

function optionCandidates(command: Command): Candidate[] {
  const options = command.options.filter((o) => !o.hidden);
  const candidates = options.flatMap((o) =>
    [o.long, o.short]
      .filter((f): f is string => f !== undefined)
      .map((value) => ({ value, description: o.description })),
  );
  return [...candidates, { value: '--help', description: 'show help for a command' }];
}

function commandCandidates(program: Command): Candidate[] {
  // The help's own notion of visible: hidden commands (such as `__complete`) are not offered.
  return program
    .createHelp()
    .visibleCommands(program)
    .filter((c) => c.name() !== 'help')
    .map((c) => ({ value: c.name(), description: c.summary() || c.description() }));
}

function filtered(
  candidates: readonly Candidate[],
  partial: string,
  directive: number,
): Completion {
  return { candidates: candidates.filter((c) => c.value.startsWith(partial)), directive };
}

/** The protocol text: `value\tdescription` lines, then `:directive`. */
export function formatCompletion(completion: Completion): string {
  const lines = completion.candidates.map((c) =>
    c.description === undefined || c.description === ''
      ? c.value
      : `${c.value}\t${firstLine(c.description)}`,
  );
  return `${[...lines, `:${completion.directive}`].join('\n')}\n`;
}

function firstLine(text: string): string {
  return (text.split('\n')[0] ?? '').replace(/\t/g, ' ');
}
