// Turning what client-node throws into kube-fresh's typed failures: ApiException (HTTP status),
// node-fetch's FetchError/AbortError (no answer), and file errors from certificate paths in the
// kubeconfig. Anything unrecognised is rethrown unchanged: it is a bug, not an environment issue.

import { ApiException } from '@kubernetes/client-node';
import { InputError } from '../../core/errors.ts';
import { MAX_API_BODY_BYTES } from './api-transport.ts';
import { ClusterError, type ClusterTarget } from '../cluster-error.ts';
import { BadAnswerError } from '../read/list-pages.ts';

const TLS_CODES =
  /^(ERR_TLS_|CERT_|UNABLE_TO_|SELF_SIGNED_|DEPTH_ZERO_|ERR_SSL_|HOSTNAME_MISMATCH)/;
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'UND_ERR_SOCKET',
]);

/**
 * @param action what was attempted, as a verb phrase: `list Pods in all namespaces`.
 */
export function toClusterError(error: unknown, action: string, target: ClusterTarget): Error {
  if (error instanceof ClusterError || error instanceof InputError) return error;
  if (error instanceof ApiException) return fromStatus(error, action, target);
  const bad = badAnswer(error, action, target);
  if (bad !== undefined) return bad;
  const failure = error as {
    name?: string;
    type?: string;
    code?: string;
    message?: string;
    path?: string;
    syscall?: string;
  };
  if (failure.name === 'AbortError' || failure.type === 'aborted') {
    return new ClusterError(
      'unreachable',
      `cannot ${action}: the API server did not answer in full within the request timeout`,
      target,
      { cause: error },
    );
  }
  const code = failure.code ?? '';
  if (TLS_CODES.test(code)) {
    return new ClusterError(
      'unreachable',
      `cannot ${action}: TLS: ${failure.message ?? code}`,
      target,
      {
        cause: error,
        hint: 'the server certificate is not trusted: check certificate-authority(-data) in the kubeconfig',
      },
    );
  }
  if (NETWORK_CODES.has(code) || failure.type === 'system') {
    return new ClusterError(
      'unreachable',
      `cannot reach the API server to ${action}: ${networkDetail(failure)}`,
      target,
      { cause: error },
    );
  }
  if (failure.syscall === 'open' && typeof failure.path === 'string') {
    return new InputError(
      `cannot read ${failure.path}, named in the kubeconfig for context "${target.context}": ${code}`,
      { cause: error },
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** A 2xx answer that is not what it should be (F-9, F-10, F-15): exit 3, not a crash. */
function badAnswer(
  error: unknown,
  action: string,
  target: ClusterTarget,
): ClusterError | undefined {
  if (error instanceof BadAnswerError)
    return new ClusterError('bad-answer', `cannot ${action}: ${error.message}`, target, {
      cause: error,
    });
  // JSON.parse on a 2xx body, in getJson or in client-node's ObjectSerializer: an HTML login page
  // of a proxy, or a truncated answer. Not a bug of ours: exit 3, not 70 (F-9).
  if (error instanceof SyntaxError)
    return new ClusterError(
      'bad-answer',
      `cannot ${action}: the API server answered something that is not Kubernetes JSON`,
      target,
      { cause: error },
    );
  if ((error as { type?: unknown } | null)?.type === 'max-size') {
    return new ClusterError(
      'bad-answer',
      `cannot ${action}: the API server sent more than ${MAX_API_BODY_BYTES / 1024 / 1024} MiB in one answer`,
      target,
      { cause: error },
    );
  }
  return undefined;
}

function fromStatus(
  error: ApiException<unknown>,
  action: string,
  target: ClusterTarget,
): ClusterError {
  const status = error.code;
  const reason = statusMessage(error.body);
  const options = { cause: error, status };
  switch (status) {
    case 401:
      return new ClusterError(
        'unauthorized',
        `the API server rejected the credentials of user "${target.user}" (401 Unauthorized) when trying to ${action}`,
        target,
        options,
      );
    case 403:
      return new ClusterError(
        'forbidden',
        `not allowed to ${action}: ${reason ?? '403 Forbidden'}`,
        target,
        options,
      );
    case 404:
      return new ClusterError(
        'not-found',
        `cannot ${action}: ${reason ?? '404 Not Found'}`,
        target,
        options,
      );
    default:
      return new ClusterError(
        'server-error',
        `cannot ${action}: the API server answered ${status}${reason ? `: ${reason}` : ''}`,
        target,
        options,
      );
  }
}

/** The `message` of a metav1.Status body; client-node hands it over as a string or an object. */
export function statusMessage(body: unknown): string | undefined {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      return body.trim() === '' ? undefined : body.trim().slice(0, 300);
    }
  }
  const message = (value as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' && message !== '' ? message : undefined;
}

function networkDetail(failure: { code?: string; message?: string }): string {
  const message = failure.message ?? failure.code ?? 'network error';
  // node-fetch: "request to https://… failed, reason: connect ECONNREFUSED 127.0.0.1:1"
  const reason = /reason: (.*)$/.exec(message)?.[1];
  return reason ?? message;
}

/** True for a 403 ApiException (or a forbidden ClusterError). */
export function isForbidden(error: unknown): boolean {
  return (
    (error instanceof ApiException && error.code === 403) ||
    (error instanceof ClusterError && error.failure === 'forbidden')
  );
}

export function isNotFound(error: unknown): boolean {
  return (
    (error instanceof ApiException && error.code === 404) ||
    (error instanceof ClusterError && error.failure === 'not-found')
  );
}
