// One authenticated, retried request to a registry: picks credentials, answers challenges, retries
// network errors / 5xx / 429 with backoff and Retry-After, tracks rate-limit headers, and turns the
// final answer into either a response or a RegistryFailure value.

import type {
  CredentialSource,
  RegistryFailure,
  RegistryFailureKind,
} from '../core/image-resolver.ts';
import {
  ANONYMOUS_SOURCE,
  type Credential,
  type CredentialProvider,
} from './credentials/credential.ts';
import { parseRateLimit, type RateLimitState } from './rate-limit.ts';
import { isInvalidTokenChallenge, RegistryAuth } from './registry-auth.ts';
import { endpointProblem } from './registry-endpoint.ts';
import { basicCredentialSecrets, redactSecrets } from '../core/redact-secrets.ts';
import type { RegistryConfig } from './registry-config.ts';
import { backoffDelayMs, isRetryableStatus, parseRetryAfterMs, sleep } from './retry-policy.ts';
import {
  originOf,
  type HttpRequest,
  type HttpResponse,
  type RegistryTransport,
  type TransportResult,
} from './registry-transport.ts';

export type SessionResult =
  | {
      readonly ok: true;
      readonly response: HttpResponse;
      readonly credentialSource: CredentialSource;
    }
  | { readonly ok: false; readonly failure: RegistryFailure };

export interface SessionDeps {
  readonly transport: RegistryTransport;
  readonly credentials: CredentialProvider;
  readonly config: RegistryConfig;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly now?: () => number;
}

export class RegistrySession {
  readonly auth: RegistryAuth;
  /** Latest pull-quota headers seen, by registry. */
  readonly rateLimits = new Map<string, RateLimitState>();
  private readonly credentialCache = new Map<string, Promise<readonly Credential[]>>();
  /** Every password, token and `user:password` form this session has held: never shown. */
  private readonly secrets = new Set<string>();

  constructor(private readonly deps: SessionDeps) {
    this.auth = new RegistryAuth(deps.transport, Date.now, this.secrets);
  }

  /** `text` (e.g. a registry's error message) with every secret this session knows redacted (F-13). */
  redact(text: string): string {
    return redactSecrets(text, this.secrets);
  }

  /** Sends `req` for a pull of `repository` (the path, e.g. `library/nginx`). */
  async send(registry: string, repository: string, req: HttpRequest): Promise<SessionResult> {
    const problem = endpointProblem(registry);
    if (problem !== undefined) return failure('invalid-reference', registry, repository, problem);
    const candidates = await this.credentialsFor(registry, repository);
    const deadlineAt = this.now() + this.deps.config.lookupDeadlineMs;
    let last: SessionResult | undefined;
    for (const credential of candidates.length > 0 ? candidates : [undefined]) {
      last = await this.sendAs(registry, repository, req, credential, deadlineAt);
      const retryWithNext =
        !last.ok && (last.failure.kind === 'unauthorized' || last.failure.kind === 'forbidden');
      if (!retryWithNext) return this.redacted(last);
    }
    return this.redacted(last ?? failure('protocol', registry, repository, 'no request was sent'));
  }

  private redacted(result: SessionResult): SessionResult {
    if (result.ok) return result;
    return {
      ok: false,
      failure: { ...result.failure, message: this.redact(result.failure.message) },
    };
  }

  private async sendAs(
    registry: string,
    repository: string,
    req: HttpRequest,
    credential: Credential | undefined,
    deadlineAt: number,
  ): Promise<SessionResult> {
    let retriedAuth = false;
    for (;;) {
      const auth = await this.auth.authorize(registry, repository, credential);
      if (!auth.ok) return failure(auth.kind, registry, repository, auth.message);
      const headers =
        auth.header === undefined ? req.headers : { ...req.headers, authorization: auth.header };
      const sent = await this.sendFollowingRedirects(registry, { ...req, headers }, deadlineAt);
      if (!sent.ok) return failure(sent.failure.kind, registry, repository, sent.failure.message);
      const { response } = sent;
      if (response.status === 401 && !retriedAuth) {
        retriedAuth = true;
        if (this.worthRetrying(registry, repository, credential, auth.header, response)) continue;
      }
      if (response.status === 401 || response.status === 403) {
        return failure(
          response.status === 401 ? 'unauthorized' : 'forbidden',
          registry,
          repository,
          deniedMessage(response, credential),
        );
      }
      return { ok: true, response, credentialSource: credential?.source ?? ANONYMOUS_SOURCE };
    }
  }

  /**
   * After a 401: retry once if we now know the challenge (we went anonymously to a registry whose
   * `/v2/` was open) or if our token was rejected as `invalid_token` (dropped, fetched anew).
   */
  private worthRetrying(
    registry: string,
    repository: string,
    credential: Credential | undefined,
    sentHeader: string | undefined,
    response: HttpResponse,
  ): boolean {
    const challenge = response.headers['www-authenticate'];
    if (sentHeader === undefined) return this.auth.learn(registry, challenge).scheme !== 'none';
    if (!isInvalidTokenChallenge(challenge)) return false;
    this.auth.invalidate(registry, repository, credential);
    return true;
  }

