// One entry for every provider: authenticate, parse, and reduce a delivery to push claims.

import {
  authenticateDistribution,
  parseDistributionNotification,
} from './distribution-notification.ts';
import { authenticateDockerHub, parseDockerHubWebhook } from './docker-hub-webhook.ts';
import { parseGithubPackageEvent } from './github-package-event.ts';
import { authenticateHarbor, parseHarborWebhook } from './harbor-webhook.ts';
import type { NotificationSecrets } from './notification-secrets.ts';
import { authenticateQuay, parseQuayNotification } from './quay-notification.ts';
import type {
  AuthRefusal,
  NotificationOutcome,
  NotificationProvider,
  NotificationRequest,
} from './push-claim.ts';

const PARSERS: Readonly<
  Record<
    NotificationProvider,
    (request: NotificationRequest, secrets: NotificationSecrets) => NotificationOutcome
  >
> = {
  distribution: parseDistributionNotification,
  dockerhub: parseDockerHubWebhook,
  github: parseGithubPackageEvent,
  harbor: parseHarborWebhook,
  quay: parseQuayNotification,
};

/**
 * What can be refused before reading the body: a disabled provider (403) and, for every provider
 * but GitHub (whose signature covers the body), missing or wrong credentials (401).
 */
export function authenticateNotification(
  provider: NotificationProvider,
  request: Pick<NotificationRequest, 'headers' | 'urlToken'>,
  secrets: NotificationSecrets,
): AuthRefusal | undefined {
  switch (provider) {
    case 'distribution':
      return authenticateDistribution(request, secrets);
    case 'dockerhub':
      return authenticateDockerHub(request, secrets);
    case 'harbor':
      return authenticateHarbor(request, secrets);
    case 'quay':
      return authenticateQuay(request, secrets);
    case 'github':
      return secrets.github === undefined
        ? { ok: false, status: 403, reason: 'GitHub webhooks are not enabled' }
        : undefined;
  }
}

/** Authenticates one delivery and turns it into claims; pure (no I/O, no clock). */
export function parseNotification(
  provider: NotificationProvider,
  request: NotificationRequest,
  secrets: NotificationSecrets,
): NotificationOutcome {
  return PARSERS[provider](request, secrets);
}
