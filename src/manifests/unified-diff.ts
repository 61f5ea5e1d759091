// A unified diff (`diff -u` / `git apply` format) of a text and the edits made to it. The edits say
// exactly which lines change, so no general diff algorithm is needed and a 10,000-document file
// costs one pass. Lines are compared with their line ends, so a changed CRLF or final newline
// shows, and carriage returns are printed as they are.

import { applyTextEdits, type TextEdit } from './edit-images.ts';

const CONTEXT = 3;

interface Block {
  /** 0-based first old line and the old/new lines (with line ends) of one changed region. */
  readonly oldStart: number;
  readonly oldLines: readonly string[];
  readonly newLines: readonly string[];
}

/** The diff of `text` → `text` with `edits`, labelled `a/<file>` and `b/<file>`; '' when equal. */
export function renderUnifiedDiff(file: string, text: string, edits: readonly TextEdit[]): string {
  const blocks = changedBlocks(text, edits);
  if (blocks.length === 0) return '';
  const lines = splitLines(text);
  let out = `--- a/${file}\n+++ b/${file}\n`;
  let delta = 0;
  for (const group of groupBlocks(blocks)) {
    const first = group[0];
    const last = group[group.length - 1];
    if (!first || !last) continue;
    const from = Math.max(0, first.oldStart - CONTEXT);
    const to = Math.min(lines.length, last.oldStart + last.oldLines.length + CONTEXT);
    let body = '';
    let oldCount = 0;
    let newCount = 0;
    let cursor = from;
    const emit = (mark: string, line: string): void => {
      body += formatLine(mark, line);
      if (mark !== '+') oldCount++;
      if (mark !== '-') newCount++;
    };
    for (const block of group) {
      for (; cursor < block.oldStart; cursor++) emit(' ', lines[cursor] ?? '');
      for (const line of block.oldLines) emit('-', line);
      for (const line of block.newLines) emit('+', line);
      cursor = block.oldStart + block.oldLines.length;
    }
    for (; cursor < to; cursor++) emit(' ', lines[cursor] ?? '');
    out += `@@ -${range(from, oldCount)} +${range(from + delta, newCount)} @@\n${body}`;
    delta += newCount - oldCount;
  }
  return out;
}

/** Changed regions as whole lines, with the lines both sides share trimmed off. */
function changedBlocks(text: string, edits: readonly TextEdit[]): Block[] {
  const starts = lineStarts(text);
  const lineOf = (offset: number): number => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const regions: { first: number; last: number; edits: TextEdit[] }[] = [];
  for (const edit of [...edits].sort((a, b) => a.start - b.start)) {
    const first = lineOf(edit.start);
    const last = lineOf(Math.max(edit.start, edit.end - 1));
    const previous = regions[regions.length - 1];
    if (previous && first <= previous.last) {
      previous.last = Math.max(previous.last, last);
      previous.edits.push(edit);
    } else regions.push({ first, last, edits: [edit] });
  }
  return regions.flatMap((region) => {
    const start = starts[region.first] ?? text.length;
    const end = starts[region.last + 1] ?? text.length;
    const shifted = region.edits.map((e) => ({ ...e, start: e.start - start, end: e.end - start }));
    const before = text.slice(start, end);
    return trimBlock(region.first, splitLines(before), splitLines(applyTextEdits(before, shifted)));
  });
}

function trimBlock(oldStart: number, oldLines: string[], newLines: string[]): Block[] {
  let head = 0;
  while (head < oldLines.length && head < newLines.length && oldLines[head] === newLines[head]) {
    head++;
  }
  let tail = 0;
  while (
    tail < oldLines.length - head &&
    tail < newLines.length - head &&
    oldLines[oldLines.length - 1 - tail] === newLines[newLines.length - 1 - tail]
  ) {
    tail++;
  }
  const oldPart = oldLines.slice(head, oldLines.length - tail);
  const newPart = newLines.slice(head, newLines.length - tail);
  if (oldPart.length === 0 && newPart.length === 0) return [];
  return [{ oldStart: oldStart + head, oldLines: oldPart, newLines: newPart }];
}

/** Blocks whose context would touch are shown in one hunk. */
function groupBlocks(blocks: readonly Block[]): Block[][] {
  const groups: Block[][] = [];
  for (const block of blocks) {
    const group = groups[groups.length - 1];
    const previous = group?.[group.length - 1];
    const gap = previous
      ? block.oldStart - (previous.oldStart + previous.oldLines.length)
      : Infinity;
    if (group && gap <= 2 * CONTEXT) group.push(block);
    else groups.push([block]);
  }
  return groups;
}

/** Lines with their `\n` (and any `\r` before it); the last may have no newline. */
function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function formatLine(mark: string, line: string): string {
  return line.endsWith('\n') ? `${mark}${line}` : `${mark}${line}\n\\ No newline at end of file\n`;
}

function range(start: number, count: number): string {
  // diff -u numbers an empty range by the line before it.
  return count === 0 ? `${start},0` : `${start + 1},${count}`;
}
