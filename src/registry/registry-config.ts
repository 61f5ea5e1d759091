// Everything the registry adapter is configured with, parsed once at the entry point.

export interface RetryConfig {
  /** Total tries for one request, including the first. */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the request fails as rate-limited. */
  readonly maxRetryAfterMs: number;
}

export interface RegistryConfig {
  /** Hosts (`host` or `host:port`) where plain HTTP or unverified TLS is allowed. */
  readonly insecureRegistries: readonly string[];
  /** Extra trusted CA certificates (PEM text), added to Node's default roots. */
  readonly extraCaCertificates: readonly string[];
  readonly connectTimeoutMs: number;
  /** Whole-request deadline, headers and body included. */
  readonly requestTimeoutMs: number;
  /**
   * Budget for one manifest look-up across all its tries and Retry-After waits (F-12): no try
   * starts, and no wait is taken, past it.
   */
  readonly lookupDeadlineMs: number;
  /**
   * After this many failed requests in a row to one registry (timeouts, refused connections), its
   * remaining requests fail at once as unreachable instead of each waiting out its timeout.
   */
  readonly breakerThreshold: number;
  readonly maxConcurrencyPerRegistry: number;
  /** How long a tag → digest answer is reused. Content addressed by digest is cached for good. */
  readonly tagCacheTtlMs: number;
  readonly retry: RetryConfig;
  /** Stop spending a counted pull quota (Docker Hub GETs) once this fraction of it is left. */
  readonly rateLimitReserveFraction: number;
  readonly userAgent: string;
}

export function defaultRegistryConfig(overrides: Partial<RegistryConfig> = {}): RegistryConfig {
  return {
    insecureRegistries: [],
    extraCaCertificates: [],
    connectTimeoutMs: 5_000,
    requestTimeoutMs: 20_000,
    lookupDeadlineMs: 20_000,
    breakerThreshold: 3,
    maxConcurrencyPerRegistry: 16,
    tagCacheTtlMs: 30_000,
    retry: { attempts: 4, baseDelayMs: 200, maxDelayMs: 5_000, maxRetryAfterMs: 30_000 },
    rateLimitReserveFraction: 0.1,
    userAgent: 'kube-fresh',
    ...overrides,
  };
}
