import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { basicCredentialSecrets, redactSecrets, redactUrl } from './redact-secrets.ts';

describe('redactSecrets (F-13)', () => {
  it('removes known secrets, any Bearer/Basic credential and JWTs', () => {
    const secrets = basicCredentialSecrets('user', 'hunter2');
    assert.ok(secrets.includes('dXNlcjpodW50ZXIy'));
    assert.equal(
      redactSecrets('authentication failed for Basic dXNlcjpodW50ZXIy (password hunter2)', secrets),
      'authentication failed for Basic [redacted] (password [redacted])',
    );
    assert.equal(
      redactSecrets('forbidden (auth Bearer kubetoken-SECRET-xyz)'),
      'forbidden (auth Bearer [redacted])',
    );
    assert.equal(redactSecrets('token eyJhbGciOi.eyJzdWIi.c2ln here'), 'token [redacted] here');
    assert.equal(redactSecrets('nothing to hide', ['abc']), 'nothing to hide');
  });

  it('redacts a URL password as Go does', () => {
    assert.equal(
      redactUrl('https://admin:s3cretpw@127.0.0.1:1'),
      'https://admin:xxxxx@127.0.0.1:1',
    );
    assert.equal(redactUrl('https://127.0.0.1:6443'), 'https://127.0.0.1:6443');
  });
});
