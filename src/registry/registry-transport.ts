// HTTP to registries over node:http/https (undici costs ~90 ms of import time, a third of a short
// CLI run): keep-alive pools per TLS mode, a concurrency cap per registry, timeouts, and the scheme
// decision. TLS is verified unless the user opted a host in with
// --insecure-registry. A loopback registry that answers TLS with plain HTTP (the usual local
// `registry:2` on localhost:5000) is talked to over HTTP, as docker and containerd do; its
// certificate, when it has one, is still verified.

import { rootCertificates } from 'node:tls';
import pLimit, { type LimitFunction } from 'p-limit';
import type { RegistryConfig } from './registry-config.ts';
import type { HttpRequest, HttpResponse } from './http-message.ts';
import { HttpAgents, sendHttp } from './send-http.ts';

export type { HttpRequest, HttpResponse } from './http-message.ts';

export interface TransportFailure {
  readonly kind: 'unreachable' | 'tls';
  readonly message: string;
  readonly retryable: boolean;
}

export type TransportResult =
  | { readonly ok: true; readonly response: HttpResponse }
  | { readonly ok: false; readonly failure: TransportFailure };

/** Registries whose API lives on another host than their name. */
const API_HOSTS: Readonly<Record<string, string>> = {
  'docker.io': 'registry-1.docker.io',
  'index.docker.io': 'registry-1.docker.io',
};

const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

export class RegistryTransport {
  private readonly limits = new Map<string, LimitFunction>();
  private readonly schemes = new Map<string, 'https' | 'http'>();
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
      const first = await this.attempt(registry, req);
      const relative = req.target.startsWith('/');
      if (first.ok || !first.plainHttp || !relative || !this.mayUseHttp(registry))
        return first.result;
      this.schemes.set(registry, 'http');
      return (await this.attempt(registry, req)).result;
    });
  }

  isInsecure(registry: string): boolean {
    const bare = registry.replace(/:\d+$/, '');
    return this.config.insecureRegistries.some((entry) => entry === registry || entry === bare);
  }

  /** True when credentials may travel to this registry: TLS, or a host the user trusts with HTTP. */
  allowsCredentialsOverHttp(registry: string): boolean {
    return this.isInsecure(registry) || isLoopback(registry);
  }

  close(): Promise<void> {
    this.agents.destroy();
    return Promise.resolve();
  }

  private async attempt(
    registry: string,
    req: HttpRequest,
  ): Promise<{ ok: boolean; plainHttp: boolean; result: TransportResult }> {
    const url = req.target.startsWith('/') ? this.endpoint(registry) + req.target : req.target;
    this.requestCounts.set(registry, (this.requestCounts.get(registry) ?? 0) + 1);
    try {
      const response = await sendHttp(url, req, {
        agent: this.agents.pick(url, this.isInsecure(registry)),
        userAgent: this.config.userAgent,
        connectTimeoutMs: this.config.connectTimeoutMs,
        requestTimeoutMs: this.config.requestTimeoutMs,
        maxBytes: MAX_RESPONSE_BYTES,
      });
      return { ok: true, plainHttp: false, result: { ok: true, response } };
    } catch (error) {
      const failure = classifyError(error, url, this.config);
      return { ok: false, plainHttp: isPlainHttpAnswer(error), result: { ok: false, failure } };
    }
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

function classifyError(error: unknown, url: string, config: RegistryConfig): TransportFailure {
  const codes = errorCodes(error);
  const origin = new URL(url).origin;
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
      kind: 'unreachable',
      message: `${origin} sent more than ${MAX_RESPONSE_BYTES} bytes`,
      retryable: false,
    };
  }
  return { kind: 'unreachable', message: `cannot reach ${origin} (${code})`, retryable: true };
}
