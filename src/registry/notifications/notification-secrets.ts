// The shared secrets each provider authenticates with, and constant-time checks of them. None of
// these values may reach a log line, an error message or a metric label.

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Per provider; a provider without an entry is disabled (its route answers 403). */
export interface NotificationSecrets {
  /** `Authorization: Bearer <token>` from the registry's `notifications.endpoints[].headers`. */
  readonly distribution?: {
    readonly token: string;
    /** Registry host[:port] as Pods write it; default: the Host the push was sent to. */
    readonly registry?: string;
  };
  /** Docker Hub sends no signature: a long random token in the webhook URL. */
  readonly dockerhub?: { readonly token: string };
  /** The webhook secret GitHub signs `X-Hub-Signature-256` with. */
  readonly github?: { readonly secret: string; readonly registry?: string };
  /** The policy's "Auth Header", sent verbatim as `Authorization`. */
  readonly harbor?: { readonly authorization: string; readonly registry?: string };
  /** Quay sends no auth header: a long random token in the notification URL. */
  readonly quay?: { readonly token: string; readonly registry?: string };
}

/**
 * Compares two secrets without leaking where they differ or how long the expected one is: both
 * sides are hashed first, so `timingSafeEqual` always sees equal lengths.
 */
export function secretsEqual(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}

/** GitHub's `X-Hub-Signature-256`: `sha256=` + hex HMAC-SHA256 of the raw body bytes. */
export function githubSignatureValid(
  secret: string,
  rawBody: Buffer,
  header: string | undefined,
): boolean {
  if (header === undefined) return false;
  const want = Buffer.from(`sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`);
  const got = Buffer.from(header.trim());
  // timingSafeEqual throws on unequal lengths; the expected length is public (71 bytes).
  return got.length === want.length && timingSafeEqual(got, want);
}

/** The token after `Bearer ` (scheme case-insensitive), or undefined. */
export function bearerToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const match = /^\s*bearer\s+(\S+)\s*$/i.exec(authorization);
  return match?.[1];
}
