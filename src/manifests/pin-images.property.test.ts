// Property: whatever the formatting, `pin` changes nothing but image scalars (and adds
// `imagePullPolicy: IfNotPresent` next to untagged/:latest images), its result means the same
// manifests with pinned images, and a second run changes nothing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { parseImageReference } from '../core/image-reference.ts';
import { fakeDigest } from '../../test/manifests/support/fake-resolver.ts';
import { applyTextEdits } from './edit-images.ts';
import { parseManifests } from './parse-manifests.ts';
import { pinnedImage } from '../core/pin.ts';
import { collectPinTargets, planPins } from './pin-images.ts';
import { countsOf, verifyEditedManifests } from './verify-edits.ts';

const HEX = 'c0ffee'.repeat(10) + 'c0de';
const IMAGES = [
  'nginx',
  'nginx:1.27',
  'nginx:latest',
  'localhost:5000/app:dev',
  'ghcr.io/o/app:v1',
  `redis:7@sha256:${HEX}`,
  `busybox@sha256:${HEX}`,
  `nginx:latest@sha256:${HEX}`,
  'Bad:Upper',
];
const POLICIES = [undefined, 'IfNotPresent', 'Always', 'Never'] as const;

interface Container {
  name: string;
  image: string;
  quote: 0 | 1 | 2;
  policy: (typeof POLICIES)[number];
  flow: boolean;
  comment: boolean;
}
interface Doc {
  kind: 'Deployment' | 'Pod' | 'CronJob' | 'ConfigMap';
  containers: Container[];
  comment: boolean;
}
interface Style {
  indent: 2 | 4;
  seqIndent: boolean;
  eol: '\n' | '\r\n';
  finalNewline: boolean;
  leadingSeparator: boolean;
}

const container = fc.record<Container>({
  name: fc.stringMatching(/^[a-z][a-z0-9-]{0,6}$/),
  image: fc.constantFrom(...IMAGES),
  quote: fc.constantFrom(0, 1, 2),
  policy: fc.constantFrom(...POLICIES),
  flow: fc.boolean(),
  comment: fc.boolean(),
});
const doc = fc.record<Doc>({
  kind: fc.constantFrom('Deployment', 'Pod', 'CronJob', 'ConfigMap'),
  containers: fc.array(container, { minLength: 1, maxLength: 3 }),
  comment: fc.boolean(),
});
const style = fc.record<Style>({
  indent: fc.constantFrom(2, 4),
  seqIndent: fc.boolean(),
  eol: fc.constantFrom('\n', '\r\n'),
  finalNewline: fc.boolean(),
  leadingSeparator: fc.boolean(),
});

function quote(value: string, q: 0 | 1 | 2): string {
  return q === 0 ? value : q === 1 ? `'${value}'` : `"${value}"`;
}

/** Renders the model as YAML text with the given formatting. */
function render(docs: Doc[], s: Style): string {
  const pad = (level: number) => ' '.repeat(level * s.indent);
  const out: string[] = [];
  docs.forEach((d, i) => {
    if (i > 0 || s.leadingSeparator) out.push('---');
    if (d.comment) out.push('# Source: chart/templates/x.yaml');
    out.push(
      `apiVersion: ${d.kind === 'Deployment' ? 'apps/v1' : d.kind === 'CronJob' ? 'batch/v1' : 'v1'}`,
      `kind: ${d.kind}`,
      'metadata:',
      `${pad(1)}name: doc-${i}`,
    );
    if (d.kind === 'ConfigMap') {
      out.push(
        'data:',
        ...d.containers.map((c, j) => `${pad(1)}image${j}: ${quote(c.image, c.quote)}`),
      );
      return;
    }
    const path =
      d.kind === 'Pod'
        ? ['spec']
        : d.kind === 'Deployment'
          ? ['spec', 'template', 'spec']
          : ['spec', 'jobTemplate', 'spec', 'template', 'spec'];
    path.forEach((key, level) => out.push(`${pad(level)}${key}:`));
    const level = path.length;
    out.push(`${pad(level)}containers:${d.comment ? ' # the containers' : ''}`);
    const item = s.seqIndent ? pad(level + 1) : pad(level);
    for (const c of d.containers) {
      const policy = c.policy === undefined ? '' : c.policy;
      if (c.flow) {
        out.push(
          `${item}- {name: ${c.name}, image: ${quote(c.image, c.quote)}${policy ? `, imagePullPolicy: ${policy}` : ''}}`,
        );
        continue;
      }
      const inner = `${item}  `;
      out.push(`${item}- name: ${c.name}`);
      if (c.comment) out.push(`${inner}# about the image`);
      out.push(`${inner}image: ${quote(c.image, c.quote)}${c.comment ? '   # trailing' : ''}`);
      if (policy) out.push(`${inner}imagePullPolicy: ${policy}`);
    }
  });
  return out.join(s.eol) + (s.finalNewline ? s.eol : '');
}

