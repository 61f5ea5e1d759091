// What a registry's push notification tells us, reduced to one shape for every provider: "tag T of
// repository R on registry G was pushed (and now names digest D, if the payload says so)". A claim
// is a hint to confirm against the registry, never a fact to pin: distribution queues its event
// before it moves the tag, and Docker Hub / Quay send no digest at all.

import type { Digest } from '../../core/digest.ts';
import { isDigest } from '../../core/digest.ts';
import { parseImageReference, type ImageReference } from '../../core/image-reference.ts';

export type NotificationProvider = 'distribution' | 'dockerhub' | 'github' | 'harbor' | 'quay';

export const NOTIFICATION_PROVIDERS: readonly NotificationProvider[] = [
  'distribution',
  'dockerhub',
  'github',
  'harbor',
  'quay',
];

export interface PushClaim {
  readonly provider: NotificationProvider;
  /** host[:port] as Pods write it, normalised like the reference parser (`docker.io`, …). */
  readonly registry: string;
  /** The repository path without the registry, e.g. `library/nginx`, `demo/app`. */
  readonly repository: string;
  readonly tag: string;
  /** Only from tag push events that carry one (distribution, GitHub, Harbor). */
  readonly digest?: Digest;
  /** The provider's delivery/event id, used to handle a redelivered event once. */
  readonly eventId?: string;
  readonly receivedAt: Date;
  /** `registry/repository:tag` parsed, so consumers never re-parse (no digest). */
  readonly reference: ImageReference;
}

/** Why one event in an otherwise valid notification produced no claim (for logs). */
export interface IgnoredEvent {
  readonly reason: string;
  readonly eventId?: string;
}

export type NotificationOutcome =
  | {
      readonly ok: true;
      readonly claims: readonly PushClaim[];
      readonly ignored: readonly IgnoredEvent[];
    }
  | { readonly ok: false; readonly status: 400 | 401 | 403; readonly reason: string };

/** An authentication refusal, decided from headers and URL alone (before the body is read). */
export type AuthRefusal = {
  readonly ok: false;
  readonly status: 401 | 403;
  readonly reason: string;
};

/**
 * The one shape of every provider's check: 403 while the provider has no secret configured (its
 * route is off), 401 when the delivery does not carry it.
 */
export function refuseUnlessAuthentic<T>(
  config: T | undefined,
  provider: string,
  credential: string,
  authentic: (config: T) => boolean,
): AuthRefusal | undefined {
  if (config === undefined)
    return { ok: false, status: 403, reason: `${provider} are not enabled` };
  if (!authentic(config))
    return { ok: false, status: 401, reason: `missing or wrong ${credential}` };
  return undefined;
}

/** The parts of one HTTP delivery the parsers look at; headers keyed in lower case (node:http). */
export interface NotificationRequest {
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly body: Buffer;
  /** The secret token from the URL (`?token=` or `/hooks/<provider>/<token>`), if any. */
  readonly urlToken?: string | undefined;
  readonly receivedAt: Date;
}

export interface ClaimInput {
  readonly provider: NotificationProvider;
  /** A host[:port] (or a whole reference's domain) from the payload or the configuration. */
  readonly registry: string;
  readonly repository: string;
  readonly tag: string;
  readonly digest?: string | undefined;
  readonly eventId?: string | undefined;
  readonly receivedAt: Date;
}

/**
 * Builds a claim by parsing `registry/repository:tag` with the project's reference parser, so the
 * registry and repository come out exactly as they do from a Pod's image (`index.docker.io` →
 * `docker.io`, `nginx` → `library/nginx`). Returns why not when the parts do not form a reference.
 */
export function buildClaim(input: ClaimInput): PushClaim | IgnoredEvent {
  const host = input.registry.trim();
  const path = input.repository.replace(/^\/+/, '');
  const parsed = parseImageReference(`${host}/${path}:${input.tag}`);
  const eventId = input.eventId;
  if (!parsed.ok) {
    return { reason: `not an image reference: ${parsed.problem.message}`, eventId };
  }
  const reference = parsed.reference;
  if (reference.domain === '' || reference.digest !== undefined || reference.tag !== input.tag) {
    return { reason: 'not an image reference: unexpected tag or digest', eventId };
  }
  const digest = input.digest !== undefined && isDigest(input.digest) ? input.digest : undefined;
  return {
    provider: input.provider,
    registry: reference.domain,
    repository: reference.path,
    tag: input.tag,
    ...(digest === undefined ? {} : { digest }),
    ...(eventId === undefined ? {} : { eventId }),
    receivedAt: input.receivedAt,
    reference,
  };
}

export function isClaim(value: PushClaim | IgnoredEvent): value is PushClaim {
  return 'reference' in value;
}

/** Splits built claims from ignored events. */
export function collectClaims(results: readonly (PushClaim | IgnoredEvent)[]): {
  claims: PushClaim[];
  ignored: IgnoredEvent[];
} {
  const claims: PushClaim[] = [];
  const ignored: IgnoredEvent[] = [];
  for (const result of results) {
    if (isClaim(result)) claims.push(result);
    else ignored.push(result);
  }
  return { claims, ignored };
}

/** The first value of a header (node:http joins most duplicates, but not all). */
export function headerValue(
  headers: NotificationRequest['headers'],
  name: string,
): string | undefined {
  const value = headers[name.toLowerCase()];
  return typeof value === 'string' ? value : value?.[0];
}
