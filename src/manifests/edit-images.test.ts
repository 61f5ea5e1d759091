import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isMap, isScalar, type Pair, type Scalar, type YAMLMap } from 'yaml';
import { applyTextEdits, insertPairAfter, replaceScalar } from './edit-images.ts';
import { parseManifests } from './parse-manifests.ts';

/** The map holding `image` in a one-document text, and its pair. */
function imagePair(text: string): {
  map: YAMLMap;
  pair: Pair<Scalar, unknown>;
  scalar: Scalar;
  inFlow: boolean;
} {
  const parsed = parseManifests(text);
  let found: { map: YAMLMap; pair: Pair<Scalar, unknown> } | undefined;
  const visit = (node: unknown): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (isScalar(pair.key) && pair.key.value === 'image')
          found = { map: node, pair: pair as Pair<Scalar, unknown> };
        visit(pair.value);
      }
    } else if (node && typeof node === 'object' && 'items' in node) {
      for (const item of (node as { items: unknown[] }).items) visit(item);
    }
  };
  visit(parsed.documents[0]?.document.contents);
  assert.ok(found);
  const scalar = found.pair.value as Scalar;
  return { ...found, scalar, inFlow: parsed.isInFlow(scalar.range?.[0] ?? -1) };
}

describe('replaceScalar', () => {
  const cases: Array<[string, string, string, string]> = [
    ['plain stays plain', 'image: nginx:1\n', 'nginx:1@sha256:x', 'image: nginx:1@sha256:x\n'],
    ['double quotes stay', 'image: "nginx:1" # c\n', 'nginx:1@d', 'image: "nginx:1@d" # c\n'],
    ['single quotes stay', "image: 'nginx:1'\n", 'nginx:1@d', "image: 'nginx:1@d'\n"],
    ['anchor kept', 'image: &i nginx:1\n', 'nginx:1@d', 'image: &i nginx:1@d\n'],
    [
      'flow keeps plain when it had a colon',
      '{image: nginx:1}\n',
      'nginx:1@s:d',
      '{image: nginx:1@s:d}\n',
    ],
    [
      'flow quotes a plain scalar that gains a colon',
      '{image: nginx}\n',
      'nginx:latest@s:d',
      '{image: "nginx:latest@s:d"}\n',
    ],
    [
      'CRLF untouched',
      'a: 1\r\nimage: x:1\r\nb: 2\r\n',
      'x:1@d',
      'a: 1\r\nimage: x:1@d\r\nb: 2\r\n',
    ],
  ];
  for (const [label, text, value, expected] of cases) {
    it(label, () => {
      const { scalar, inFlow } = imagePair(text);
      const result = replaceScalar(text, scalar, value, inFlow);
      assert.ok(result.ok);
      assert.equal(applyTextEdits(text, [result.edit]), expected);
    });
  }

  it('refuses a block scalar rather than reflowing it', () => {
    const text = 'image: >-\n  nginx:1\n';
    const { scalar, inFlow } = imagePair(text);
    const result = replaceScalar(text, scalar, 'nginx:1@d', inFlow);
    assert.equal(result.ok, false);
  });
});

describe('insertPairAfter', () => {
  const entry = { key: 'imagePullPolicy', value: 'IfNotPresent' };
  const cases: Array<[string, string, string]> = [
    [
      'block map, own line, same indent',
      '- name: a\n  image: x # c\n  ports: []\n',
      '- name: a\n  image: x # c\n  imagePullPolicy: IfNotPresent\n  ports: []\n',
    ],
    [
      'first key of a sequence item',
      '- image: x\n  name: a\n',
      '- image: x\n  imagePullPolicy: IfNotPresent\n  name: a\n',
    ],
    [
      'CRLF line ends',
      'c:\r\n  image: x\r\n',
      'c:\r\n  image: x\r\n  imagePullPolicy: IfNotPresent\r\n',
    ],
    [
      'no final newline stays without one',
      'c:\n  image: x',
      'c:\n  image: x\n  imagePullPolicy: IfNotPresent',
    ],
    ['flow map', '{name: a, image: x}\n', '{name: a, image: x, imagePullPolicy: IfNotPresent}\n'],
    [
      'JSON style',
      '{"name":"a","image":"x"}\n',
      '{"name":"a","image":"x","imagePullPolicy":"IfNotPresent"}\n',
    ],
    ['quoted block key', '"image": "x"\n', '"image": "x"\n"imagePullPolicy": "IfNotPresent"\n'],
  ];
  for (const [label, text, expected] of cases) {
    it(label, () => {
      const { map, pair } = imagePair(text);
      assert.equal(applyTextEdits(text, [insertPairAfter(text, map, pair, entry)]), expected);
    });
  }
});

describe('applyTextEdits', () => {
  it('applies identical edits once and rejects overlapping ones', () => {
    const edit = { start: 1, end: 2, text: 'X' };
    assert.equal(applyTextEdits('abc', [edit, { ...edit }]), 'aXc');
    assert.throws(
      () => applyTextEdits('abcd', [edit, { start: 1, end: 3, text: 'Y' }]),
      /overlapping/,
    );
  });

  it('keeps an insertion at the end of a replaced range after it', () => {
    assert.equal(
      applyTextEdits('ab', [
        { start: 1, end: 1, text: '+' },
        { start: 0, end: 1, text: 'A' },
      ]),
      'A+b',
    );
  });
});