function pin(text: string): string {
  const parsed = parseManifests(text);
  assert.deepEqual(parsed.errors, []);
  const digests = new Map([...collectPinTargets(parsed).keys()].map((k) => [k, fakeDigest(k)]));
  const plan = planPins(parsed, digests);
  const output = applyTextEdits(text, plan.edits);
  assert.deepEqual(verifyEditedManifests(countsOf(parsed), output, plan.expected), { ok: true });
  return output;
}

function expectedPin(image: string): string {
  const parsed = parseImageReference(image);
  if (!parsed.ok) return image;
  const ref = parsed.reference;
  if (ref.tag === undefined && ref.digest !== undefined) return image;
  const key = `${ref.domain}/${ref.path}:${ref.tag ?? 'latest'}`;
  return pinnedImage(image, ref, fakeDigest(key));
}

/** Same value, except image strings pinned and IfNotPresent added next to :latest images. */
function assertPinnedEquivalent(before: unknown, after: unknown, path: string): void {
  if (Array.isArray(before) && Array.isArray(after)) {
    assert.equal(after.length, before.length, path);
    before.forEach((item, i) => assertPinnedEquivalent(item, after[i], `${path}[${i}]`));
    return;
  }
  if (
    before &&
    after &&
    typeof before === 'object' &&
    typeof after === 'object' &&
    !Array.isArray(after)
  ) {
    const b = before as Record<string, unknown>;
    const a = after as Record<string, unknown>;
    for (const key of Object.keys(a)) {
      if (key in b) continue;
      assert.equal(key, 'imagePullPolicy', `${path}: only imagePullPolicy may be added`);
      assert.equal(a[key], 'IfNotPresent');
      const ref = parseImageReference(String(b.image));
      assert.ok(
        ref.ok && (ref.reference.tag ?? 'latest') === 'latest',
        `${path}: added next to ${String(b.image)}`,
      );
    }
    for (const key of Object.keys(b)) {
      if (key === 'image' && typeof b[key] === 'string' && a[key] !== b[key]) {
        assert.equal(a[key], expectedPin(b[key]), `${path}.image`);
      } else assertPinnedEquivalent(b[key], a[key], `${path}.${key}`);
    }
    return;
  }
  assert.deepEqual(after, before, path);
}

/** Lines that differ may differ only inside image values (or by an added policy). */
function assertOnlyImageLinesChanged(before: string, after: string): void {
  // A line's own \r may differ only on a last line that gained a line after it.
  const canon = (line: string) =>
    line
      .replace(/\r$/, '')
      .replace(/, imagePullPolicy: IfNotPresent(?=})/, '')
      .replace(/(image\d*: )("[^"]*"|'[^']*'|[^\s,}]+)/, '$1IMG');
  const a = before.split('\n');
  const b = after.split('\n');
  let j = 0;
  for (const line of a) {
    while (b[j] !== line && /^\s*imagePullPolicy: IfNotPresent\r?$/.test(b[j] ?? '')) j++;
    if (b[j] !== line) assert.equal(canon(b[j] ?? ''), canon(line), `changed line: ${line}`);
    j++;
  }
  while (/^\s*imagePullPolicy: IfNotPresent\r?$/.test(b[j] ?? '')) j++;
  assert.equal(j, b.length);
}

describe('pin (property)', () => {
  it('changes only image scalars and adds only IfNotPresent lines, whatever the formatting', () => {
    fc.assert(
      fc.property(fc.array(doc, { minLength: 1, maxLength: 4 }), style, (docs, s) => {
        const text = render(docs, s);
        const output = pin(text);
        assertOnlyImageLinesChanged(text, output);
        const before = parseAllDocuments(text).map((d) => d.toJS() as unknown);
        const after = parseAllDocuments(output).map((d) => d.toJS() as unknown);
        docs.forEach((d, i) => {
          if (d.kind === 'ConfigMap') assert.deepEqual(after[i], before[i]);
          else assertPinnedEquivalent(before[i], after[i], `doc${i}`);
        });
        assert.equal(output.endsWith(s.eol), s.finalNewline);
        if (s.eol === '\r\n') assert.doesNotMatch(output.replaceAll('\r\n', ''), /\n/);
        assert.equal(pin(output), output, 'a second run changes nothing');
      }),
      { numRuns: 300 },
    );
  });
});
