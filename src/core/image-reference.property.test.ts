import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formatReference, parseImageReference } from './image-reference.ts';

const alnum = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'.split(''));
const component = fc
  .tuple(
    fc.string({ unit: alnum, minLength: 1, maxLength: 6 }),
    fc.constantFrom('', '.', '_', '__', '-', '--'),
    fc.string({ unit: alnum, minLength: 1, maxLength: 6 }),
  )
  .map(([a, sep, b]) => (sep === '' ? a : `${a}${sep}${b}`));
const path = fc.array(component, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('/'));
const domain = fc.constantFrom(
  '',
  'docker.io/',
  'index.docker.io/',
  'localhost/',
  'localhost:5000/',
  'reg.example.com/',
  'Reg.Example:443/',
  '127.0.0.1:5000/',
  '[::1]:5000/',
);
const tag = fc.option(fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/), { nil: undefined });
const digest = fc.option(
  fc.stringMatching(/^[a-f0-9]{64}$/).map((hex) => `sha256:${hex}`),
  { nil: undefined },
);
const validReference = fc
  .tuple(domain, path, tag, digest)
  .map(
    ([d, p, t, g]) => `${d}${p}${t === undefined ? '' : `:${t}`}${g === undefined ? '' : `@${g}`}`,
  );

describe('image reference properties', () => {
  it('parse → format → parse is stable', () => {
    fc.assert(
      fc.property(validReference, (input) => {
        const first = parseImageReference(input);
        assert.ok(first.ok, `${input}: ${first.ok ? '' : first.problem.message}`);
        const formatted = formatReference(first.reference);
        const second = parseImageReference(formatted);
        assert.ok(second.ok, formatted);
        assert.deepEqual(second.reference, first.reference);
        assert.equal(formatReference(second.reference), formatted);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on arbitrary strings, and reports a column inside the input', () => {
    const anything = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.string({ unit: 'binary', maxLength: 100 }),
      validReference.map((s) => s.replace(/./, '\u0000')),
    );
    fc.assert(
      fc.property(anything, (input) => {
        const parsed = parseImageReference(input);
        if (!parsed.ok && parsed.problem.column !== undefined) {
          assert.ok(
            parsed.problem.column >= 1 && parsed.problem.column <= input.length + 1,
            `${JSON.stringify(input)} → ${parsed.problem.column}`,
          );
        }
      }),
      { numRuns: 5000 },
    );
  });

  // Separators are where backtracking regexps blow up (the @swimlane/docker-reference ReDoS took
  // 102 s on 21 characters). A linear scanner finishes these 200,000-character inputs at once; the
  // test timeout only catches a hang.
  const hostile = [
    `${'a-'.repeat(100_000)}!`,
    `${'a'.repeat(200_000)}!`,
    `${'a_'.repeat(100_000)}_`,
    `x/${'a.'.repeat(100_000)}`,
    `${'a:'.repeat(100_000)}`,
    `nginx@sha256:${'a'.repeat(200_000)}`,
    `${'['.repeat(100_000)}]/x`,
  ];
  for (const input of hostile) {
    it(
      `returns on hostile input ${JSON.stringify(input.slice(0, 12))}… (${input.length} chars)`,
      { timeout: 10_000 },
      () => {
        assert.equal(parseImageReference(input).ok, false);
      },
    );
  }
});
