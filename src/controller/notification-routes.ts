// The HTTP side of registry push notifications: `POST /hooks/<provider>` for distribution,
// Docker Hub, GitHub, Harbor and Quay. Reads the body with a bound, lets the provider's parser
// authenticate and parse it, drops redelivered events, hands new claims to the controller and
// answers fast (202 with claims, 200 without). Secrets and URLs (which carry tokens for Docker
// Hub and Quay) are never logged; metrics carry only the provider and a bounded result.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { Counter, type Registry } from 'prom-client';
import { EventDeduplicator } from '../registry/notifications/event-deduplicator.ts';
import type { NotificationSecrets } from '../registry/notifications/notification-secrets.ts';
import {
  authenticateNotification,
  parseNotification,
} from '../registry/notifications/parse-notification.ts';
import {
  NOTIFICATION_PROVIDERS,
  type IgnoredEvent,
  type NotificationProvider,
  type PushClaim,
} from '../registry/notifications/push-claim.ts';
import { sendJson, type Route } from '../serving/http-server.ts';
import { readBody } from '../serving/read-body.ts';
import type { Logger } from '../telemetry/logger.ts';

/** Largest body accepted (distribution events are ~1–2 KiB; GitHub's with many layers ~50 KiB). */
export const DEFAULT_NOTIFICATION_BODY_LIMIT = 1024 * 1024;

export type NotificationResult =
  'accepted' | 'duplicate' | 'ignored' | 'unauthorized' | 'forbidden' | 'malformed' | 'too_large';

export interface NotificationRoutesOptions {
  readonly secrets: NotificationSecrets;
  /** Called synchronously with the new claims of one delivery; a throw answers 500 (redelivery). */
  readonly onClaims: (claims: readonly PushClaim[]) => void;
  readonly metrics: Registry;
  readonly logger: Logger;
  readonly maxBodyBytes?: number;
  readonly deduplicator?: EventDeduplicator;
  readonly now?: () => Date;
}

const PROVIDERS_WITH_URL_TOKEN: ReadonlySet<NotificationProvider> = new Set(['dockerhub', 'quay']);

/** The five `POST /hooks/<provider>` routes, for serving/http-server.ts. */
export function notificationRoutes(options: NotificationRoutesOptions): Route[] {
  const counter = notificationCounter(options.metrics);
  const deduplicator = options.deduplicator ?? new EventDeduplicator();
  return NOTIFICATION_PROVIDERS.map((provider) => ({
    method: 'POST' as const,
    path: `/hooks/${provider}`,
    // Docker Hub and Quay cannot sign: their token may be the last path segment.
    prefix: PROVIDERS_WITH_URL_TOKEN.has(provider),
    handle: async (request: IncomingMessage, response: ServerResponse) => {
      try {
        const result = await handleDelivery(provider, request, response, {
          ...options,
          deduplicator,
        });
        counter.inc({ provider, result });
      } catch (error) {
        // The server answers 500 (the sender retries) and reports the error; never the URL.
        counter.inc({ provider, result: 'failed' });
        throw error;
      }
    },
  }));
}

async function handleDelivery(
  provider: NotificationProvider,
  request: IncomingMessage,
  response: ServerResponse,
  options: NotificationRoutesOptions & { readonly deduplicator: EventDeduplicator },
): Promise<NotificationResult> {
  const log = options.logger;
  const token = urlToken(provider, request.url);
  // Credentials first: a stranger's body is never read (GitHub's signature needs it, though).
  const refusal = authenticateNotification(
    provider,
    { headers: request.headers, urlToken: token },
    options.secrets,
  );
  if (refusal !== undefined) {
    log.warn({ provider, status: refusal.status }, `notification refused: ${refusal.reason}`);
    sendJson(response, refusal.status, { error: refusal.reason });
    request.resume();
    return REFUSALS[refusal.status];
  }
  const body = await readBody(request, options.maxBodyBytes ?? DEFAULT_NOTIFICATION_BODY_LIMIT);
  if (!body.ok) {
    log.warn({ provider, status: body.status }, `notification refused: ${body.message}`);
    sendJson(response, body.status, { error: body.message });
    return body.status === 413 ? 'too_large' : 'malformed';
  }
  const outcome = parseNotification(
    provider,
    {
      headers: request.headers,
      body: body.body,
      urlToken: token,
      receivedAt: options.now?.() ?? new Date(),
    },
    options.secrets,
  );
  if (!outcome.ok) {
    log.warn({ provider, status: outcome.status }, `notification refused: ${outcome.reason}`);
    sendJson(response, outcome.status, { error: outcome.reason });
    return REFUSALS[outcome.status];
  }
  return acceptClaims(provider, outcome, response, options);
}

