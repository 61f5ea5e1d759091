import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLoopbackHost, isLoopbackHostHeader } from './loopback-host.ts';

describe('loopback hosts', () => {
  it('accepts the names a browser on this machine sends', () => {
    for (const header of [
      '127.0.0.1:8787',
      'localhost:8787',
      'LOCALHOST',
      '[::1]:8787',
      '127.1.2.3',
    ])
      assert.equal(isLoopbackHostHeader(header), true, header);
  });

  it('refuses every other name, including ones that merely start like loopback', () => {
    for (const header of [
      'evil.example:8787',
      '127.0.0.1.evil.example',
      '10.0.0.1:8787',
      '[::2]:1',
      '',
      '[::1',
    ])
      assert.equal(isLoopbackHostHeader(header), false, header);
  });

  it('tells loopback listen addresses', () => {
    assert.equal(isLoopbackHost('127.0.0.1'), true);
    assert.equal(isLoopbackHost('::1'), true);
    assert.equal(isLoopbackHost('0.0.0.0'), false);
    assert.equal(isLoopbackHost('192.168.1.2'), false);
  });
});
