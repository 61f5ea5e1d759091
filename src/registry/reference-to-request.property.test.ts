// The general guard behind F-1: no reference that the parser accepts may throw while a request
// for it is built. Either the registry host is refused as a value (invalid-reference), or a URL
// and an http.ClientRequest are built without an exception (on a dummy socket: nothing is contacted).
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Duplex } from 'node:stream';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { effectiveTag, parseImageReference } from '../core/image-reference.ts';
import { NO_CREDENTIALS } from './credentials/credential-providers.ts';
import { createRegistryClient } from './create-registry-client.ts';
import { endpointProblem } from './registry-endpoint.ts';
import { defaultRegistryConfig } from './registry-config.ts';
import { RegistryTransport } from './registry-transport.ts';

const hex = fc.constantFrom(...'0123456789abcdefABCDEF:'.split(''));
const label = fc.stringMatching(/^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,10}[a-zA-Z0-9])?$/);
const host = fc.oneof(
  fc.array(label, { minLength: 1, maxLength: 4 }).map((l) => l.join('.')),
  fc.string({ unit: hex, minLength: 1, maxLength: 48 }).map((h) => `[${h}]`),
  fc.constantFrom('localhost', '127.0.0.1', '[::1]', '999.999.999.999', '0x7f.1'),
);
const port = fc.option(fc.stringMatching(/^[0-9]{1,8}$/), { nil: undefined });
const path = fc
  .array(fc.stringMatching(/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/), {
    minLength: 1,
    maxLength: 3,
  })
  .map((p) => p.join('/'));
const tag = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,30}$/);
const reference = fc
  .tuple(host, port, path, tag)
  .map(([h, p, r, t]) => `${h}${p === undefined ? '' : `:${p}`}/${r}:${t}`);
/** Anything at all, from an alphabet rich in URL-significant characters. */
const hostile = fc.string({
  unit: fc.constantFrom(...'aZ09.:-_[]@/#?% \\%\t\u0000\u00e9\u0445'.split('')),
  maxLength: 40,
});

function buildRequest(url: string): void {
  const socket = new Duplex({ read() {}, write: (_c, _e, done) => done() });
  const request = url.startsWith('https:') ? httpsRequest : httpRequest;
  const req = request(url, {
    method: 'HEAD',
    agent: false,
    createConnection: () => socket,
  });
  req.on('error', () => undefined);
  req.destroy();
}

describe('reference → request building (property)', () => {
  const transport = new RegistryTransport(defaultRegistryConfig({}));

  for (const [name, inputs] of [
    ['grammar-shaped references', reference],
    ['arbitrary strings', hostile],
  ] as const) {
    it(`${name}: a parsed reference is refused as a value or yields a URL and a request`, () => {
      fc.assert(
        fc.property(inputs, (input) => {
          const parsed = parseImageReference(input);
          if (!parsed.ok) return;
          const ref = parsed.reference;
          const problem = endpointProblem(ref.domain);
          if (problem !== undefined) return;
          const target = `/v2/${ref.path}/manifests/${effectiveTag(ref) ?? ref.digest ?? ''}`;
          const url = new URL(transport.urlFor(ref.domain, target));
          assert.equal(url.pathname, target, input);
          buildRequest(url.toString());
        }),
        { numRuns: 1500 },
      );
    });
  }

  it('through the real resolver, a refused host is an invalid-reference value, never a throw', async () => {
    const client = createRegistryClient(defaultRegistryConfig({}), NO_CREDENTIALS);
    try {
      await fc.assert(
        fc.asyncProperty(reference, async (input) => {
          const parsed = parseImageReference(input);
          if (!parsed.ok || endpointProblem(parsed.reference.domain) === undefined) return;
          const result = await client.resolver.resolveTag(parsed.reference);
          assert.equal(result.ok ? 'ok' : result.failure.kind, 'invalid-reference', input);
        }),
        { numRuns: 500 },
      );
    } finally {
      await client.close();
    }
  });
});
