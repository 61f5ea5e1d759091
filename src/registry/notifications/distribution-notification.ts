// CNCF distribution (docker-registry, Harbor's core, GitLab's and Zot's compatible senders):
// `{"events": [...]}` envelopes, one event per POST in practice, authenticated only by the static
// `Authorization: Bearer <token>` header configured on the registry's endpoint.

import { z } from 'zod';
import { MEDIA_TYPES } from '../../core/image-resolver.ts';
import { parseJsonBody } from './payload-json.ts';
import { bearerToken, secretsEqual, type NotificationSecrets } from './notification-secrets.ts';
import {
  buildClaim,
  collectClaims,
  headerValue,
  refuseUnlessAuthentic,
  type AuthRefusal,
  type IgnoredEvent,
  type NotificationOutcome,
  type NotificationRequest,
  type PushClaim,
} from './push-claim.ts';

export const DISTRIBUTION_EVENTS_MEDIA_TYPE = 'application/vnd.docker.distribution.events.v1+json';

/** Manifest kinds a tag can name; blob pushes (`application/octet-stream`) carry no tag. */
const TAGGABLE_MEDIA_TYPES: ReadonlySet<string> = new Set([
  ...Object.values(MEDIA_TYPES),
  'application/vnd.docker.distribution.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v1+prettyjws',
]);

/** distribution sends one event per POST; anything far above that is not a registry. */
const MAX_EVENTS = 1_000;

const eventSchema = z.object({
  id: z.string().min(1),
  timestamp: z.string().optional(),
  action: z.string(),
  target: z.object({
    mediaType: z.string().optional(),
    digest: z.string().optional(),
    repository: z.string().optional(),
    tag: z.string().optional(),
    url: z.string().optional(),
  }),
  request: z.object({ host: z.string().optional(), method: z.string().optional() }).optional(),
});

const envelopeSchema = z.object({ events: z.array(eventSchema).max(MAX_EVENTS) });

type DistributionEvent = z.infer<typeof eventSchema>;

/** The Bearer token check alone, so a stranger's body is never read. */
export function authenticateDistribution(
  request: Pick<NotificationRequest, 'headers'>,
  secrets: NotificationSecrets,
): AuthRefusal | undefined {
  return refuseUnlessAuthentic(
    secrets.distribution,
    'distribution notifications',
    'bearer token',
    (config) =>
      secretsEqual(bearerToken(headerValue(request.headers, 'authorization')), config.token),
  );
}

/** Authenticates and parses one delivery to `/hooks/distribution`. */
export function parseDistributionNotification(
  request: NotificationRequest,
  secrets: NotificationSecrets,
): NotificationOutcome {
  const refusal = authenticateDistribution(request, secrets);
  if (refusal !== undefined) return refusal;
  const config = secrets.distribution;
  if (config === undefined) return { ok: false, status: 403, reason: 'not enabled' };
  const contentType = mediaTypeOf(headerValue(request.headers, 'content-type'));
  if (contentType !== DISTRIBUTION_EVENTS_MEDIA_TYPE && contentType !== 'application/json') {
    return {
      ok: false,
      status: 400,
      reason: `content type must be ${DISTRIBUTION_EVENTS_MEDIA_TYPE}`,
    };
  }
  const parsed = parseJsonBody(request.body, envelopeSchema);
  if (!parsed.ok) return parsed;
  const results = parsed.payload.events.map((event) =>
    claimFromEvent(event, config.registry, request.receivedAt),
  );
  return { ok: true, ...collectClaims(results) };
}

function claimFromEvent(
  event: DistributionEvent,
  configuredRegistry: string | undefined,
  receivedAt: Date,
): PushClaim | IgnoredEvent {
  const eventId = event.id;
  const { target } = event;
  // Pulls (HEAD and GET make events too), deletes, and mounts move no tag.
  if (event.action !== 'push') return { reason: `${event.action} event`, eventId };
  if (target.tag === undefined || target.tag === '') {
    return { reason: 'push without a tag (a blob, or a manifest pushed by digest)', eventId };
  }
  if (target.mediaType === undefined || !TAGGABLE_MEDIA_TYPES.has(target.mediaType)) {
    return { reason: `push of media type ${target.mediaType ?? '(none)'}`, eventId };
  }
  if (target.repository === undefined) return { reason: 'push without a repository', eventId };
  const registry = configuredRegistry ?? event.request?.host ?? hostOf(target.url);
  if (registry === undefined || registry === '') {
    return { reason: 'push without a registry host (configure one)', eventId };
  }
  return buildClaim({
    provider: 'distribution',
    registry,
    repository: target.repository,
    tag: target.tag,
    digest: target.digest,
    eventId,
    receivedAt,
  });
}

function hostOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

/** `type/subtype` without parameters, lower case. */
export function mediaTypeOf(contentType: string | undefined): string | undefined {
  return contentType?.split(';')[0]?.trim().toLowerCase();
}
