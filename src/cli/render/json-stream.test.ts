import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { writeJsonStreaming } from './json-stream.ts';

describe('writeJsonStreaming', () => {
  const cases: Array<Record<string, unknown>> = [
    { a: 1, workloads: [{ x: [1, 2], y: { z: 'q' } }, { x: [] }], b: { c: null } },
    { workloads: [] },
    { workloads: [1], last: 'x\ny' },
    { first: [], workloads: [{ nested: [{ deep: true }] }] },
  ];
  for (const value of cases) {
    it(JSON.stringify(value), () => {
      let out = '';
      writeJsonStreaming(value, 'workloads', (chunk) => (out += chunk));
      assert.equal(out, `${JSON.stringify(value, null, 2)}\n`);
    });
  }
});
