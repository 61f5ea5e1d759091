// The webhook's Prometheus metrics: admissions by endpoint and result, handling latency, and the
// tag cache's hits and misses (the hit ratio is hits / (hits + misses); also exported ready-made).
// Labels are bounded sets: no namespaces, Pod names or images.

import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { TagCacheStats } from '../usecases/review-pod-admission/tag-digest-cache.ts';

export type Endpoint = 'mutate' | 'validate';

export interface WebhookMetrics {
  observe(endpoint: Endpoint, result: string, seconds: number): void;
}

export function registerWebhookMetrics(
  registry: Registry,
  cacheStats: () => TagCacheStats,
): WebhookMetrics {
  const admissions = new Counter({
    name: 'kube_fresh_webhook_admissions_total',
    help: 'AdmissionReviews answered, by endpoint and result (pinned, partly-pinned, unchanged, skipped, failed-open, warned, denied, malformed, too-large)',
    labelNames: ['endpoint', 'result'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'kube_fresh_webhook_admission_duration_seconds',
    help: 'Time from a complete request body to the answer, by endpoint',
    labelNames: ['endpoint'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
    registers: [registry],
  });
  new Counter({
    name: 'kube_fresh_webhook_tag_cache_lookups_total',
    help: 'Tag look-ups by cache outcome (hit, miss); a miss asks the registry unless one is in flight',
    labelNames: ['outcome'] as const,
    registers: [registry],
    collect() {
      const stats = cacheStats();
      this.reset();
      this.inc({ outcome: 'hit' }, stats.hits);
      this.inc({ outcome: 'miss' }, stats.misses);
    },
  });
  new Gauge({
    name: 'kube_fresh_webhook_tag_cache_hit_ratio',
    help: 'Tag cache hits / look-ups since start (0 before the first look-up)',
    registers: [registry],
    collect() {
      const { hits, misses } = cacheStats();
      this.set(hits + misses === 0 ? 0 : hits / (hits + misses));
    },
  });
  new Gauge({
    name: 'kube_fresh_webhook_tag_cache_entries',
    help: 'Tag answers held in the cache (per credential scope)',
    registers: [registry],
    collect() {
      this.set(cacheStats().entries);
    },
  });
  return {
    observe: (endpoint, result, seconds) => {
      admissions.inc({ endpoint, result });
      latency.observe({ endpoint }, seconds);
    },
  };
}
