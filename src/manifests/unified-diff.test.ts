import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { applyTextEdits, type TextEdit } from './edit-images.ts';
import { renderUnifiedDiff } from './unified-diff.ts';

/** Applies the diff with GNU patch, the reference consumer of the format. */
function patchWith(text: string, diff: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'kube-fresh-diff-'));
  try {
    writeFileSync(join(dir, 'f.yaml'), text);
    execFileSync('patch', ['-s', '-p1', '-d', dir], { input: diff });
    return readFileSync(join(dir, 'f.yaml'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const lines = (n: number, eol = '\n'): string =>
  Array.from({ length: n }, (_, i) => `line ${i + 1}`).join(eol) + eol;
const at = (text: string, needle: string): number => text.indexOf(needle);

describe('renderUnifiedDiff', () => {
  it('prints the documented hunk for one changed line', () => {
    const text = lines(10);
    const edit = { start: at(text, 'line 5'), end: at(text, 'line 5') + 6, text: 'LINE 5' };
    assert.equal(
      renderUnifiedDiff('f.yaml', text, [edit]),
      '--- a/f.yaml\n+++ b/f.yaml\n@@ -2,7 +2,7 @@\n line 2\n line 3\n line 4\n-line 5\n+LINE 5\n line 6\n line 7\n line 8\n',
    );
  });

  it('is empty when nothing changes', () => {
    assert.equal(renderUnifiedDiff('f', 'a\n', [{ start: 0, end: 1, text: 'a' }]), '');
  });

  const cases: Array<[string, string, (text: string) => TextEdit[]]> = [
    [
      'far apart edits (two hunks)',
      lines(40),
      (t) => [
        { start: at(t, 'line 3\n'), end: at(t, 'line 3\n') + 6, text: 'three' },
        { start: at(t, 'line 30'), end: at(t, 'line 30') + 7, text: 'thirty' },
      ],
    ],
    [
      'close edits (one hunk) and an insertion',
      lines(20),
      (t) => [
        { start: at(t, 'line 5'), end: at(t, 'line 5') + 6, text: 'five' },
        { start: at(t, 'line 9'), end: at(t, 'line 9'), text: 'inserted\n' },
      ],
    ],
    [
      'two edits on one line',
      lines(5),
      (t) => [
        { start: at(t, 'line 2'), end: at(t, 'line 2') + 4, text: 'LINE' },
        { start: at(t, 'line 2') + 5, end: at(t, 'line 2') + 6, text: 'II' },
      ],
    ],
    [
      'CRLF kept',
      lines(8, '\r\n'),
      (t) => [
        { start: at(t, 'line 4'), end: at(t, 'line 4') + 6, text: 'four' },
        { start: at(t, 'line 5'), end: at(t, 'line 5'), text: 'added\r\n' },
      ],
    ],
    ['no final newline, last line changed', 'a\nb\nc', () => [{ start: 4, end: 5, text: 'C' }]],
    ['no final newline, line appended', 'a\nb\nc', () => [{ start: 5, end: 5, text: '\nd' }]],
    ['insertion at the very end', 'a\nb\n', () => [{ start: 4, end: 4, text: 'c\n' }]],
    ['first line changed', lines(3), () => [{ start: 0, end: 4, text: 'LINE' }]],
  ];
  for (const [label, text, makeEdits] of cases) {
    it(`round-trips through patch: ${label}`, () => {
      const edits = makeEdits(text);
      const diff = renderUnifiedDiff('f.yaml', text, edits);
      assert.notEqual(diff, '');
      assert.equal(patchWith(text, diff), applyTextEdits(text, edits));
    });
  }
});
