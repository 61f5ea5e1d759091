// Byte-exact edits of a manifest: the new text of a scalar comes from the CST (`setScalarValue`
// keeps its quoting style and escapes what needs escaping), and every edit is applied as a splice
// at source offsets, so each byte outside an edit is identical by construction.

import { CST, type Pair, type Scalar, type YAMLMap } from 'yaml';
import { InternalError } from '../core/errors.ts';

/** Replace `text[start, end)` with `text`; `start === end` inserts. */
export interface TextEdit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

export type EditResult =
  { readonly ok: true; readonly edit: TextEdit } | { readonly ok: false; readonly reason: string };

const TOKEN_TYPES = {
  PLAIN: 'scalar',
  QUOTE_SINGLE: 'single-quoted-scalar',
  QUOTE_DOUBLE: 'double-quoted-scalar',
} as const;

/**
 * The edit that gives `scalar` the string `value` in the same quoting style. A plain scalar inside a
 * flow collection that gains a `:` it did not have is double-quoted instead: libyaml-based readers
 * (PyYAML, older go-yaml) reject `{image: a:b}`, and a file that worked before must keep working.
 */
export function replaceScalar(
  text: string,
  scalar: Scalar,
  value: string,
  inFlow: boolean,
): EditResult {
  const range = scalar.range;
  const current = scalar.type;
  if (!range || current === undefined || !(current in TOKEN_TYPES)) {
    return { ok: false, reason: 'the value is a block scalar (| or >); edit it by hand' };
  }
  const [start, end] = range;
  const written = text.slice(start, end);
  let type: Scalar.Type = current;
  if (type === 'PLAIN' && inFlow && value.includes(':') && !written.includes(':')) {
    type = 'QUOTE_DOUBLE';
  }
  const kind = TOKEN_TYPES[current as keyof typeof TOKEN_TYPES];
  const token: CST.FlowScalar = { type: kind, offset: start, indent: 0, source: written };
  CST.setScalarValue(token, value, { inFlow, type });
  return { ok: true, edit: { start, end, text: token.source } };
}

/**
 * Inserts `key: value` as a sibling right after `after` in `map`, spelled like its neighbour (the
 * same key and value quoting, the same separator). In a block map the new pair gets its own line at
 * the neighbour's indentation with the file's line ending; in a flow map it follows after a comma.
 */
export function insertPairAfter(
  text: string,
  map: YAMLMap,
  after: Pair<Scalar, unknown>,
  entry: { readonly key: string; readonly value: string },
): TextEdit {
  const { keyStart, keyEnd, valueStart, valueEnd } = pairOffsets(after);
  const between = text.slice(keyEnd, valueStart);
  const separator = /^[ \t]*:[ \t]*$/.test(between) ? between : ': ';
  // Quote like the neighbour's key: JSON-style files get `"key": "value"`, YAML stays plain.
  const pair = `${quoteLike(after.key, entry.key)}${separator}${quoteLike(after.key, entry.value)}`;
  if (map.flow) {
    const comma = separator.endsWith(' ') ? ', ' : ',';
    return { start: valueEnd, end: valueEnd, text: `${comma}${pair}` };
  }
  const lineStart = text.lastIndexOf('\n', keyStart - 1) + 1;
  const indent = ' '.repeat(keyStart - lineStart);
  const newline = text.indexOf('\n', valueEnd);
  if (newline < 0) {
    return { start: text.length, end: text.length, text: `${lineEnding(text)}${indent}${pair}` };
  }
  const eol = text[newline - 1] === '\r' ? '\r\n' : '\n';
  return { start: newline + 1, end: newline + 1, text: `${indent}${pair}${eol}` };
}

function pairOffsets(
  pair: Pair<Scalar, unknown>,
): Record<'keyStart' | 'keyEnd' | 'valueStart' | 'valueEnd', number> {
  const keyRange = pair.key.range;
  const valueRange = (pair.value as Scalar | null)?.range;
  if (!keyRange || !valueRange) {
    throw new InternalError('cannot insert next to a pair without source positions');
  }
  return {
    keyStart: keyRange[0],
    keyEnd: keyRange[1],
    valueStart: valueRange[0],
    valueEnd: valueRange[1],
  };
}

/** Applies non-overlapping edits; identical edits (one anchored scalar reached twice) apply once. */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const unique = dedupe(edits).sort((a, b) => a.start - b.start || a.end - b.end);
  for (let i = 1; i < unique.length; i++) {
    const previous = unique[i - 1];
    const current = unique[i];
    if (previous && current && current.start < previous.end) {
      throw new InternalError(
        `overlapping edits at offsets ${previous.start} and ${current.start}`,
      );
    }
  }
  let out = '';
  let cursor = 0;
  for (const edit of unique) {
    out += text.slice(cursor, edit.start) + edit.text;
    cursor = edit.end;
  }
  return out + text.slice(cursor);
}

function dedupe(edits: readonly TextEdit[]): TextEdit[] {
  const byKey = new Map<string, TextEdit>();
  for (const edit of edits) byKey.set(`${edit.start}:${edit.end}:${edit.text}`, edit);
  return [...byKey.values()];
}

function quoteLike(neighbour: Scalar | null, text: string): string {
  if (neighbour?.type === 'QUOTE_DOUBLE') return `"${text}"`;
  if (neighbour?.type === 'QUOTE_SINGLE') return `'${text}'`;
  return text;
}

function lineEnding(text: string): string {
  const newline = text.indexOf('\n');
  return newline > 0 && text[newline - 1] === '\r' ? '\r\n' : '\n';
}
