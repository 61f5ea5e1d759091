// Quay "repository push" notifications (webhook method): `updated_tags` but no digest, and no
// auth header or signature. The notification URL carries a long random token instead
// (`/hooks/quay?token=…` or `/hooks/quay/<token>`), compared in constant time.

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

/** Tags per notification; Quay sends one per manifest push. */
const MAX_TAGS = 1_000;

const payloadSchema = z.object({
  repository: z.string().min(1),
  docker_url: z.string().min(1),
  // A 2013 quay.io sample had a tag → image-id map here; current Quay sends a list.
  updated_tags: z.union([z.array(z.string()).max(MAX_TAGS), z.record(z.string(), z.unknown())]),
});

/** The URL token check alone, so a stranger's body is never read. */
export function authenticateQuay(
  request: Pick<NotificationRequest, 'urlToken'>,
  secrets: NotificationSecrets,
): AuthRefusal | undefined {
  return refuseUnlessAuthentic(secrets.quay, 'Quay notifications', 'URL token', (config) =>
    secretsEqual(request.urlToken, config.token),
  );
}

/** Authenticates and parses one delivery to `/hooks/quay`. */
export function parseQuayNotification(
  request: NotificationRequest,
  secrets: NotificationSecrets,
): NotificationOutcome {
  const refusal = authenticateQuay(request, secrets);
  if (refusal !== undefined) return refusal;
  const config = secrets.quay;
  if (config === undefined) return { ok: false, status: 403, reason: 'not enabled' };
  const parsed = parseJsonBody(request.body, payloadSchema);
  if (!parsed.ok) return parsed;
  const payload = parsed.payload;
  const tags = Array.isArray(payload.updated_tags)
    ? payload.updated_tags
    : Object.keys(payload.updated_tags);
  // docker_url is `<server>/<namespace>/<name>`; its first component is the registry host.
  const dockerUrl = payload.docker_url.replace(/^[a-z]+:\/\//i, '');
  const slash = dockerUrl.indexOf('/');
  const host = slash > 0 ? dockerUrl.slice(0, slash) : undefined;
  const registry = config.registry ?? host;
  if (registry === undefined) {
    return { ok: true, claims: [], ignored: [{ reason: 'docker_url names no registry host' }] };
  }
  const claims = tags.map((tag) =>
    buildClaim({
      provider: 'quay',
      registry,
      repository: payload.repository,
      tag,
      receivedAt: request.receivedAt,
    }),
  );
  return { ok: true, ...collectClaims(claims) };
}
