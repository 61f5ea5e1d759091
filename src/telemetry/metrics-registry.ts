// One prom-client Registry per component instance (never the global one, so tests and two
// components in one process do not collide), with Node's process metrics. Metric names follow
// Prometheus conventions: `kube_fresh_` prefix, base units, counters end in `_total`, and labels
// are bounded sets (no Pod names, no digests, no image references).

import { collectDefaultMetrics, Registry } from 'prom-client';

export { Registry };

/** A fresh registry with the default process/Node.js metrics registered on it. */
export function createMetricsRegistry(component: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ component });
  collectDefaultMetrics({ register: registry });
  return registry;
}
