// Docker Hub repository webhooks: one trigger (push), a tag but no digest, and no signature,
// secret or custom header. The webhook URL carries a long random token instead
// (`/hooks/dockerhub?token=…` or `/hooks/dockerhub/<token>`), compared in constant time.

import { z } from 'zod';
import { parseJsonBody } from './payload-json.ts';
import { secretsEqual, type NotificationSecrets } from './notification-secrets.ts';
import {
  buildClaim,
  collectClaims,
  refuseUnlessAuthentic,
  type AuthRefusal,
  type NotificationOutcome,
  type NotificationRequest,
} from './push-claim.ts';

const payloadSchema = z.object({
  push_data: z.object({
    tag: z.string(),
    pushed_at: z.number().optional(),
    pusher: z.string().optional(),
  }),
  repository: z.object({ repo_name: z.string().min(1) }),
});

/** The URL token check alone, so a stranger's body is never read. */
export function authenticateDockerHub(
  request: Pick<NotificationRequest, 'urlToken'>,
  secrets: NotificationSecrets,
): AuthRefusal | undefined {
  return refuseUnlessAuthentic(secrets.dockerhub, 'Docker Hub webhooks', 'URL token', (config) =>
    secretsEqual(request.urlToken, config.token),
  );
}

/** Authenticates and parses one delivery to `/hooks/dockerhub`. */
export function parseDockerHubWebhook(
  request: NotificationRequest,
  secrets: NotificationSecrets,
): NotificationOutcome {
  const refusal = authenticateDockerHub(request, secrets);
  if (refusal !== undefined) return refusal;
  const config = secrets.dockerhub;
  if (config === undefined) return { ok: false, status: 403, reason: 'not enabled' };
  const parsed = parseJsonBody(request.body, payloadSchema);
  if (!parsed.ok) return parsed;
  const { push_data: push, repository } = parsed.payload;
  if (push.tag === '') return { ok: true, claims: [], ignored: [{ reason: 'push without a tag' }] };
  // No event id in the payload: the repository, tag and push second identify a redelivery.
  const eventId =
    push.pushed_at === undefined
      ? undefined
      : `${repository.repo_name}:${push.tag}@${push.pushed_at}`;
  const claim = buildClaim({
    provider: 'dockerhub',
    registry: 'docker.io',
    repository: repository.repo_name,
    tag: push.tag,
    eventId,
    receivedAt: request.receivedAt,
  });
  return { ok: true, ...collectClaims([claim]) };
}
