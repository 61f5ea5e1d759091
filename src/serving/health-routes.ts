// The probe and scrape routes every in-cluster component serves: /healthz (the process loop is
// alive), /readyz (caches synced, leadership irrelevant: a standby is ready to serve), /metrics.

import type { Registry } from 'prom-client';
import { sendText, type Route } from './http-server.ts';

export interface ReadinessCheck {
  readonly name: string;
  /** Undefined when ready, otherwise why not (shown in the /readyz body). */
  check(): string | undefined;
}

/** Routes for /healthz, /readyz and /metrics. */
export function healthRoutes(metrics: Registry, readiness: readonly ReadinessCheck[]): Route[] {
  return [
    { method: 'GET', path: '/healthz', handle: (_req, res) => sendText(res, 200, 'ok\n') },
    {
      method: 'GET',
      path: '/readyz',
      handle: (_req, res) => {
        const failing = readiness.flatMap((r) => {
          const why = r.check();
          return why === undefined ? [] : [`${r.name}: ${why}`];
        });
        if (failing.length === 0) sendText(res, 200, 'ok\n');
        else sendText(res, 503, `not ready\n${failing.join('\n')}\n`);
      },
    },
    {
      method: 'GET',
      path: '/metrics',
      handle: async (_req, res) => sendText(res, 200, await metrics.metrics(), metrics.contentType),
    },
  ];
}
