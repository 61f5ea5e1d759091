import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseManifests } from './parse-manifests.ts';
import { countsOf, verifyEditedManifests } from './verify-edits.ts';

const text = 'kind: Pod\nspec:\n  containers:\n    - name: a\n      image: nginx:1\n';
const before = countsOf(parseManifests(text));

describe('verifyEditedManifests', () => {
  const cases: Array<
    [string, string, Array<{ image: string; pullPolicy?: string }>, RegExp | undefined]
  > = [
    [
      'the intended edit',
      text.replace('nginx:1', 'nginx:1@d'),
      [{ image: 'nginx:1@d' }],
      undefined,
    ],
    [
      'an inserted policy',
      `${text}      imagePullPolicy: IfNotPresent\n`,
      [{ image: 'nginx:1', pullPolicy: 'IfNotPresent' }],
      undefined,
    ],
    [
      'a wrong value',
      text.replace('nginx:1', 'nginx:2'),
      [{ image: 'nginx:1@d' }],
      /reads nginx:2 instead of nginx:1@d/,
    ],
    [
      'broken YAML',
      text.replace('image: nginx:1', 'image: [nginx:1'),
      [{ image: 'nginx:1' }],
      /does not parse/,
    ],
    [
      'a lost container',
      text.replace('image:', 'imag:'),
      [{ image: 'nginx:1' }],
      /0 images instead of 1/,
    ],
    [
      'an extra document',
      `${text}---\nkind: Pod\n`,
      [{ image: 'nginx:1' }],
      /2 documents instead of 1/,
    ],
    [
      'a policy at the wrong indent',
      `${text}    imagePullPolicy: IfNotPresent\n`,
      [{ image: 'nginx:1', pullPolicy: 'IfNotPresent' }],
      /./,
    ],
  ];
  for (const [label, after, expected, failure] of cases) {
    it(`${failure ? 'rejects' : 'accepts'} ${label}`, () => {
      const result = verifyEditedManifests(before, after, expected);
      if (!failure) assert.deepEqual(result, { ok: true });
      else assert.ok(!result.ok && failure.test(result.reason), JSON.stringify(result));
    });
  }
});
