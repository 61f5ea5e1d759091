// Harbor webhook policies (HTTP endpoint), in the Default format
// (`{type: "PUSH_ARTIFACT", occur_at, event_data: {resources, repository}}`) or the CloudEvents
// one (`{type: "harbor.artifact.pushed", id, data: {…}}`). No signature: the policy's "Auth
// Header" string arrives verbatim as `Authorization` and is compared in constant time.

import { z } from 'zod';
import { parseImageReference } from '../../core/image-reference.ts';
import { parseJsonBody } from './payload-json.ts';
import { secretsEqual, type NotificationSecrets } from './notification-secrets.ts';
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

const PUSH_TYPES: ReadonlySet<string> = new Set(['PUSH_ARTIFACT', 'harbor.artifact.pushed']);
const MAX_RESOURCES = 1_000;

const eventDataSchema = z.object({
  resources: z
    .array(
      z.object({
        digest: z.string().optional(),
        tag: z.string().optional(),
        resource_url: z.string().optional(),
      }),
    )
    .max(MAX_RESOURCES)
    .optional(),
  repository: z.object({ repo_full_name: z.string().min(1) }).optional(),
});

const payloadSchema = z.object({
  type: z.string(),
  /** CloudEvents only. */
  id: z.string().optional(),
  occur_at: z.number().optional(),
  event_data: eventDataSchema.optional(),
  data: eventDataSchema.optional(),
});

type EventData = z.infer<typeof eventDataSchema>;
type Resource = NonNullable<EventData['resources']>[number];

/** The Auth Header check alone, so a stranger's body is never read. */
export function authenticateHarbor(
  request: Pick<NotificationRequest, 'headers'>,
  secrets: NotificationSecrets,
): AuthRefusal | undefined {
  return refuseUnlessAuthentic(
    secrets.harbor,
    'Harbor webhooks',
    'Authorization header',
    (config) => secretsEqual(headerValue(request.headers, 'authorization'), config.authorization),
  );
}

/** Authenticates and parses one delivery to `/hooks/harbor`. */
export function parseHarborWebhook(
  request: NotificationRequest,
  secrets: NotificationSecrets,
): NotificationOutcome {
  const refusal = authenticateHarbor(request, secrets);
  if (refusal !== undefined) return refusal;
  const config = secrets.harbor;
  if (config === undefined) return { ok: false, status: 403, reason: 'not enabled' };
  const parsed = parseJsonBody(request.body, payloadSchema);
  if (!parsed.ok) return parsed;
  const payload = parsed.payload;
  if (!PUSH_TYPES.has(payload.type)) {
    return { ok: true, claims: [], ignored: [{ reason: `${payload.type} event` }] };
  }
  const data = payload.data ?? payload.event_data;
  const repository = data?.repository?.repo_full_name;
  if (repository === undefined) {
    return { ok: false, status: 400, reason: 'the push event names no repository' };
  }
  const results = (data?.resources ?? []).map((resource) =>
    claimFromResource(resource, {
      repository,
      registry: config.registry,
      // The Default format has no id: its push time and artifact identify a redelivery.
      eventId:
        payload.id ??
        (payload.occur_at === undefined
          ? undefined
          : `${payload.occur_at}:${repository}:${resource.digest ?? ''}:${resource.tag ?? ''}`),
      receivedAt: request.receivedAt,
    }),
  );
  return { ok: true, ...collectClaims(results) };
}

interface ResourceContext {
  readonly repository: string;
  readonly registry: string | undefined;
  readonly eventId: string | undefined;
  readonly receivedAt: Date;
}

function claimFromResource(resource: Resource, context: ResourceContext): PushClaim | IgnoredEvent {
  const { eventId } = context;
  const tag = resource.tag ?? '';
  // Pushed by digest: Harbor puts the digest where the tag would be.
  if (tag === '' || tag.includes(':')) return { reason: 'push without a tag', eventId };
  const registry = context.registry ?? registryOf(resource.resource_url);
  if (registry === undefined) {
    return { reason: 'resource_url names no registry host (configure one)', eventId };
  }
  return buildClaim({
    provider: 'harbor',
    registry,
    repository: context.repository,
    tag,
    digest: resource.digest,
    eventId,
    receivedAt: context.receivedAt,
  });
}

/** `resource_url` is `<external host>/<project>/<repo>:<tag>`. */
function registryOf(resourceUrl: string | undefined): string | undefined {
  if (resourceUrl === undefined) return undefined;
  const parsed = parseImageReference(resourceUrl.replace(/^[a-z]+:\/\//i, ''));
  return parsed.ok && parsed.reference.domain !== '' ? parsed.reference.domain : undefined;
}
