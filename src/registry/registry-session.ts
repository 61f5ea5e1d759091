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
import type { RegistryConfig } from './registry-config.ts';
import { backoffDelayMs, isRetryableStatus, parseRetryAfterMs, sleep } from './retry-policy.ts';
import type {
  HttpRequest,
  HttpResponse,
  RegistryTransport,
  TransportResult,
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
}

export class RegistrySession {
  readonly auth: RegistryAuth;
  /** Latest pull-quota headers seen, by registry. */
  readonly rateLimits = new Map<string, RateLimitState>();
  private readonly credentialCache = new Map<string, Promise<readonly Credential[]>>();

  constructor(private readonly deps: SessionDeps) {
    this.auth = new RegistryAuth(deps.transport);
  }

  /** Sends `req` for a pull of `repository` (the path, e.g. `library/nginx`). */
  async send(registry: string, repository: string, req: HttpRequest): Promise<SessionResult> {
    const candidates = await this.credentialsFor(registry, repository);
    let last: SessionResult | undefined;
    for (const credential of candidates.length > 0 ? candidates : [undefined]) {
      last = await this.sendAs(registry, repository, req, credential);
      const retryWithNext =
        !last.ok && (last.failure.kind === 'unauthorized' || last.failure.kind === 'forbidden');
      if (!retryWithNext) return last;
    }
    return last ?? failure('protocol', registry, repository, 'no request was sent');
  }

  private async sendAs(
    registry: string,
    repository: string,
    req: HttpRequest,
    credential: Credential | undefined,
  ): Promise<SessionResult> {
    let retriedAuth = false;
    for (;;) {
      const auth = await this.auth.authorize(registry, repository, credential);
      if (!auth.ok) return failure(auth.kind, registry, repository, auth.message);
      const headers =
        auth.header === undefined ? req.headers : { ...req.headers, authorization: auth.header };
      const sent = await this.withRetries(registry, { ...req, headers });
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
    this.auth.invalidate(repository, credential);
    return true;
  }

  private async withRetries(registry: string, req: HttpRequest): Promise<TransportResult> {
    const { retry } = this.deps.config;
    const pause = this.deps.sleep ?? sleep;
    for (let attempt = 1; ; attempt++) {
      const result = await this.deps.transport.send(registry, req);
      const last = attempt >= retry.attempts;
      if (!result.ok) {
        if (!result.failure.retryable || last) return result;
        await pause(backoffDelayMs(retry, attempt, this.deps.random));
        continue;
      }
      this.recordRateLimit(registry, result.response);
      if (!isRetryableStatus(result.response.status) || last) return result;
      const retryAfter = parseRetryAfterMs(result.response.headers['retry-after']);
      if (retryAfter !== undefined && retryAfter > retry.maxRetryAfterMs) return result;
      await pause(retryAfter ?? backoffDelayMs(retry, attempt, this.deps.random));
    }
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
      pending = this.deps.credentials.credentialsFor(registry, `${registry}/${repository}`);
      this.credentialCache.set(key, pending);
    }
    return pending;
  }
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
  return `${response.status === 401 ? 'unauthorized' : 'forbidden'}: the registry refused ${who}${detail === '' ? '' : ` (${detail})`}`;
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
