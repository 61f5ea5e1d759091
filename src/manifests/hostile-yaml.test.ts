// Hostile YAML shapes from the reliability report (F-3, F-11): alias and merge floods must cost
// linear work, alias bombs and deep nesting must be per-document errors. Work is counted (alias
// expansions, calls to `yaml`'s whole-document `Alias.resolve`), never timed.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { Alias } from 'yaml';
import { listImageSites } from './find-image-fields.ts';
import { MAX_NESTING, parseManifests } from './parse-manifests.ts';
import { anchorIndex, MAX_ALIAS_EXPANSIONS } from './yaml-lookup.ts';

/** Counts calls of `Alias.prototype.resolve`, which walks the whole document each time. */
let wholeDocumentResolves = 0;
// eslint-disable-next-line @typescript-eslint/unbound-method -- restored as is after each test
const originalResolve = Alias.prototype.resolve;
beforeEach(() => {
  wholeDocumentResolves = 0;
  Alias.prototype.resolve = function (this: Alias, ...args) {
    wholeDocumentResolves += 1;
    return originalResolve.apply(this, args);
  };
});
afterEach(() => {
  Alias.prototype.resolve = originalResolve;
});

const POD_HEAD = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n';

/** The report's M14: `- &cN {<<: *cN-1, name: cN}` chained n times in `containers`. */
function mergeChain(n: number): string {
  let text = `${POD_HEAD}  - &c0 {name: c, image: nginx:1.27}\n`;
  for (let i = 1; i < n; i++) text += `  - &c${i} {<<: *c${i - 1}, name: c${i}}\n`;
  return text;
}

/** The report's M13: n anchors, then n aliases, next to a Pod. */
function anchorsThenAliases(n: number): string {
  const anchors = Array.from({ length: n }, (_, i) => `&a${i} x`).join(', ');
  const aliases = Array.from({ length: n }, (_, i) => `*a${i}`).join(', ');
  return `${POD_HEAD}  - {name: c, image: nginx:1.27}\nextra:\n  a: [${anchors}]\n  b: [${aliases}]\n`;
}

