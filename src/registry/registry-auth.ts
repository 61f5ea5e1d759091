// Registry authentication: learn each registry's challenge once (a `GET /v2/` ping), then send the
// right Authorization with the first manifest request, so a tag costs one manifest request plus
// cached token round trips. Bearer tokens (anonymous or with Basic credentials, or an OAuth2
// refresh token) are cached per realm/service/scope/identity for `expires_in` (default 60 s).

import type { CredentialSource } from '../core/image-resolver.ts';
import { credentialIdentity, type Credential } from './credentials/credential.ts';
import { hostOf, originOf, type RegistryTransport } from './registry-transport.ts';
import { parseWwwAuthenticate, type AuthChallenge } from './www-authenticate.ts';

/** How a registry wants to be authenticated, learned from its 401 challenge. */
export type RegistryChallenge =
  | { readonly scheme: 'none' }
  | { readonly scheme: 'basic' }
  | { readonly scheme: 'bearer'; readonly realm: string; readonly service: string | undefined };

export type AuthResult =
  | { readonly ok: true; readonly header: string | undefined }
  | {
      readonly ok: false;
      readonly kind: 'unauthorized' | 'unreachable' | 'tls' | 'protocol';
      readonly message: string;
    };

const DEFAULT_TOKEN_SECONDS = 60;
const EXPIRY_MARGIN_MS = 5_000;

interface CachedToken {
  readonly token: string;
  readonly expiresAt: number;
}

export class RegistryAuth {
  private readonly challenges = new Map<string, Promise<RegistryChallenge | AuthResult>>();
  private readonly tokens = new Map<string, CachedToken>();
  private readonly pendingTokens = new Map<string, Promise<AuthResult>>();
  /** Token requests sent, by realm: for reports and benchmarks. */
  readonly tokenRequests = new Map<string, number>();

  constructor(
    private readonly transport: RegistryTransport,
    private readonly now: () => number = Date.now,
    /** Every token received is added here, so that no message can repeat it. */
    private readonly secrets: Set<string> = new Set(),
  ) {}

  /** The challenge for a registry, pinging `/v2/` the first time (concurrent callers share it). */
  challengeFor(registry: string): Promise<RegistryChallenge | AuthResult> {
    let pending = this.challenges.get(registry);
    if (pending === undefined) {
      pending = this.ping(registry);
      this.challenges.set(registry, pending);
      // A failed ping is not remembered: the next caller tries again.
      void pending.then((r) => {
        if ('ok' in r) this.challenges.delete(registry);
      });
    }
    return pending;
  }

  /** Records a challenge seen on a later 401 (e.g. a registry that allows `/v2/` anonymously). */
  learn(registry: string, header: string | undefined): RegistryChallenge {
    const challenge = toRegistryChallenge(parseWwwAuthenticate(header ?? ''));
    this.challenges.set(registry, Promise.resolve(challenge));
    return challenge;
  }

  /** The Authorization header for a pull of `repository`, or undefined for anonymous access. */
  async authorize(
    registry: string,
    repository: string,
    credential: Credential | undefined,
  ): Promise<AuthResult> {
    const challenge = await this.challengeFor(registry);
    if ('ok' in challenge) return challenge;
    if (challenge.scheme === 'none') return { ok: true, header: undefined };
    if (credential?.registryToken !== undefined)
      return { ok: true, header: `Bearer ${credential.registryToken}` };
    if (challenge.scheme === 'basic') return this.basicHeader(registry, credential);
    return this.bearerHeader(registry, challenge, `repository:${repository}:pull`, credential);
  }

  /** Forgets the token for this pull so the next `authorize` fetches a new one. */
  invalidate(registry: string, repository: string, credential: Credential | undefined): void {
    const scope = `|repository:${repository}:pull|`;
    const identity = `|${credentialIdentity(credential)}`;
    for (const key of this.tokens.keys()) {
      if (key.startsWith(`${registry}|`) && key.includes(scope) && key.endsWith(identity))
        this.tokens.delete(key);
    }
  }

  private async ping(registry: string): Promise<RegistryChallenge | AuthResult> {
    const result = await this.transport.send(registry, {
      method: 'GET',
      target: '/v2/',
      headers: {},
    });
    if (!result.ok)
      return { ok: false, kind: result.failure.kind, message: result.failure.message };
    const { status, headers } = result.response;
    if (status === 401)
      return toRegistryChallenge(parseWwwAuthenticate(headers['www-authenticate'] ?? ''));
    // 200, or anything else: proceed without auth and let the manifest request tell us more.
    return { scheme: 'none' };
  }

  private basicHeader(registry: string, credential: Credential | undefined): AuthResult {
    if (credential?.username === undefined) {
      return {
        ok: false,
        kind: 'unauthorized',
        message: `${registry} requires a login and no credential matched it`,
      };
    }
    const endpoint = this.transport.endpoint(registry);
    if (!this.mayCarryCredentials(endpoint)) {
      return insecureCredentialRefusal(`${registry}`, endpoint, credential.source);
    }
    const basic = Buffer.from(`${credential.username}:${credential.password ?? ''}`).toString(
      'base64',
    );
    return { ok: true, header: `Basic ${basic}` };
  }

  private async bearerHeader(
    registry: string,
    challenge: Extract<RegistryChallenge, { scheme: 'bearer' }>,
    scope: string,
    credential: Credential | undefined,
  ): Promise<AuthResult> {
    // The registry is part of the key: a token minted for A must never be sent to B, even when B's
    // challenge copies A's realm and service and the credential identity is the same (F-7).
    const key = [
      registry,
      challenge.realm,
      challenge.service ?? '',
      scope,
      credentialIdentity(credential),
    ].join('|');
    const cached = this.tokens.get(key);
    if (cached !== undefined && cached.expiresAt > this.now())
      return { ok: true, header: `Bearer ${cached.token}` };
    let pending = this.pendingTokens.get(key);
    if (pending === undefined) {
      pending = this.fetchToken(registry, challenge, scope, credential, key).finally(() =>
        this.pendingTokens.delete(key),
      );
      this.pendingTokens.set(key, pending);
    }
    return pending;
  }

