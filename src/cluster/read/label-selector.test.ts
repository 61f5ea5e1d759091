import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseLabelSelector } from './label-selector.ts';

const labels = { app: 'web', tier: 'front', 'app.kubernetes.io/part-of': 'shop' };

describe('parseLabelSelector', () => {
  const cases: [string, boolean][] = [
    ['', true],
    ['app=web', true],
    ['app==web', true],
    ['app!=web', false],
    ['app=web,tier=back', false],
    ['tier in (front, back)', true],
    ['tier notin (front)', false],
    ['missing notin (x)', true],
    ['app.kubernetes.io/part-of=shop', true],
    ['tier', true],
    ['!tier', false],
    ['!legacy,app in (web,api)', true],
  ];
  for (const [selector, expected] of cases) {
    it(`${JSON.stringify(selector)} → ${expected}`, () => {
      const parsed = parseLabelSelector(selector);
      assert.ok(parsed.ok);
      if (parsed.ok) assert.equal(parsed.matches(labels), expected);
    });
  }

  it('rejects what the API server would reject', () => {
    for (const bad of ['app=', 'a b', 'app=web,', '=web', 'app>1']) {
      const parsed = parseLabelSelector(bad);
      if (bad === 'app=') {
        // an empty value is valid: app= selects app with value ""
        assert.ok(parsed.ok);
        continue;
      }
      assert.equal(parsed.ok, false, bad);
    }
  });
});
