import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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
    ['*.{yaml,yml}', 'a.yml', true],
    ['nginx:*', 'nginx:1.27', true],
    ['nginx:*', 'nginx', false],
    ['registry.example.com/team/*', 'registry.example.com/team/app:1', true],
    ['registry.example.com/team/*', 'registry.example.com/team/sub/app:1', false],
    ['registry.example.com/**', 'registry.example.com/team/sub/app:1', true],
    ['a.b', 'axb', false],
    ['(x)+', '(x)+', true],
  ];
  for (const [pattern, text, expected] of cases) {
    it(`${pattern} ${expected ? 'matches' : 'does not match'} ${text}`, () => {
      assert.equal(compileGlob(pattern)(text), expected);
    });
  }
});
