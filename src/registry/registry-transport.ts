// HTTP to registries over node:http/https (undici costs ~90 ms of import time, a third of a short
// CLI run): keep-alive pools per TLS mode, a concurrency cap per registry, timeouts, and the scheme
// decision. TLS is verified unless the user opted a host in with
// --insecure-registry. A loopback registry that answers TLS with plain HTTP (the usual local
// `registry:2` on localhost:5000) is talked to over HTTP, as docker and containerd do; its
// certificate, when it has one, is still verified.

import { rootCertificates } from 'node:tls';
import pLimit, { type LimitFunction } from 'p-limit';
import type { RegistryConfig } from './registry-config.ts';
import { API_HOSTS } from './registry-endpoint.ts';
import type { HttpRequest, HttpResponse } from './http-message.ts';
import { HttpAgents, sendHttp } from './send-http.ts';

export type { HttpRequest, HttpResponse } from './http-message.ts';

export interface TransportFailure {
  readonly kind: 'unreachable' | 'tls' | 'protocol';
  readonly message: string;
  readonly retryable: boolean;
}

export type TransportResult =
  | { readonly ok: true; readonly response: HttpResponse }
  | { readonly ok: false; readonly failure: TransportFailure };

const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

export class RegistryTransport {
  private readonly limits = new Map<string, LimitFunction>();
  private readonly schemes = new Map<string, 'https' | 'http'>();
  /** Failed requests in a row by registry, and the failure that opened its breaker. */
  private readonly breakers = new Map<string, { failures: number; opened?: TransportFailure }>();
  private readonly agents: HttpAgents;
  /** Requests sent, by registry: for reports and benchmarks. */
  readonly requestCounts = new Map<string, number>();

  constructor(private readonly config: RegistryConfig) {
    const ca =
      config.extraCaCertificates.length > 0
        ? [...rootCertificates, ...config.extraCaCertificates]
        : undefined;
    this.agents = new HttpAgents(config.maxConcurrencyPerRegistry, ca);
  }

  /** `https://registry-1.docker.io` for docker.io, else `https://host[:port]` (or http, see above). */
  endpoint(registry: string): string {
    const host = API_HOSTS[registry] ?? registry;
    return `${this.schemes.get(registry) ?? 'https'}://${host}`;
  }

  async send(registry: string, req: HttpRequest): Promise<TransportResult> {
    const limit = this.limitFor(registry);
    return limit(async () => {
      const skipped = this.openBreaker(registry);
      if (skipped !== undefined) return skipped;
      const result = await this.attemptWithSchemeFallback(registry, req);
      this.recordOutcome(registry, result);
      return result;
    });
  }

  private async attemptWithSchemeFallback(
    registry: string,
    req: HttpRequest,
  ): Promise<TransportResult> {
    const first = await this.attempt(registry, req);
    const relative = req.target.startsWith('/');
    if (first.ok || !first.plainHttp || !relative || !this.mayUseHttp(registry))
      return first.result;
    this.schemes.set(registry, 'http');
    return (await this.attempt(registry, req)).result;
  }

  /** A registry whose breaker is open fails at once: a hung registry must not cost every tag a timeout. */
  private openBreaker(registry: string): TransportResult | undefined {
    const opened = this.breakers.get(registry)?.opened;
    if (opened === undefined) return undefined;
    const message = `not tried: ${this.config.breakerThreshold} requests in a row failed, the last: ${opened.message}`;
    return { ok: false, failure: { kind: 'unreachable', message, retryable: false } };
  }

  private recordOutcome(registry: string, result: TransportResult): void {
    const state = this.breakers.get(registry) ?? { failures: 0 };
    if (result.ok || result.failure.kind !== 'unreachable' || !result.failure.retryable) {
      if (result.ok) state.failures = 0;
    } else {
      state.failures += 1;
      if (state.failures >= this.config.breakerThreshold) state.opened ??= result.failure;
    }
    this.breakers.set(registry, state);
  }

  isInsecure(registry: string): boolean {
    const bare = registry.replace(/:\d+$/, '');
    return this.config.insecureRegistries.some((entry) => entry === registry || entry === bare);
  }

  close(): Promise<void> {
    this.agents.destroy();
    return Promise.resolve();
  }

  /** The absolute URL a request target means for this registry (its endpoint, as of now). */
  urlFor(registry: string, target: string): string {
    return target.startsWith('/') ? this.endpoint(registry) + target : target;
  }

  /** Whether plain HTTP may be used with `host` at all: loopback or named in --insecure-registry. */
  allowsPlainHttpTo(host: string): boolean {
    return this.isInsecure(host) || isLoopback(host);
  }

  private async attempt(
    registry: string,
    req: HttpRequest,
  ): Promise<{ ok: boolean; plainHttp: boolean; result: TransportResult }> {
    const url = this.urlFor(registry, req.target);
    this.requestCounts.set(registry, (this.requestCounts.get(registry) ?? 0) + 1);
    const requestTimeoutMs = Math.max(
      1,
      Math.min(req.timeoutMs ?? this.config.requestTimeoutMs, this.config.requestTimeoutMs),
    );
    const connectTimeoutMs = Math.min(this.config.connectTimeoutMs, requestTimeoutMs);
    try {
      const response = await sendHttp(url, req, {
        agent: this.agents.pick(url, this.skipsVerification(registry, url)),
        userAgent: this.config.userAgent,
        connectTimeoutMs,
        requestTimeoutMs,
        maxBytes: MAX_RESPONSE_BYTES,
      });
      return { ok: true, plainHttp: false, result: { ok: true, response } };
    } catch (error) {
      const failure = classifyError(error, url, { connectTimeoutMs, requestTimeoutMs });
      return { ok: false, plainHttp: isPlainHttpAnswer(error), result: { ok: false, failure } };
    }
  }

