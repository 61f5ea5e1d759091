// Code the library shares with the CLI takes the CLI's process surface; the library's warnings go
// to the caller's `onWarning` instead of stderr. Not exported from the package root (it would pull
// Node's types into the public .d.ts).

import type { CliIo } from '../cli/io.ts';

/** The CLI's process surface, for code shared with it: warnings go to `onWarning`. */
export function libraryIo(options: {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly onWarning?: (message: string) => void;
}): CliIo {
  const warn = options.onWarning ?? ((): void => undefined);
  return {
    stdout: { write: () => true },
    stderr: { write: (text: string) => void warn(text.replace(/^warning: /, '').trimEnd()) },
    env: options.env ?? process.env,
    programName: 'kube-fresh',
  };
}
