// The general guard over YAML shapes (F-3, F-11, F-16 classes): random depth, aliases, anchors,
// merges, flow and block style, odd scalars and size around a real Pod. Whatever the shape, parsing,
// lint and pin never throw, their work is bounded by counts (alias expansions, no whole-document
// alias walks, containers found), and pin changes bytes only inside image scalars or by inserting
// `imagePullPolicy`. Bounds are counted, never timed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { Alias } from 'yaml';
import { fakeDigest } from '../../test/manifests/support/fake-resolver.ts';
import { applyTextEdits } from './edit-images.ts';
import { listImageSites } from './find-image-fields.ts';
import { lintManifests } from './lint-manifests.ts';
import { MAX_NESTING, parseManifests } from './parse-manifests.ts';
import { collectPinTargets, planPins } from './pin-images.ts';
import { countsOf, verifyEditedManifests } from './verify-edits.ts';
import { anchorIndex, MAX_ALIAS_EXPANSIONS } from './yaml-lookup.ts';

let wholeDocumentResolves = 0;
// eslint-disable-next-line @typescript-eslint/unbound-method -- restored as is after the suite
const originalResolve = Alias.prototype.resolve;
before(() => {
  Alias.prototype.resolve = function (this: Alias, ...args) {
    wholeDocumentResolves += 1;
    return originalResolve.apply(this, args);
  };
});
after(() => {
  Alias.prototype.resolve = originalResolve;
});

const SCALARS = [
  'nginx:1.27',
  '"nginx:1.27"',
  "'redis:7'",
  '!!str busybox',
  'nginx',
  '""',
  'null',
  '42',
  '"\\x64q:1"',
  '>-\n        folded:1',
];

/** One hostile extra, rendered as the value of a top-level `extra:` key or as its own document. */
const extra = fc.oneof(
  fc
    .record({ depth: fc.integer({ min: 1, max: MAX_NESTING * 3 }), flow: fc.boolean() })
    .map(({ depth, flow }) =>
      flow
        ? `${'['.repeat(depth)}${']'.repeat(depth)}`
        : `\n${Array.from({ length: Math.min(depth, 1_500) }, (_, i) => `${' '.repeat(i + 2)}a:`).join('\n')} 1`,
    ),
  fc
    .record({ width: fc.integer({ min: 1, max: 40 }), levels: fc.integer({ min: 1, max: 6 }) })
    .map(({ width, levels }) => {
      // Billion laughs: each level a list of `width` aliases of the previous one.
      const lines = ['\n  - &l0 [x, y]'];
      for (let l = 1; l <= levels; l++) {
        lines.push(`  - &l${l} [${Array.from({ length: width }, () => `*l${l - 1}`).join(', ')}]`);
      }
      return lines.join('\n');
    }),
  fc.integer({ min: 1, max: 1_000 }).map((n) => {
    const anchors = Array.from({ length: n }, (_, i) => `&a${i} v`).join(', ');
    const aliases = Array.from({ length: n }, (_, i) => `*a${i % n}`).join(', ');
    return `{a: [${anchors}], b: [${aliases}]}`;
  }),
  fc.integer({ min: 1, max: 50_000 }).map((n) => `"${'x'.repeat(n)}"`),
  fc.constant('*nowhere'),
);

const shape = fc.record({
  containers: fc.array(
    fc.record({
      image: fc.constantFrom(...SCALARS),
      flow: fc.boolean(),
      mergeBase: fc.boolean(),
      anchorImage: fc.boolean(),
    }),
    { minLength: 1, maxLength: 4 },
  ),
  chain: fc.integer({ min: 0, max: 200 }),
  listWidth: fc.integer({ min: 0, max: 30 }),
  extras: fc.array(fc.tuple(extra, fc.boolean()), { maxLength: 3 }),
});

type Shape = typeof shape extends fc.Arbitrary<infer T> ? T : never;

function render(s: Shape): string {
  const lines = [
    'apiVersion: v1',
    'kind: Pod',
    'metadata: {name: p}',
    'base: &base {imagePullPolicy: Never, name: base}',
    'spec:',
    '  containers:',
  ];
  s.containers.forEach((c, i) => {
    const image = c.anchorImage ? `&img${i} ${c.image}` : c.image;
    const merge = c.mergeBase ? '<<: *base, ' : '';
    if (c.flow && !c.image.startsWith('>'))
      lines.push(`  - {${merge}name: c${i}, image: ${image}}`);
    else {
      lines.push(`  - name: c${i}`);
      if (c.mergeBase) lines.push('    <<: *base');
      lines.push(`    image: ${image}`);
    }
    if (c.anchorImage) lines.push(`  - {name: again${i}, image: *img${i}}`);
  });
  if (s.chain > 0) {
    lines.push('  - &m0 {name: m, image: chain:1}');
    for (let i = 1; i < s.chain; i++) lines.push(`  - &m${i} {<<: *m${i - 1}, name: m${i}}`);
  }
  const docs = [lines.join('\n') + '\n'];
  if (s.listWidth > 0) {
    const item = '{kind: Pod, spec: {containers: [{name: l, image: listed:1}]}}';
    docs.push(
      `kind: List\nx: &item ${item}\nitems: [${Array.from({ length: s.listWidth }, () => '*item').join(', ')}]\n`,
    );
  }
  for (const [value, ownDocument] of s.extras) {
    if (ownDocument) docs.push(`extra: ${value}\n`);
    else docs[0] += `extra${docs.length}: ${value}\n`;
  }
  return docs.join('---\n');
}

describe('hostile YAML shapes (property)', () => {
  it('parse, lint and pin never throw, do bounded work, and pin edits only image scalars', () => {
    fc.assert(
      fc.property(shape, (s) => {
        wholeDocumentResolves = 0;
        const text = render(s);
        const parsed = parseManifests(text);
        for (const error of parsed.errors) {
          assert.ok(error.code.length > 0 && error.message.length > 0);
          assert.doesNotMatch(error.message, /Maximum call stack/);
        }
        for (const manifest of parsed.documents) {
          const expansions = anchorIndex(manifest.document).expansions;
          assert.ok(expansions <= MAX_ALIAS_EXPANSIONS + 1, `${expansions} expansions`);
        }
        const sites = listImageSites(parsed);
        assert.ok(sites.length <= MAX_ALIAS_EXPANSIONS, `${sites.length} containers`);
        lintManifests(parsed, { file: 'f.yaml' });
        if (parsed.errors.length === 0) assertPinOnlyTouchesImages(text);
        assert.equal(wholeDocumentResolves, 0, 'no whole-document alias walk');
      }),
      { numRuns: 60 },
    );
  });
});

function assertPinOnlyTouchesImages(text: string): void {
  const parsed = parseManifests(text);
  const digests = new Map([...collectPinTargets(parsed).keys()].map((k) => [k, fakeDigest(k)]));
  const plan = planPins(parsed, digests);
  const imageRanges = new Set(
    listImageSites(parsed).flatMap((site) => {
      const range = site.image?.scalar?.range;
      return range ? [`${range[0]}:${range[1]}`] : [];
    }),
  );
  for (const edit of plan.edits) {
    if (edit.start === edit.end) {
      assert.match(edit.text, /imagePullPolicy/, 'an insertion adds only imagePullPolicy');
    } else {
      assert.ok(
        imageRanges.has(`${edit.start}:${edit.end}`),
        `edit ${edit.start}:${edit.end} is an image scalar`,
      );
    }
  }
  const output = applyTextEdits(text, plan.edits);
  assert.deepEqual(verifyEditedManifests(countsOf(parsed), output, plan.expected), { ok: true });
}
