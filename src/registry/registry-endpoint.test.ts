import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseImageReference } from '../core/image-reference.ts';
import { defaultRegistryConfig } from './registry-config.ts';
import { RegistryTransport } from './registry-transport.ts';
import { endpointProblem } from './registry-endpoint.ts';

describe('endpointProblem (F-1)', () => {
  it('accepts what forms a URL, names the problem for what the grammar allows and URLs do not', () => {
    for (const ok of ['docker.io', 'localhost:5000', '127.0.0.1:65535', '[::1]:5000', 'a.b-c.d'])
      assert.equal(endpointProblem(ok), undefined, ok);
    assert.match(endpointProblem('registry.example.com:65536') ?? '', /port 65536 is above 65535/);
    assert.match(endpointProblem('localhost:99999') ?? '', /above 65535/);
    assert.match(endpointProblem('[fffff]:5000') ?? '', /\[fffff\] is not a valid IPv6 address/);
    assert.match(endpointProblem('[1:2:3:4:5:6:7:8:9]') ?? '', /not a valid IPv6/);
  });

  it('those references stay valid for the parser (ref accepts what distribution/reference does)', () => {
    for (const text of ['registry.example.com:65536/app:1', '[fffff]:5000/a:dev'])
      assert.ok(parseImageReference(text).ok, text);
  });
});

describe('RegistryTransport with a URL that cannot be built', () => {
  it('returns a failure value instead of throwing from its error classification', async () => {
    const transport = new RegistryTransport(defaultRegistryConfig({}));
    try {
      const result = await transport.send('127.0.0.1:1', {
        method: 'GET',
        target: 'https://[fffff]:5000/v2/',
        headers: {},
      });
      assert.equal(result.ok, false);
      assert.match(result.ok ? '' : result.failure.message, /\[fffff\]/);
    } finally {
      await transport.close();
    }
  });
});
