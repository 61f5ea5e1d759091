import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseManifests } from './parse-manifests.ts';
import { isSuppressed, readSuppressions } from './suppressions.ts';

function suppressionsOf(text: string) {
  const parsed = parseManifests(text);
  return readSuppressions(parsed.comments, (offset) => parsed.position(offset));
}

describe('suppressions', () => {
  const text = [
    'a: 1 # kube-fresh-ignore KF001', // 1
    'b: 2', // 2
    '# kube-fresh-ignore KF002,KF004 -- reason KF003', // 3
    'c: 3', // 4
    'd: 4 #kube-fresh-ignore', // 5
    'e: "# kube-fresh-ignore KF001"', // 6: inside a string, not a comment
    'f: 6 # kube-fresh-ignore KF01 typo', // 7
    'g: 7 # see kube-fresh-ignore KF001', // 8: not at the start of the comment
    '',
  ].join('\n');
  const suppressions = suppressionsOf(text);
  const cases: Array<[string, number, boolean]> = [
    ['KF001', 1, true],
    ['KF001', 2, true],
    ['KF002', 1, false],
    ['KF001', 3, false],
    ['KF002', 4, true],
    ['KF004', 3, true],
    ['KF003', 4, false],
    ['KF007', 5, true],
    ['KF006', 6, true],
    ['KF001', 7, false],
    ['KF001', 8, false],
    ['KF001', 9, false],
  ];
  for (const [rule, line, expected] of cases) {
    it(`${rule} on line ${line}: ${expected ? 'silenced' : 'reported'}`, () => {
      assert.equal(isSuppressed(suppressions, rule as 'KF001', line), expected);
    });
  }
});
