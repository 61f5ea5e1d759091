// The typed failures of the cluster adapter. Each message is one line naming what was attempted,
// the kubeconfig context and the API server, so a user with several clusters knows which one.

import { EnvironmentError } from '../core/errors.ts';
import { redactSecrets, redactUrl } from '../core/redact-secrets.ts';

/**
 * `unreachable`: no HTTP answer (refused, timed out, DNS, TLS verification).
 * `unauthorized`: 401, or no credentials could be obtained (exec plugin failed).
 * `forbidden`: 403 from RBAC. `not-found`: 404 for a named object.
 * `server-error`: any other HTTP status the API server answered with (5xx, 429 after retries).
 * `bad-answer`: a 2xx answer that is not Kubernetes JSON of the expected shape (a proxy's login
 * page, a truncated or over-size body, a list whose `continue` token repeats).
 */
export type ClusterFailure =
  'unreachable' | 'unauthorized' | 'forbidden' | 'not-found' | 'server-error' | 'bad-answer';

/** Where requests go: the selected kubeconfig context, its server and user. */
export interface ClusterTarget {
  readonly context: string;
  readonly server: string;
  readonly user: string;
  /** The namespace commands use when no -n/-A is given (context, in-cluster file, or default). */
  readonly namespace: string;
  /** Tokens and passwords used with this server (filled as they are obtained): never shown. */
  readonly secrets?: ReadonlySet<string>;
}

const HINTS: Readonly<Record<ClusterFailure, string>> = {
  unreachable:
    'check that the cluster is up and that --context/--kubeconfig select the cluster you mean',
  unauthorized: 'the credentials for this context are missing or expired; log in again',
  forbidden: 'ask for the RBAC permission named above, or narrow the scope with --namespace',
  'not-found': 'check the name and the namespace (-n)',
  'server-error': 'the API server is unhealthy or overloaded; retry later',
  'bad-answer':
    'something between kube-fresh and the API server (an SSO or captive proxy, a broken aggregated API) answered instead of it',
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
    target: Pick<ClusterTarget, 'context' | 'server' | 'secrets'>,
    options?: { cause?: unknown; status?: number; hint?: string },
  ) {
    // The server may be `https://user:password@host` (F-14), and `what` may quote an API answer
    // that repeats our token (F-13).
    const server = redactUrl(target.server);
    super(
      `${redactSecrets(what, target.secrets)} (context "${target.context}", server ${server})`,
      {
        cause: options?.cause,
        hint: options?.hint ?? HINTS[failure],
      },
    );
    this.failure = failure;
    this.context = target.context;
    this.server = server;
    this.status = options?.status;
  }
}
