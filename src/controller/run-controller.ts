// `kube-fresh controller`: wires the watches, the tag tracker and the keep-fresh loop to one HTTP
// port (/healthz, /readyz, /metrics, /hooks/<provider> with --notification-token), Lease leader
// election with --leader-elect=true, JSON logs, and a
// graceful SIGTERM. Everything it decides is in usecases/keep-fresh/.

import type { ClusterCliOptions } from '../cli/cluster-flags.ts';
import { connectionSettings } from '../cli/cluster-options.ts';
import type { CliIo } from '../cli/io.ts';
import type { RegistryCliOptions } from '../cli/registry-flags.ts';
import { createRegistryClientFromOptions } from '../cli/registry-options.ts';
import { connectWatchedCluster } from '../cluster/watch/connect-watched-cluster.ts';
import type { ClusterWatches } from '../cluster/watch/cluster-watches.ts';
import { healthRoutes } from '../serving/health-routes.ts';
import { startServer, type Route } from '../serving/http-server.ts';
import { formatListenAddress } from '../serving/listen-address.ts';
import { awaitTermination } from '../serving/termination.ts';
import { createLogger } from '../telemetry/logger.ts';
import { createMetricsRegistry } from '../telemetry/metrics-registry.ts';
import { KeepFresh } from '../usecases/keep-fresh/keep-fresh.ts';
import { alwaysLeader } from '../usecases/keep-fresh/leadership.ts';
import { registerLeaderMetric } from '../cluster/leader-election/leader-metric.ts';
import { TagTracker } from '../usecases/keep-fresh/tag-tracker.ts';
import { electLeader, hookRoutes } from './controller-plugs.ts';
import { createControllerMetrics } from './controller-metrics.ts';
import { controllerSettings, type ControllerFlags } from './controller-settings.ts';
import { PullSecretCredentials } from './swappable-credentials.ts';

export interface ControllerCliOptions
  extends ClusterCliOptions, RegistryCliOptions, ControllerFlags {}

const STOP_BUDGET_MS = 25_000;

export async function runController(options: ControllerCliOptions, io: CliIo): Promise<number> {
  const settings = controllerSettings(options, io.env);
  const log = createLogger({ component: 'controller', level: settings.logLevel });
  const registry = createMetricsRegistry('controller');
  // Filled in below; the callbacks built before them only run once everything is started.
  const late: { watches?: ClusterWatches; keepFresh?: KeepFresh } = {};
  const metrics = createControllerMetrics(registry, () => late.watches?.kinds() ?? []);
  const pullSecrets = new PullSecretCredentials();
  const registryClient = await createRegistryClientFromOptions(options, io, pullSecrets, {
    tagCacheTtlMs: 0,
  });
  const tracker = new TagTracker({
    resolver: registryClient.resolver,
    onMoved: (move) => late.keepFresh?.tagMoved(move),
    onRequest: (host, method, result) => metrics.registryRequest(host, method, result),
    onResolved: () => late.keepFresh?.schedule(),
  });
  let reportedSync = false;
  const cluster = await connectWatchedCluster(
    connectionSettings(options, io),
    { namespace: options.namespace, namespaceSelector: options.namespaceSelector },
    {
      onChange: () => late.keepFresh?.schedule(),
      onRestart: (kind, reason, detail) => {
        metrics.watchRestart(kind, reason);
        const fields = { kind, reason, detail };
        if (reason === 'error') log.warn(fields, 'watch failed; retrying with backoff');
        else log.info(fields, 'watch restarted');
      },
      onSynced: (kind, objects) => {
        log.debug({ kind, objects }, 'cache listed');
        if (!reportedSync && late.watches?.unsynced().length === 0) {
          reportedSync = true;
          log.info({ caches: late.watches.kinds() }, 'caches synced');
        }
      },
    },
  );
  const watches = cluster.watches;
  late.watches = watches;
  const leadership = settings.leaderElect
    ? electLeader({
        api: cluster.api,
        namespace: settings.leaseNamespace ?? cluster.api.target.namespace,
        podName: io.env.POD_NAME,
        durations: settings.leaseDurations,
        log,
      })
    : alwaysLeader();
  // kube_fresh_leader is read from the elector at scrape time, so it cannot disagree with it.
  registerLeaderMetric(registry, leadership);
  const keepFresh = new KeepFresh({
    live: watches,
    writer: cluster.writer,
    tracker,
    leadership,
    metrics,
    log,
    settings: settings.keepFresh,
    pullSecrets: (secrets) => {
      for (const warning of pullSecrets.update(secrets)) log.warn({}, warning);
    },
  });
  late.keepFresh = keepFresh;
  const live = watches;
  const routes: Route[] = [
    ...healthRoutes(registry, [
      {
        name: 'caches',
        check: () => {
          const waiting = live.unsynced();
          return waiting.length === 0 ? undefined : `not synced: ${waiting.join(', ')}`;
        },
      },
    ]),
    ...(settings.notificationToken === undefined
      ? []
      : hookRoutes({
          token: settings.notificationToken,
          claim: (claim) => tracker.claimPush(claim),
          metrics: registry,
          log,
        })),
  ];
  const server = await startServer({
    listen: settings.listen,
    routes,
    onHandlerError: (error) => log.error({ err: String(error) }, 'request handler failed'),
  });
  live.start();
  tracker.start();
  keepFresh.start();
  log.info(
    {
      listen: server.address,
      configured: formatListenAddress(settings.listen.host, settings.listen.port),
      cluster: cluster.api.target.server,
      context: cluster.api.target.context,
      ...settings.keepFresh,
      namespace: options.namespace ?? '(all)',
      namespaceSelector: options.namespaceSelector,
    },
    'controller started',
  );
  const signal = await awaitTermination({
    budgetMs: STOP_BUDGET_MS,
    forceExit: (code) => process.exit(code),
    stop: async () => {
      log.info({}, 'stopping');
      await keepFresh.stop();
      tracker.stop();
      await Promise.all([live.stop(), server.close(5_000), leadership.stop()]);
      await registryClient.close();
    },
  });
  log.info({ signal }, 'stopped');
  log.flush();
  // Everything is stopped; a handle that outlived its owner (seen once after a long API server
  // outage with stdout gone) must not keep the process from exiting on SIGTERM.
  setTimeout(() => process.exit(process.exitCode ?? 0), 2_000).unref();
  return 0;
}
