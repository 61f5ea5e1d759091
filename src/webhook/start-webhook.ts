// The admission webhook process, wired: the TLS admission server, the plain-HTTP probe/metrics
// server, the tag cache, per-Pod credentials and the registry clients. Used by `kube-fresh
// webhook` and, in-process, by the tests and the benchmark.

import type { Logger } from 'pino';
import type { CredentialProvider } from '../registry/credentials/credential.ts';
import { ChainedCredentials } from '../registry/credentials/credential-providers.ts';
import { createRegistryClient } from '../registry/create-registry-client.ts';
import type { RegistryConfig } from '../registry/registry-config.ts';
import { healthRoutes } from '../serving/health-routes.ts';
import { startServer, type RunningServer } from '../serving/http-server.ts';
import type { ListenAddress } from '../serving/listen-address.ts';
import type { TlsFiles } from '../serving/tls-files.ts';
import { createMetricsRegistry } from '../telemetry/metrics-registry.ts';
import {
  RegistryPodTagResolver,
  type PullSecretSource,
} from '../usecases/review-pod-admission/registry-pod-tag-resolver.ts';
import { mutatePod, validatePod } from '../usecases/review-pod-admission/review-pod-admission.ts';
import {
  TagDigestCache,
  type TagCacheStats,
} from '../usecases/review-pod-admission/tag-digest-cache.ts';
import { admissionRoutes } from './admission-routes.ts';
import { invalidateRoute } from './invalidate-route.ts';
import { registerWebhookMetrics } from './webhook-metrics.ts';

export interface WebhookSettings {
  readonly listen: ListenAddress;
  readonly tls: TlsFiles & { readonly reloadIntervalMs?: number };
  /** Plain HTTP for /healthz, /readyz, /metrics; undefined = not served. */
  readonly metricsListen: ListenAddress | undefined;
  readonly cacheTtlMs: number;
  readonly resolveTimeoutMs: number;
  readonly excludedNamespaces: readonly string[];
  readonly registry: RegistryConfig;
  /** The webhook's own docker config, asked after the Pod's pull secrets. */
  readonly dockerCredentials: CredentialProvider;
  readonly secrets: PullSecretSource;
  readonly logger: Logger;
  /** Serves POST /invalidate for callers with this bearer token; undefined = not served. */
  readonly invalidateToken?: string | undefined;
}

export interface RunningWebhook {
  readonly port: number;
  readonly metricsPort: number | undefined;
  /**
   * Forgets what a tag pointed to (`domain/path:tag`, see core tagKey): the seam the controller's
   * push notifications and polls call when they see a tag move, in the same process (another
   * process uses POST /invalidate with `invalidateToken`).
   */
  invalidate(tagKey: string): void;
  cacheStats(): TagCacheStats;
  /** Readiness off, servers drained, registry connections closed. */
  close(graceMs?: number): Promise<void>;
}

export async function startWebhook(settings: WebhookSettings): Promise<RunningWebhook> {
  const { logger } = settings;
  const cache = new TagDigestCache({ ttlMs: settings.cacheTtlMs });
  // The webhook owns the tag TTL; the client only shares requests in flight.
  const registryConfig: RegistryConfig = { ...settings.registry, tagCacheTtlMs: 0 };
  const resolver = new RegistryPodTagResolver({
    secrets: settings.secrets,
    cache,
    createResolver: (podCredentials) => {
      const client = createRegistryClient(
        registryConfig,
        podCredentials === undefined
          ? settings.dockerCredentials
          : new ChainedCredentials([podCredentials, settings.dockerCredentials]),
      );
      return { resolver: client.resolver, close: () => client.close() };
    },
  });
  const excluded = new Set(settings.excludedNamespaces);
  const metrics = createMetricsRegistry('webhook');
  const observe = registerWebhookMetrics(metrics, () => cache.stats());
  let stopping = false;
  const routes = admissionRoutes(
    {
      mutate: (request) =>
        mutatePod(request, {
          resolver,
          excludedNamespaces: excluded,
          resolveTimeoutMs: settings.resolveTimeoutMs,
        }),
      validate: (request, mode) => validatePod(request, mode, excluded),
    },
    observe,
    logger,
  );
  if (settings.invalidateToken !== undefined) {
    routes.push(invalidateRoute(settings.invalidateToken, (key) => cache.invalidate(key), logger));
  }
  const onHandlerError = (error: unknown): void =>
    logger.error({ err: error instanceof Error ? error.message : String(error) }, 'handler failed');
  const servers: RunningServer[] = [];
  try {
    servers.push(
      await startServer({
        listen: settings.listen,
        routes,
        tls: settings.tls,
        // The apiserver gives up after timeoutSeconds (≤ 30 s); a slower client is not it.
        requestTimeoutMs: 30_000,
        onHandlerError,
        onTlsReload: ({ ok, error }) =>
          ok
            ? logger.info('serving certificate reloaded')
            : logger.warn({ err: String(error) }, 'serving certificate not reloaded'),
      }),
    );
    if (settings.metricsListen !== undefined) {
      servers.push(
        await startServer({
          listen: settings.metricsListen,
          routes: healthRoutes(metrics, [
            { name: 'admission', check: () => (stopping ? 'shutting down' : undefined) },
          ]),
          onHandlerError,
        }),
      );
    }
  } catch (error) {
    await Promise.all(servers.map((s) => s.close(0)));
    await resolver.close();
    throw error;
  }
  const [admission, probes] = servers;
  logger.info(
    { listen: admission?.address, metrics: probes?.address, cacheTtlMs: settings.cacheTtlMs },
    'webhook serving',
  );
  return {
    port: admission?.port ?? 0,
    metricsPort: probes?.port,
    invalidate: (tagKey) => cache.invalidate(tagKey),
    cacheStats: () => cache.stats(),
    close: async (graceMs = 5_000) => {
      stopping = true;
      await admission?.close(graceMs);
      await probes?.close(0);
      await resolver.close();
    },
  };
}
