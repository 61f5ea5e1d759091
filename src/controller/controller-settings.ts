// The controller's flags → checked settings (UsageError naming the flag for anything wrong).

import { parseDuration } from '../core/duration.ts';
import { UsageError } from '../core/errors.ts';
import { parseListenAddress, type ListenAddress } from '../serving/listen-address.ts';
import type { KeepFreshSettings } from '../usecases/keep-fresh/keep-fresh.ts';
import { isPolicy, POLICIES } from '../usecases/keep-fresh/workload-policy.ts';

export interface ControllerFlags {
  readonly namespace?: string | undefined;
  readonly namespaceSelector?: string | undefined;
  readonly listen: string;
  readonly pollInterval: string;
  readonly defaultPolicy: string;
  readonly dryRun?: true | undefined;
  readonly leaderElect: string;
  readonly logLevel: string;
  readonly maxConcurrentRollouts: string;
  readonly minPinInterval: string;
  readonly notificationToken?: string | undefined;
  readonly leaderElectionNamespace?: string | undefined;
  readonly leaseDuration: string;
  readonly renewDeadline: string;
  readonly retryPeriod: string;
}

export interface ControllerSettings {
  readonly listen: ListenAddress;
  readonly keepFresh: KeepFreshSettings;
  readonly leaderElect: boolean;
  readonly logLevel: string;
  /** Enables the /hooks/<provider> routes; from the flag or KUBE_FRESH_NOTIFICATION_TOKEN. */
  readonly notificationToken: string | undefined;
  /** Where the Lease lives: the flag, else POD_NAMESPACE, else the kubeconfig's namespace. */
  readonly leaseNamespace: string | undefined;
  readonly leaseDurations: {
    leaseDurationMs: number;
    renewDeadlineMs: number;
    retryPeriodMs: number;
  };
}

const LOG_LEVELS = ['debug', 'info', 'warn', 'error'];

export function controllerSettings(
  flags: ControllerFlags,
  env: Readonly<Record<string, string | undefined>> = {},
): ControllerSettings {
  if (!isPolicy(flags.defaultPolicy))
    throw new UsageError(
      `--default-policy takes ${POLICIES.join(', ')}, not ${JSON.stringify(flags.defaultPolicy)}`,
    );
  if (!LOG_LEVELS.includes(flags.logLevel))
    throw new UsageError(
      `--log-level takes ${LOG_LEVELS.join(', ')}, not ${JSON.stringify(flags.logLevel)}`,
    );
  const leaderElect = parseBoolean(flags.leaderElect, '--leader-elect');
  const rollouts = Number(flags.maxConcurrentRollouts);
  if (!Number.isInteger(rollouts) || rollouts < 1)
    throw new UsageError(
      `--max-concurrent-rollouts takes a positive integer, not ${JSON.stringify(flags.maxConcurrentRollouts)}`,
    );
  const token = flags.notificationToken ?? env.KUBE_FRESH_NOTIFICATION_TOKEN;
  if (token !== undefined && token.length < 16)
    throw new UsageError(
      '--notification-token (or KUBE_FRESH_NOTIFICATION_TOKEN) must be at least 16 characters',
    );
  return {
    listen: parseListenAddress(flags.listen),
    leaderElect,
    logLevel: flags.logLevel,
    notificationToken: token === '' ? undefined : token,
    leaseNamespace: flags.leaderElectionNamespace ?? env.POD_NAMESPACE,
    leaseDurations: {
      leaseDurationMs: duration(flags.leaseDuration, '--lease-duration'),
      renewDeadlineMs: duration(flags.renewDeadline, '--renew-deadline'),
      retryPeriodMs: duration(flags.retryPeriod, '--retry-period'),
    },
    keepFresh: {
      namespace: flags.namespace,
      defaultPolicy: flags.defaultPolicy,
      pollIntervalMs: duration(flags.pollInterval, '--poll-interval'),
      dryRun: flags.dryRun === true,
      maxConcurrentRollouts: rollouts,
      minPinIntervalMs:
        flags.minPinInterval.trim() === '0'
          ? 0
          : duration(flags.minPinInterval, '--min-pin-interval'),
    },
  };
}

function duration(text: string, flag: string): number {
  const parsed = parseDuration(text);
  if (!parsed.ok) throw new UsageError(`${flag}: ${parsed.message}`);
  return parsed.ms;
}

function parseBoolean(text: string, flag: string): boolean {
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw new UsageError(`${flag} takes true or false, not ${JSON.stringify(text)}`);
}
