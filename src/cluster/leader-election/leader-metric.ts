// `kube_fresh_leader`: 1 while this replica leads, 0 otherwise; read at scrape time so it can
// never disagree with the elector.

import { Gauge, type Registry } from 'prom-client';

export function registerLeaderMetric(metrics: Registry, election: { isLeader(): boolean }): Gauge {
  return new Gauge({
    name: 'kube_fresh_leader',
    help: 'Whether this replica holds the leader Lease (1) or not (0).',
    registers: [metrics],
    collect() {
      this.set(election.isLeader() ? 1 : 0);
    },
  });
}
