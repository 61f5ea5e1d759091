// The confirmation prompt before live `fix` patches anything: the question on stderr (stdout may be
// a JSON document), one line read from stdin; anything but y/yes — including end of input — is no.

import { createInterface } from 'node:readline';
import type { CliIo } from '../../io.ts';

/** Both ends are a terminal: someone can read the plan and answer. */
export function isInteractive(io: CliIo): boolean {
  return io.stdin?.isTTY === true && io.stderr.isTTY === true;
}

export async function confirm(io: CliIo, question: string): Promise<boolean> {
  const input = io.stdin;
  if (input === undefined) return false;
  io.stderr.write(question);
  const lines = createInterface({ input, terminal: false });
  try {
    const answer = await new Promise<string | undefined>((resolve) => {
      lines.once('line', resolve);
      lines.once('close', () => resolve(undefined));
    });
    if (answer === undefined) io.stderr.write('\n');
    return /^\s*y(es)?\s*$/i.test(answer ?? '');
  } finally {
    lines.close();
  }
}