describe('aliases and merge keys (F-3)', () => {
  it('resolves 100 KB of anchors and aliases with one index, never a whole-document walk', () => {
    const text = anchorsThenAliases(7_000);
    assert.ok(text.length > 100_000, `${text.length} bytes`);
    const parsed = parseManifests(text);
    assert.deepEqual(parsed.errors, []);
    assert.equal(listImageSites(parsed).length, 1);
    assert.equal(wholeDocumentResolves, 0);
    const document = parsed.documents[0]?.document;
    assert.ok(document);
    assert.equal(anchorIndex(document).targets.size, 7_000);
  });

  it('follows 100 KB of chained merge keys in a linear number of expansions', () => {
    const n = 3_000;
    const text = mergeChain(n);
    assert.ok(text.length > 100_000, `${text.length} bytes`);
    const parsed = parseManifests(text);
    assert.deepEqual(parsed.errors, []);
    const sites = parsed.documents[0]?.sites ?? [];
    assert.equal(sites.length, n);
    assert.equal(sites[1]?.image?.value, 'nginx:1.27', 'found through the merge');
    assert.equal(wholeDocumentResolves, 0);
    const document = parsed.documents[0]?.document;
    assert.ok(document);
    // name, image and imagePullPolicy each follow at most the 17 merges the lookup allows.
    assert.ok(
      anchorIndex(document).expansions <= 3 * 18 * n,
      `${anchorIndex(document).expansions}`,
    );
  });

  it('reports an unknown alias without a whole-document walk per alias', () => {
    const parsed = parseManifests(`${POD_HEAD}  - {name: c, image: *nowhere}\n`);
    assert.deepEqual(
      parsed.errors.map((e) => [e.code, e.message]),
      [['BAD_ALIAS', 'unknown anchor: *nowhere has no &nowhere before it']],
    );
    assert.equal(wholeDocumentResolves, 0);
  });

  it('resolves an alias to the nearest earlier anchor of its name, as YAML says', () => {
    const text = `${POD_HEAD}  - {name: a, image: &i one:1}\n  - {name: b, image: *i}\n  - {name: c, image: &i two:2}\n  - {name: d, image: *i}\n`;
    const images = listImageSites(parseManifests(text)).map((s) => s.image?.value);
    assert.deepEqual(images, ['one:1', 'one:1', 'two:2', 'two:2']);
  });

  it('stops an alias bomb at the expansion budget with a clear per-document error', () => {
    // Lists of aliases of lists: 30^4 containers if expanded, from a 2 KB document.
    const width = 30;
    const refs = (name: string) =>
      `[${Array.from({ length: width }, () => `*${name}`).join(', ')}]`;
    const bomb =
      'apiVersion: v1\nkind: List\nx:\n' +
      `  - &pod {kind: Pod, spec: {containers: &cs [${Array.from({ length: width }, () => '{name: c, image: nginx:1}').join(', ')}]}}\n` +
      `  - &l1 {kind: List, items: ${refs('pod')}}\n` +
      `  - &l2 {kind: List, items: ${refs('l1')}}\n` +
      `  - &l3 {kind: List, items: ${refs('l2')}}\n` +
      `items: ${refs('l3')}\n`;
    const good = `${POD_HEAD}  - {name: c, image: redis:7}\n`;
    const parsed = parseManifests(`${bomb}---\n${good}`);
    assert.deepEqual(
      parsed.errors.map((e) => [e.documentIndex, e.code]),
      [[0, 'ALIAS_BUDGET']],
    );
    assert.match(parsed.errors[0]?.message ?? '', /more than 150,000 alias expansions/);
    const document = parsed.documents[0]?.document;
    assert.ok(document);
    assert.equal(anchorIndex(document).expansions, MAX_ALIAS_EXPANSIONS + 1, 'stopped at once');
    assert.deepEqual(
      listImageSites(parsed).map((s) => s.image?.value),
      ['redis:7'],
      'the other document is still judged',
    );
  });
});

function blockMaps(levels: number): string {
  return Array.from({ length: levels }, (_, i) => `${' '.repeat(i)}a:`).join('\n') + ' 1\n';
}

describe('deep nesting (F-11)', () => {
  const good = `${POD_HEAD}  - {name: c, image: redis:7}\n`;
  const cases: Array<[string, string]> = [
    ['100,000 levels of flow sequences', `a: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`],
    ['5,000 levels of flow maps', `a: ${'{a: '.repeat(5_000)}1${'}'.repeat(5_000)}\n`],
    ['1,000 levels of block maps', blockMaps(1_000)],
  ];
  for (const [name, deep] of cases) {
    it(`${name} is a per-document error, and the other documents are still read`, () => {
      const parsed = parseManifests(`${good}---\n${deep}---\n${good}`);
      assert.deepEqual(
        parsed.errors.map((e) => [e.documentIndex, e.code, e.message]),
        [[1, 'TOO_DEEP', `nesting deeper than ${MAX_NESTING} levels`]],
      );
      assert.equal(listImageSites(parsed).length, 2);
      assert.equal(parsed.documents.length, 3);
    });
  }

  it('block nesting too deep for the parser itself ends the file with an error, not a crash', () => {
    const parsed = parseManifests(`${good}---\n${blockMaps(3_000)}---\n${good}`);
    assert.deepEqual(
      parsed.errors.map((e) => [e.documentIndex, e.code, e.line]),
      [[1, 'TOO_DEEP', 7]],
    );
    assert.match(parsed.errors[0]?.message ?? '', /the rest of the file was not read/);
    assert.equal(listImageSites(parsed).length, 1, 'the documents before it are judged');
  });

  it(`reads ${MAX_NESTING} levels`, () => {
    const deep = `a: ${'['.repeat(MAX_NESTING - 1)}${']'.repeat(MAX_NESTING - 1)}\n`;
    assert.deepEqual(parseManifests(deep).errors, []);
  });
});