  /**
   * TLS verification is skipped only for hosts the user named in --insecure-registry: the
   * registry's own endpoint, or another host (a token realm, a redirect target) named itself.
   */
  private skipsVerification(registry: string, url: string): boolean {
    const host = hostOf(url);
    if (host === undefined) return false;
    return (
      this.isInsecure(host) ||
      (host === hostOf(this.endpoint(registry)) && this.isInsecure(registry))
    );
  }

  private mayUseHttp(registry: string): boolean {
    return this.isInsecure(registry) || isLoopback(registry);
  }

  private limitFor(registry: string): LimitFunction {
    let limit = this.limits.get(registry);
    if (limit === undefined) {
      limit = pLimit(this.config.maxConcurrencyPerRegistry);
      this.limits.set(registry, limit);
    }
    return limit;
  }
}

export function isLoopback(registry: string): boolean {
  const host = registry.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}

/**
 * OpenSSL's answer when the server replied to our ClientHello with plain HTTP. Node reports it as
 * EPROTO and carries OpenSSL's reason only in the message (reasons 0A00010B "wrong version number"
 * and 0A0000C6 "packet length too long"), so this one check has to read the message.
 */
function isPlainHttpAnswer(error: unknown): boolean {
  const codes = errorCodes(error);
  if (
    codes.includes('ERR_SSL_WRONG_VERSION_NUMBER') ||
    codes.includes('ERR_SSL_PACKET_LENGTH_TOO_LONG')
  )
    return true;
  const message = error instanceof Error ? error.message : '';
  return codes.includes('EPROTO') && /wrong version number|packet length too long/.test(message);
}

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'HOSTNAME_MISMATCH',
]);

const PROTOCOL_CODES = new Set([
  'ERR_INVALID_CHAR',
  'ERR_INVALID_HTTP_TOKEN',
  'ERR_HTTP_INVALID_HEADER_VALUE',
  'ERR_UNESCAPED_CHARACTERS',
  'HPE_INVALID_HEADER_TOKEN',
  'HPE_INVALID_CONSTANT',
  'HPE_HEADER_OVERFLOW',
  'HPE_INVALID_CHUNK_SIZE',
  'HPE_INVALID_CONTENT_LENGTH',
  'HPE_UNEXPECTED_CONTENT_LENGTH',
  'HPE_INVALID_TRANSFER_ENCODING',
  'HPE_INVALID_STATUS',
  'HPE_INVALID_VERSION',
]);

function classifyError(
  error: unknown,
  url: string,
  config: { readonly connectTimeoutMs: number; readonly requestTimeoutMs: number },
): TransportFailure {
  const codes = errorCodes(error);
  const origin = originOf(url);
  const tlsCode = codes.find(
    (code) => TLS_CODES.has(code) || code.startsWith('ERR_SSL_') || code === 'EPROTO',
  );
  if (tlsCode !== undefined) {
    const advice = isPlainHttpAnswer(error)
      ? 'the server speaks plain HTTP; allow it with --insecure-registry'
      : 'trust its CA with --registry-ca FILE, or skip verification with --insecure-registry';
    return {
      kind: 'tls',
      message: `TLS to ${origin} failed (${tlsCode}): ${advice}`,
      retryable: false,
    };
  }
  const code = codes[0] ?? (error instanceof Error ? error.name : 'error');
  if (code === 'KF_CONNECT_TIMEOUT') {
    return {
      kind: 'unreachable',
      message: `no connection to ${origin} within ${config.connectTimeoutMs} ms`,
      retryable: true,
    };
  }
  if (code === 'KF_REQUEST_TIMEOUT') {
    return {
      kind: 'unreachable',
      message: `${origin} did not answer within ${config.requestTimeoutMs} ms`,
      retryable: true,
    };
  }
  if (code === 'KF_RESPONSE_TOO_LARGE') {
    return {
      kind: 'protocol',
      message: `${origin} sent more than ${MAX_RESPONSE_BYTES} bytes`,
      retryable: false,
    };
  }
  // The server answered, but with something HTTP cannot carry (a header with CR/LF or non-Latin-1
  // text, e.g. a hostile token echoed into our next request): a protocol problem, not a network one.
  if (PROTOCOL_CODES.has(code)) {
    return {
      kind: 'protocol',
      message: `${origin} sent something HTTP cannot carry (${code})`,
      retryable: false,
    };
  }
  return { kind: 'unreachable', message: `cannot reach ${origin} (${code})`, retryable: true };
}

/** The origin for messages; never throws (the URL may be the very thing that failed to parse). */
export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url.replace(/^([a-z]+:\/\/[^/?#]*).*$/s, '$1');
  }
}

/** `host[:port]` of an absolute URL as written in references (`[::1]:5000`), or undefined. */
export function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}