  /**
   * Follows up to MAX_REDIRECTS 301/302/303/307/308 answers to GET and HEAD (registry.k8s.io
   * answers every manifest request with 307). Authorization is dropped for good once a hop leaves
   * the origin it was meant for, as Go's net/http, containerd and docker do, and a hop to plain
   * HTTP is refused unless its host is loopback or named in --insecure-registry. The final answer
   * is checked by the caller exactly as a direct one (digest, body, content type).
   */
  private async sendFollowingRedirects(
    registry: string,
    req: HttpRequest,
    deadlineAt: number,
  ): Promise<TransportResult | { ok: false; failure: RedirectFailure }> {
    const { transport } = this.deps;
    let current = req;
    for (let hop = 0; ; hop++) {
      const sent = await this.withRetries(registry, current, deadlineAt);
      if (!sent.ok) return sent;
      const { status, headers } = sent.response;
      const location = headers.location;
      if (!REDIRECT_STATUSES.has(status) || location === undefined) return sent;
      if (req.method !== 'GET' && req.method !== 'HEAD') return sent;
      const from = transport.urlFor(registry, current.target);
      if (hop >= MAX_REDIRECTS)
        return redirectFailure(
          `more than ${MAX_REDIRECTS} redirects, the last from ${originOf(from)}`,
        );
      let next: URL;
      try {
        next = new URL(location, from);
      } catch {
        return redirectFailure(`${originOf(from)} redirected to an invalid location`);
      }
      if (next.protocol !== 'https:' && next.protocol !== 'http:')
        return redirectFailure(`${originOf(from)} redirected to a ${next.protocol} URL`);
      if (next.protocol === 'http:' && !transport.allowsPlainHttpTo(next.host))
        return redirectFailure(
          `${originOf(from)} redirected to plain HTTP at ${next.origin}; not following (only loopback and --insecure-registry hosts may use HTTP)`,
        );
      const sameOrigin = next.origin === originOf(from);
      current = {
        ...current,
        target: next.toString(),
        headers: sameOrigin ? current.headers : withoutAuthorization(current.headers),
      };
    }
  }

  /**
   * Tries up to `retry.attempts` times, but never past the look-up's deadline: each try gets only
   * the time left, and a backoff or Retry-After wait that would end past it is not taken (F-12).
   */
  private async withRetries(
    registry: string,
    req: HttpRequest,
    deadlineAt: number,
  ): Promise<TransportResult> {
    const { retry } = this.deps.config;
    const pause = this.deps.sleep ?? sleep;
    for (let attempt = 1; ; attempt++) {
      const timeoutMs = Math.max(1, deadlineAt - this.now());
      const result = await this.deps.transport.send(registry, { ...req, timeoutMs });
      const last = attempt >= retry.attempts;
      if (!result.ok) {
        if (!result.failure.retryable || last) return result;
        const wait = backoffDelayMs(retry, attempt, this.deps.random);
        if (this.now() + wait >= deadlineAt) return result;
        await pause(wait);
        continue;
      }
      this.recordRateLimit(registry, result.response);
      if (!isRetryableStatus(result.response.status) || last) return result;
      const retryAfter = parseRetryAfterMs(result.response.headers['retry-after']);
      if (retryAfter !== undefined && retryAfter > retry.maxRetryAfterMs) return result;
      const wait = retryAfter ?? backoffDelayMs(retry, attempt, this.deps.random);
      if (this.now() + wait >= deadlineAt) return result;
      await pause(wait);
    }
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  private recordRateLimit(registry: string, response: HttpResponse): void {
    const state = parseRateLimit(
      response.headers['ratelimit-limit'],
      response.headers['ratelimit-remaining'],
    );
    if (state !== undefined) this.rateLimits.set(registry, state);
  }

  private credentialsFor(registry: string, repository: string): Promise<readonly Credential[]> {
    const key = `${registry}/${repository}`;
    let pending = this.credentialCache.get(key);
    if (pending === undefined) {
      pending = this.deps.credentials
        .credentialsFor(registry, `${registry}/${repository}`)
        .then((found) => {
          for (const c of found) {
            for (const secret of basicCredentialSecrets(c.username, c.password))
              this.secrets.add(secret);
            if (c.identityToken !== undefined) this.secrets.add(c.identityToken);
            if (c.registryToken !== undefined) this.secrets.add(c.registryToken);
          }
          return found;
        });
      this.credentialCache.set(key, pending);
    }
    return pending;
  }
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

interface RedirectFailure {
  readonly kind: 'protocol';
  readonly message: string;
}

function withoutAuthorization(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => name !== 'authorization'));
}

function redirectFailure(message: string): { ok: false; failure: RedirectFailure } {
  return { ok: false, failure: { kind: 'protocol', message } };
}

export function failure(
  kind: RegistryFailureKind,
  registry: string,
  repository: string,
  message: string,
  status?: number,
): { ok: false; failure: RegistryFailure } {
  return {
    ok: false,
    failure: { kind, registry, repository, message, ...(status === undefined ? {} : { status }) },
  };
}

function deniedMessage(response: HttpResponse, credential: Credential | undefined): string {
  const who =
    credential === undefined
      ? 'anonymous access'
      : `the credential from ${credential.source.detail}`;
  const detail = registryErrorText(response.body);
  // No "unauthorized:" prefix: the failure kind already says it wherever this is shown.
  return `the registry refused ${who}${detail === '' ? '' : ` (${detail})`}`;
}

/** The first `errors[].code: message` of a distribution error body, if there is one. */
export function registryErrorText(body: Buffer): string {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as {
      errors?: Array<{ code?: unknown; message?: unknown }>;
    };
    const first = parsed.errors?.[0];
    if (first === undefined) return '';
    const code = typeof first.code === 'string' ? first.code : '';
    const message = typeof first.message === 'string' ? first.message : '';
    return [code, message]
      .filter((s) => s !== '')
      .join(': ')
      .slice(0, 200);
  } catch {
    return '';
  }
}
