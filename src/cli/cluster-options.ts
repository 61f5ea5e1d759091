// The cluster flags plus the environment (read here, once: KUBECONFIG, HOME, the in-cluster
// service variables) → the settings connectCluster takes (cli-session.ts opens it).

import { UsageError } from '../core/errors.ts';
import type { ConnectionSettings } from '../cluster/connection/connect-cluster.ts';
import type { CliIo } from './io.ts';
import { MAX_TIMER_MS } from './timer-limit.ts';
import type { ClusterCliOptions } from './cluster-flags.ts';

export { addClusterOptions, type ClusterCliOptions } from './cluster-flags.ts';

/** The flags and the environment (read here, once) → what connecting needs; validates -n. */
export function connectionSettings(options: ClusterCliOptions, io: CliIo): ConnectionSettings {
  const env = io.env;
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (
    options.namespace !== undefined &&
    !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(options.namespace)
  ) {
    throw new UsageError(
      `--namespace takes a namespace name, not ${JSON.stringify(options.namespace)}`,
    );
  }
  return {
    sources: {
      kubeconfigFlag: options.kubeconfig,
      kubeconfigEnv: env.KUBECONFIG,
      home: env.HOME,
      inCluster: host && port ? { host, port } : undefined,
    },
    selection: { context: options.context, namespace: options.namespace },
    requestTimeoutMs: parseRequestTimeout(options.requestTimeout ?? '30s'),
    userAgent: 'kube-fresh (+https://github.com/kube-fresh/kube-fresh)',
    env,
  };
}

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * kubectl's --request-timeout: a Go-style duration (`30s`, `1h1m`, `1m30.5s`) or plain seconds.
 * 0 is not allowed here, nor more than a timer can hold.
 */
export function parseRequestTimeout(text: string): number {
  const trimmed = text.trim();
  let ms = NaN;
  if (/^\d+(?:\.\d+)?$/.test(trimmed)) ms = Number(trimmed) * 1000;
  else if (/^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/.test(trimmed)) {
    ms = 0;
    for (const [, value, unit] of trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g))
      ms += Number(value) * (UNIT_MS[unit ?? ''] ?? NaN);
  }
  if (!Number.isFinite(ms) || ms < 1 || ms > MAX_TIMER_MS) {
    throw new UsageError(
      `--request-timeout takes a duration from 1ms to ${Math.floor(MAX_TIMER_MS / 3_600_000)}h such as 30s, 1m, 1h1m or 500ms, not ${JSON.stringify(text)}`,
    );
  }
  return Math.round(ms);
}
