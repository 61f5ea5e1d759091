import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { compileGlob } from './glob-pattern.ts';

describe('compileGlob', () => {
  const cases: Array<[string, string, boolean]> = [
    ['legacy/**', 'legacy/a/b.yaml', true],
    ['legacy/**', 'other/legacy/a.yaml', false],
    ['**/charts/*.yaml', 'charts/a.yaml', true],
    ['**/charts/*.yaml', 'x/y/charts/a.yaml', true],
    ['**/charts/*.yaml', 'x/charts/sub/a.yaml', false],
    ['*.yaml', 'a.yaml', true],
    ['*.yaml', 'dir/a.yaml', false],
    ['a?.yml', 'ab.yml', true],
    ['a?.yml', 'a/.yml', false],
    ['*.{yaml,yml}', 'a.yml', true],
    ['*.{yaml,yml}', 'a.json', false],
    ['{a,{b,c}d}.yaml', 'cd.yaml', true],
    ['{a,}x', 'x', true],
    ['{a,b', 'b', true],
    ['a}b,c', 'a}b,c', true],
    ['nginx:*', 'nginx:1.27', true],
    ['nginx:*', 'nginx', false],
    ['registry.example.com/team/*', 'registry.example.com/team/app:1', true],
    ['registry.example.com/team/*', 'registry.example.com/team/sub/app:1', false],
    ['registry.example.com/**', 'registry.example.com/team/sub/app:1', true],
    ['a.b', 'axb', false],
    ['(x)+', '(x)+', true],
    ['', '', true],
    ['', 'a', false],
  ];
  for (const [pattern, text, expected] of cases) {
    it(`${pattern} ${expected ? 'matches' : 'does not match'} ${text}`, () => {
      assert.equal(compileGlob(pattern)(text), expected);
    });
  }

  it('matches the old RegExp translation on random patterns and paths', () => {
    const piece = fc.constantFrom('*', '**', '**/', '?', '{', '}', ',', 'a', 'b', '/', '.');
    const pattern = fc.array(piece, { maxLength: 8 }).map((parts) => parts.join(''));
    const text = fc
      .array(fc.constantFrom('a', 'b', '/', '.'), { maxLength: 10 })
      .map((chars) => chars.join(''));
    fc.assert(
      fc.property(pattern, text, (p, t) => {
        assert.equal(compileGlob(p)(t), regexpGlob(p)(t), `${p} vs ${t}`);
      }),
      { numRuns: 3000 },
    );
  });

  it('stays linear on the report’s pathological patterns (work counted, not timed)', () => {
    const path = 'k8s/apps/web/deployment.yaml'.repeat(40);
    for (const pattern of [
      `${'*'.repeat(25)}x`,
      `${'{*,*}'.repeat(25)}x`,
      `${'**/'.repeat(25)}x`,
    ]) {
      const steps = { count: 0 };
      assert.equal(compileGlob(pattern, steps)(path), false);
      // Each character visits each live state at most once.
      assert.ok(steps.count <= path.length * pattern.length * 4, `${pattern}: ${steps.count}`);
    }
  });
});

/** The RegExp translation used before the automaton: the oracle for what patterns mean. */
function regexpGlob(pattern: string): (text: string) => boolean {
  let out = '';
  let braces = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? '';
    if (c === '*' && pattern[i + 1] === '*') {
      const slash = pattern[i + 2] === '/';
      out += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '{') {
      braces++;
      out += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      out += ')';
    } else if (c === ',' && braces > 0) out += '|';
    else out += /[.+^$()|[\]\\]/.test(c) ? `\\${c}` : c;
  }
  const regexp = new RegExp(`^${out}${')'.repeat(braces)}$`);
  return (text) => regexp.test(text);
}
