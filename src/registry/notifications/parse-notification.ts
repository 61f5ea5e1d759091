// One entry for every provider: authenticate, parse, and reduce a delivery to push claims.

import { parseDistributionNotification } from './distribution-notification.ts';
import { parseDockerHubWebhook } from './docker-hub-webhook.ts';
import { parseGithubPackageEvent } from './github-package-event.ts';
import { parseHarborWebhook } from './harbor-webhook.ts';
import type { NotificationSecrets } from './notification-secrets.ts';
import { parseQuayNotification } from './quay-notification.ts';
import type {
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

/** Authenticates one delivery and turns it into claims; pure (no I/O, no clock). */
export function parseNotification(
  provider: NotificationProvider,
  request: NotificationRequest,
  secrets: NotificationSecrets,
): NotificationOutcome {
  return PARSERS[provider](request, secrets);
}
