import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiException } from '@kubernetes/client-node';
import { InputError } from '../../core/errors.ts';
import { toClusterError, statusMessage } from './api-failure.ts';
import { ClusterError } from '../cluster-error.ts';

const target = {
  context: 'prod',
  server: 'https://k8s.example:6443',
  user: 'alice',
  namespace: 'default',
};
const status = (message: string) => JSON.stringify({ kind: 'Status', message });

describe('toClusterError', () => {
  const cases: [string, unknown, ClusterError['failure'], string][] = [
    [
      '401',
      new ApiException(401, 'Unauthorized', undefined, {}),
      'unauthorized',
      'the API server rejected the credentials of user "alice" (401 Unauthorized) when trying to list Pods',
    ],
    [
      '403 with the RBAC message',
      new ApiException(
        403,
        'x',
        status('pods is forbidden: User "alice" cannot list resource "pods"'),
        {},
      ),
      'forbidden',
      'not allowed to list Pods: pods is forbidden: User "alice" cannot list resource "pods"',
    ],
    [
      '404',
      new ApiException(404, 'x', { message: 'pods "p" not found' }, {}),
      'not-found',
      'cannot list Pods: pods "p" not found',
    ],
    [
      '503',
      new ApiException(503, 'x', 'upstream connect error', {}),
      'server-error',
      'cannot list Pods: the API server answered 503: upstream connect error',
    ],
    [
      'a refused connection',
      Object.assign(
        new Error(
          'request to https://k8s.example:6443/api/v1/pods failed, reason: connect ECONNREFUSED 10.0.0.1:6443',
        ),
        { type: 'system', code: 'ECONNREFUSED' },
      ),
      'unreachable',
      'cannot reach the API server to list Pods: connect ECONNREFUSED 10.0.0.1:6443',
    ],
    [
      'an unknown host',
      Object.assign(new Error('getaddrinfo ENOTFOUND k8s.example'), { code: 'ENOTFOUND' }),
      'unreachable',
      'cannot reach the API server to list Pods: getaddrinfo ENOTFOUND k8s.example',
    ],
    [
      'a timeout',
      Object.assign(new Error('The operation was aborted.'), {
        name: 'AbortError',
        type: 'aborted',
      }),
      'unreachable',
      'cannot list Pods: the API server did not answer in full within the request timeout',
    ],
    [
      'an untrusted certificate',
      Object.assign(new Error('self-signed certificate in certificate chain'), {
        code: 'SELF_SIGNED_CERT_IN_CHAIN',
      }),
      'unreachable',
      'cannot list Pods: TLS: self-signed certificate in certificate chain',
    ],
  ];
  for (const [title, error, failure, message] of cases) {
    it(`maps ${title} to ${failure}`, () => {
      const mapped = toClusterError(error, 'list Pods', target);
      assert.ok(mapped instanceof ClusterError);
      assert.equal(mapped.failure, failure);
      assert.equal(mapped.message, `${message} (context "prod", server https://k8s.example:6443)`);
      assert.equal(mapped.kind, 'environment');
      assert.equal(mapped.cause, error);
    });
  }

  it('turns an unreadable certificate file into an input error, and passes anything else through', () => {
    const enoent = Object.assign(new Error('ENOENT'), {
      code: 'ENOENT',
      syscall: 'open',
      path: '/certs/a.crt',
    });
    const mapped = toClusterError(enoent, 'list Pods', target);
    assert.ok(mapped instanceof InputError);
    assert.match(
      mapped.message,
      /cannot read \/certs\/a\.crt, named in the kubeconfig for context "prod": ENOENT/,
    );
    const bug = new TypeError('x is undefined');
    assert.equal(toClusterError(bug, 'list Pods', target), bug);
  });

  it('reads metav1.Status messages from strings and objects', () => {
    assert.equal(statusMessage(status('m')), 'm');
    assert.equal(statusMessage({ message: 'n' }), 'n');
    assert.equal(statusMessage(''), undefined);
    assert.equal(statusMessage(undefined), undefined);
  });
});

describe('secrets in cluster errors (F-13, F-14)', () => {
  it('never shows a token an API answer repeats, nor a password in the server URL', () => {
    const target = {
      context: 'ctx',
      server: 'https://admin:s3cretpw@127.0.0.1:1',
      user: 'u',
      namespace: 'default',
      secrets: new Set(['plain-known-token-123']),
    };
    const body = JSON.stringify({
      kind: 'Status',
      message: 'denied (auth Bearer kubetoken-SECRET-xyz, also plain-known-token-123)',
    });
    const error = toClusterError(new ApiException(403, 'Forbidden', body, {}), 'list Pods', target);
    assert.doesNotMatch(error.message, /kubetoken-SECRET-xyz|plain-known-token-123|s3cretpw/);
    assert.match(error.message, /server https:\/\/admin:xxxxx@127\.0\.0\.1:1/);
  });
});