  private async fetchToken(
    registry: string,
    challenge: Extract<RegistryChallenge, { scheme: 'bearer' }>,
    scope: string,
    credential: Credential | undefined,
    key: string,
  ): Promise<AuthResult> {
    const withSecret =
      credential !== undefined &&
      (credential.username !== undefined || credential.identityToken !== undefined);
    if (withSecret && !this.mayCarryCredentials(challenge.realm))
      return insecureCredentialRefusal(
        `the token service of ${registry}`,
        challenge.realm,
        credential.source,
      );
    this.tokenRequests.set(challenge.realm, (this.tokenRequests.get(challenge.realm) ?? 0) + 1);
    const request = buildTokenRequest(challenge, scope, withSecret ? credential : undefined);
    const result = await this.transport.send(registry, request);
    if (!result.ok)
      return {
        ok: false,
        kind: result.failure.kind,
        message: `token service: ${result.failure.message}`,
      };
    const { status, body } = result.response;
    if (status === 401 || status === 403) {
      const who =
        credential === undefined
          ? 'anonymous access'
          : `the credential from ${credential.source.detail}`;
      return {
        ok: false,
        kind: 'unauthorized',
        message: `the token service of ${registry} refused ${who} (HTTP ${status})`,
      };
    }
    if (status !== 200)
      return {
        ok: false,
        kind: 'protocol',
        message: `the token service of ${registry} answered HTTP ${status}`,
      };
    const token = parseTokenResponse(body);
    if (token === undefined)
      return {
        ok: false,
        kind: 'protocol',
        message: `the token service of ${registry} sent no token`,
      };
    const lifetimeMs = Math.max(token.expiresIn * 1000 - EXPIRY_MARGIN_MS, 1_000);
    this.secrets.add(token.token);
    this.tokens.set(key, { token: token.token, expiresAt: this.now() + lifetimeMs });
    return { ok: true, header: `Bearer ${token.token}` };
  }

  /**
   * Credentials go over TLS, or over HTTP only to a host that is itself loopback or named in
   * --insecure-registry: for a token realm that is the realm's own host, not the registry's (F-6).
   */
  private mayCarryCredentials(url: string): boolean {
    if (url.startsWith('https://')) return true;
    const host = hostOf(url);
    return host !== undefined && this.transport.allowsPlainHttpTo(host);
  }
}

function buildTokenRequest(
  challenge: Extract<RegistryChallenge, { scheme: 'bearer' }>,
  scope: string,
  credential: Credential | undefined,
): { method: 'GET' | 'POST'; target: string; headers: Record<string, string>; body?: string } {
  if (credential?.identityToken !== undefined) {
    // OAuth2 refresh-token grant (distribution docs/spec/auth/oauth.md).
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: credential.identityToken,
      client_id: 'kube-fresh',
      scope,
    });
    if (challenge.service !== undefined) form.set('service', challenge.service);
    return {
      method: 'POST',
      target: challenge.realm,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    };
  }
  const url = new URL(challenge.realm);
  if (challenge.service !== undefined) url.searchParams.set('service', challenge.service);
  url.searchParams.append('scope', scope);
  const headers: Record<string, string> = {};
  if (credential?.username !== undefined) {
    headers.authorization = `Basic ${Buffer.from(`${credential.username}:${credential.password ?? ''}`).toString('base64')}`;
  }
  return { method: 'GET', target: url.toString(), headers };
}

function parseTokenResponse(body: Buffer): { token: string; expiresIn: number } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const record = parsed as Record<string, unknown>;
  const token =
    typeof record.token === 'string' && record.token !== '' ? record.token : record.access_token;
  if (typeof token !== 'string' || token === '') return undefined;
  const expiresIn =
    typeof record.expires_in === 'number' && record.expires_in > 0
      ? record.expires_in
      : DEFAULT_TOKEN_SECONDS;
  return { token, expiresIn };
}

/** Picks the challenge to answer: Bearer when offered (it scopes access), else Basic. */
export function toRegistryChallenge(challenges: readonly AuthChallenge[]): RegistryChallenge {
  const bearer = challenges.find((c) => c.scheme === 'bearer' && c.params.realm !== undefined);
  if (bearer?.params.realm !== undefined && isHttpUrl(bearer.params.realm)) {
    return { scheme: 'bearer', realm: bearer.params.realm, service: bearer.params.service };
  }
  if (challenges.some((c) => c.scheme === 'basic')) return { scheme: 'basic' };
  return { scheme: 'none' };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

function insecureCredentialRefusal(who: string, url: string, source: CredentialSource): AuthResult {
  const host = hostOf(url) ?? url;
  return {
    ok: false,
    kind: 'unauthorized',
    message: `not sending the credential from ${source.detail} to ${who} at ${originOf(url)} over plain HTTP; use TLS, or --insecure-registry ${host} if you trust that host`,
  };
}

/** Whether a 401 says our token is bad (drop it and retry once) rather than "no access". */
export function isInvalidTokenChallenge(header: string | undefined): boolean {
  const bearer = parseWwwAuthenticate(header ?? '').find((c) => c.scheme === 'bearer');
  // insufficient_scope is a real "no access" answer: a new token would carry the same grant.
  return bearer?.params.error === 'invalid_token';
}
