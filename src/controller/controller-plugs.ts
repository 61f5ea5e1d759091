// The parts built beside the controller, plugged into its seams: the registry notification routes
// (every provider authenticated by the one --notification-token) and Lease leader election.

import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Registry } from 'prom-client';
import type { KubeApi } from '../cluster/connection/kube-api.ts';
import { KubeLeasePort } from '../cluster/leader-election/kube-lease-port.ts';
import {
  startLeaderElection,
  type ElectionDurations,
} from '../cluster/leader-election/leader-election.ts';
import type { NotificationSecrets } from '../registry/notifications/notification-secrets.ts';
import type { Route } from '../serving/http-server.ts';
import type { Logger } from '../telemetry/logger.ts';
import { leadershipFrom, type Leadership } from '../usecases/keep-fresh/leadership.ts';
import type { ClaimOutcome, PushClaim } from '../usecases/keep-fresh/tag-tracker.ts';
import { notificationRoutes } from './notification-routes.ts';

/** The Lease the replicas of one controller compete for. */
export const LEASE_NAME = 'kube-fresh-controller';

/**
 * One shared secret for every provider: the Bearer token of distribution's and Harbor's
 * Authorization header, the URL token of Docker Hub and Quay, GitHub's HMAC secret.
 */
export function notificationSecrets(token: string): NotificationSecrets {
  return {
    distribution: { token },
    harbor: { authorization: `Bearer ${token}` },
    dockerhub: { token },
    quay: { token },
    github: { secret: token },
  };
}

/** The `/hooks/<provider>` routes, handing each new claim to the tag tracker. */
export function hookRoutes(options: {
  readonly token: string;
  readonly claim: (claim: PushClaim) => Promise<ClaimOutcome>;
  readonly metrics: Registry;
  readonly log: Logger;
}): Route[] {
  return notificationRoutes({
    secrets: notificationSecrets(options.token),
    metrics: options.metrics,
    logger: options.log,
    onClaims: (claims) => {
      for (const claim of claims) {
        options
          .claim({ ...claim, receivedAt: claim.receivedAt.getTime() })
          .catch((error: unknown) => {
            options.log.warn(
              { err: String(error), repository: claim.repository },
              'push claim failed',
            );
          });
      }
    },
  });
}

/** Campaigns for the Lease; only the leader patches workloads and records Events. */
export function electLeader(options: {
  readonly api: KubeApi;
  readonly namespace: string;
  readonly podName: string | undefined;
  readonly durations: Partial<ElectionDurations>;
  readonly log: Logger;
}): Leadership {
  // Unique per process, recognisable per Pod: a restarted Pod must not inherit its old lease.
  const identity = `${options.podName ?? hostname()}_${randomBytes(4).toString('hex')}`;
  return leadershipFrom((callbacks) => {
    // The controller's own kube_fresh_leader gauge follows Leadership.onChange.
    return startLeaderElection({
      lease: new KubeLeasePort(options.api.coordination),
      namespace: options.namespace,
      name: LEASE_NAME,
      identity,
      durations: options.durations,
      logger: options.log,
      ...callbacks,
    });
  });
}
