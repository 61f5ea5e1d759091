// `--help` paragraphs are written unwrapped and wrapped by commander to the terminal, so at any
// width no line ends early: a paragraph line is never followed by one whose first word would have
// fitted. Indented lines (tables, examples, option lists) are laid out by hand or by commander.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { main } from './main.ts';

const COMMANDS = [
  [],
  ['ref'],
  ['lint'],
  ['pin'],
  ['fix'],
  ['resolve'],
  ['status'],
  ['explain'],
  ['controller'],
  ['webhook'],
  ['webhook', 'manifests'],
  ['ui'],
  ['completion'],
];

async function help(command: readonly string[], columns: number): Promise<string> {
  let out = '';
  const stdout = { isTTY: true, columns, write: (chunk: string) => (out += chunk) };
  const stderr = { write: () => true };
  const code = await main([...command, '--help'], {
    stdout,
    stderr,
    env: {},
    programName: 'kube-fresh',
  });
  assert.equal(code, 0);
  return out;
}

/** Pairs of paragraph lines where the second's first word would have fitted on the first. */
function raggedLines(text: string, width: number): string[] {
  const lines = text.split('\n');
  const ragged: string[] = [];
  for (let i = 1; i < lines.length; i++) {
    const previous = lines[i - 1] ?? '';
    const line = lines[i] ?? '';
    const paragraph = (l: string) => l.length > 0 && !/^\s/.test(l);
    if (!paragraph(previous) || !paragraph(line)) continue;
    const firstWord = line.split(' ')[0] ?? '';
    if (previous.length + 1 + firstWord.length <= width) ragged.push(`${previous}⏎${line}`);
  }
  return ragged;
}

describe('--help wrapping', () => {
  for (const command of COMMANDS) {
    for (const width of [80, 200]) {
      it(`kube-fresh ${command.join(' ') || '(root)'} --help at ${width} columns is not ragged`, async () => {
        const text = await help(command, width);
        assert.deepEqual(raggedLines(text, width), []);
        const tooLong = text.split('\n').filter((line) => line.length > width);
        assert.deepEqual(tooLong, []);
      });
    }
  }

  it('wraps a long paragraph to the terminal width', async () => {
    const narrow = (await help(['pin'], 80)).split('\n');
    const wide = (await help(['pin'], 200)).split('\n');
    assert.ok(wide.length < narrow.length);
    assert.ok(
      wide.some((line) => line.length > 150),
      'uses the width',
    );
  });
});