function acceptClaims(
  provider: NotificationProvider,
  outcome: { readonly claims: readonly PushClaim[]; readonly ignored: readonly IgnoredEvent[] },
  response: ServerResponse,
  options: NotificationRoutesOptions & { readonly deduplicator: EventDeduplicator },
): NotificationResult {
  const log = options.logger;
  // Claims without an event id are never repeats: nothing identifies a redelivery.
  const fresh = outcome.claims.filter((c) => {
    const key = dedupeKey(c);
    return key === undefined || options.deduplicator.firstSeen(key);
  });
  const duplicates = outcome.claims.length - fresh.length;
  for (const event of outcome.ignored) {
    log.debug({ provider, eventId: event.eventId }, `notification event ignored: ${event.reason}`);
  }
  if (fresh.length > 0) {
    try {
      options.onClaims(fresh);
    } catch (error) {
      for (const key of fresh.map(dedupeKey))
        if (key !== undefined) options.deduplicator.forget(key);
      throw error;
    }
    for (const claim of fresh) log.info(describeClaim(claim), 'push notification');
  }
  const counts = { accepted: fresh.length, duplicates, ignored: outcome.ignored.length };
  sendJson(response, fresh.length > 0 ? 202 : 200, counts);
  if (fresh.length > 0) return 'accepted';
  return duplicates > 0 ? 'duplicate' : 'ignored';
}

const REFUSALS: Readonly<Record<400 | 401 | 403, NotificationResult>> = {
  400: 'malformed',
  401: 'unauthorized',
  403: 'forbidden',
};

/** One event can name several tags (Harbor, Quay), so the key is the event id and the tag. */
function dedupeKey(claim: PushClaim): string | undefined {
  if (claim.eventId === undefined) return undefined;
  return `${claim.provider}\n${claim.eventId}\n${claim.registry}/${claim.repository}:${claim.tag}`;
}

function describeClaim(claim: PushClaim): Record<string, string | undefined> {
  return {
    provider: claim.provider,
    registry: claim.registry,
    repository: claim.repository,
    tag: claim.tag,
    digest: claim.digest,
    eventId: claim.eventId,
  };
}

/** `?token=<t>` or `/hooks/<provider>/<t>`; only for the providers that cannot sign. */
export function urlToken(
  provider: NotificationProvider,
  url: string | undefined,
): string | undefined {
  if (!PROVIDERS_WITH_URL_TOKEN.has(provider) || url === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url, 'http://receiver.invalid');
  } catch {
    return undefined;
  }
  const fromQuery = parsed.searchParams.get('token');
  if (fromQuery !== null) return fromQuery;
  const rest = parsed.pathname.slice(`/hooks/${provider}/`.length);
  if (!parsed.pathname.startsWith(`/hooks/${provider}/`) || rest === '' || rest.includes('/')) {
    return undefined;
  }
  try {
    return decodeURIComponent(rest);
  } catch {
    return undefined;
  }
}

function notificationCounter(metrics: Registry): Counter<'provider' | 'result'> {
  const name = 'kube_fresh_notifications_total';
  const existing = metrics.getSingleMetric(name);
  if (existing !== undefined) return existing as Counter<'provider' | 'result'>;
  return new Counter({
    name,
    help: 'Registry push notifications received, by provider and result.',
    labelNames: ['provider', 'result'],
    registers: [metrics],
  });
}
