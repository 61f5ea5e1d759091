// The typed failures of the cluster adapter. Each message is one line naming what was attempted,
// the kubeconfig context and the API server, so a user with several clusters knows which one.

import { EnvironmentError } from '../core/errors.ts';

/**
 * `unreachable`: no HTTP answer (refused, timed out, DNS, TLS verification).
 * `unauthorized`: 401, or no credentials could be obtained (exec plugin failed).
 * `forbidden`: 403 from RBAC. `not-found`: 404 for a named object.
 * `server-error`: any other HTTP status the API server answered with (5xx, 429 after retries).
 */
export type ClusterFailure =
  'unreachable' | 'unauthorized' | 'forbidden' | 'not-found' | 'server-error';

/** Where requests go: the selected kubeconfig context, its server and user. */
export interface ClusterTarget {
  readonly context: string;
  readonly server: string;
  readonly user: string;
  /** The namespace commands use when no -n/-A is given (context, in-cluster file, or default). */
  readonly namespace: string;
}

const HINTS: Readonly<Record<ClusterFailure, string>> = {
  unreachable:
    'check that the cluster is up and that --context/--kubeconfig select the cluster you mean',
  unauthorized: 'the credentials for this context are missing or expired; log in again',
  forbidden: 'ask for the RBAC permission named above, or narrow the scope with --namespace',
  'not-found': 'check the name and the namespace (-n)',
  'server-error': 'the API server is unhealthy or overloaded; retry later',
};

export class ClusterError extends EnvironmentError {
  readonly failure: ClusterFailure;
  readonly context: string;
  readonly server: string;
  /** The HTTP status when the API server answered. */
  readonly status: number | undefined;

  constructor(
    failure: ClusterFailure,
    what: string,
    target: Pick<ClusterTarget, 'context' | 'server'>,
    options?: { cause?: unknown; status?: number; hint?: string },
  ) {
    super(`${what} (context "${target.context}", server ${target.server})`, {
      cause: options?.cause,
      hint: options?.hint ?? HINTS[failure],
    });
    this.failure = failure;
    this.context = target.context;
    this.server = target.server;
    this.status = options?.status;
  }
}
