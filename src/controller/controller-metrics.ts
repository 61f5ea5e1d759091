// The controller's Prometheus families (prefix `kube_fresh_`). Labels are bounded: namespace,
// verdict, registry host, method, result, kind, reason — never Pod names, images or digests.

import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { RestartReason } from '../cluster/watch/reflector.ts';
import type { KeepFreshMetrics } from '../usecases/keep-fresh/keep-fresh.ts';
import type { RequestResult } from '../usecases/keep-fresh/tag-tracker.ts';

export interface ControllerMetrics extends KeepFreshMetrics {
  registryRequest(registry: string, method: 'HEAD' | 'GET', result: RequestResult): void;
  watchRestart(kind: string, reason: RestartReason): void;
}

export function createControllerMetrics(
  registry: Registry,
  caches: () => readonly { kind: string; synced: boolean; objects: number }[],
): ControllerMetrics {
  const workloadContainers = new Gauge({
    name: 'kube_fresh_workload_containers',
    help: 'Workload containers by verdict (fresh, stale, mixed, pinned, pinned-behind, unknown) and namespace',
    labelNames: ['namespace', 'verdict'],
    registers: [registry],
  });
  const nodesAtRisk = new Gauge({
    name: 'kube_fresh_nodes_old_image_cached',
    help: 'Nodes whose cached copy of a tag in use is older than what the tag points to',
    registers: [registry],
  });
  const tagsTracked = new Gauge({
    name: 'kube_fresh_tags_tracked',
    help: 'Distinct tags in use, each resolved once per poll interval',
    registers: [registry],
  });
  const tagMoves = new Counter({
    name: 'kube_fresh_tag_moves_total',
    help: 'Tags seen pointing to a new digest, by registry and how it was learnt (poll, notification)',
    labelNames: ['registry', 'source'],
    registers: [registry],
  });
  const registryRequests = new Counter({
    name: 'kube_fresh_registry_requests_total',
    help: 'Registry manifest requests by registry, method and result (ok or the failure kind)',
    labelNames: ['registry', 'method', 'result'],
    registers: [registry],
  });
  const pins = new Counter({
    name: 'kube_fresh_pins_total',
    help: 'Pin attempts by result (applied, dry-run, unchanged, conflict, failed, error)',
    labelNames: ['result'],
    registers: [registry],
  });
  const notificationToPin = new Histogram({
    name: 'kube_fresh_notification_to_pin_seconds',
    help: 'From a push notification arriving to the workload template pinned',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const passSeconds = new Histogram({
    name: 'kube_fresh_pass_duration_seconds',
    help: 'One judging pass over the cached cluster picture',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const watchRestarts = new Counter({
    name: 'kube_fresh_watch_restarts_total',
    help: 'Watch restarts by kind and reason (expired = 410 relist, error, watchdog, relist)',
    labelNames: ['kind', 'reason'],
    registers: [registry],
  });
  new Gauge({
    name: 'kube_fresh_cache_synced',
    help: '1 once the watch cache of a kind has completed its list',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      for (const c of caches()) this.set({ kind: c.kind }, c.synced ? 1 : 0);
    },
  });
  new Gauge({
    name: 'kube_fresh_cache_objects',
    help: 'Objects held in the watch cache of a kind',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      for (const c of caches()) this.set({ kind: c.kind }, c.objects);
    },
  });
  return {
    verdicts: (counts) => {
      workloadContainers.reset();
      for (const [namespace, row] of counts)
        for (const [verdict, n] of Object.entries(row))
          workloadContainers.set({ namespace, verdict }, n);
    },
    nodesAtRisk: (n) => nodesAtRisk.set(n),
    tagsTracked: (n) => tagsTracked.set(n),
    tagMoved: (registryHost, source) => tagMoves.inc({ registry: registryHost, source }),
    pin: (result) => pins.inc({ result }),
    notificationToPin: (seconds) => notificationToPin.observe(seconds),
    pass: (seconds) => passSeconds.observe(seconds),
    registryRequest: (registryHost, method, result) =>
      registryRequests.inc({ registry: registryHost, method, result }),
    watchRestart: (kind, reason) => watchRestarts.inc({ kind, reason }),
  };
}
