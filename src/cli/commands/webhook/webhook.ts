// Runs `kube-fresh webhook`: flags → settings → the running webhook, until SIGTERM/SIGINT.

import { readFile } from 'node:fs/promises';
import { InputError, UsageError } from '../../../core/errors.ts';
import { connectPullSecretGetter } from '../../../cluster/read/pull-secret-getter.ts';
import { parseListenAddress } from '../../../serving/listen-address.ts';
import { awaitTermination } from '../../../serving/termination.ts';
import { createLogger } from '../../../telemetry/logger.ts';
import { startWebhook } from '../../../webhook/start-webhook.ts';
import { connectionSettings, parseRequestTimeout } from '../../cluster-options.ts';
import { ExitCode, type CliIo } from '../../io.ts';
import type { RegistryCliOptions } from '../../registry-flags.ts';
import { dockerCredentials, registryConfigFromOptions } from '../../registry-options.ts';

export interface WebhookCliOptions extends RegistryCliOptions {
  readonly listen: string;
  readonly tlsCertFile?: string | undefined;
  readonly tlsKeyFile?: string | undefined;
  readonly metricsListen: string;
  readonly cacheTtl: string;
  readonly resolveTimeout: string;
  readonly excludeNamespace?: string[] | undefined;
  readonly logLevel: string;
  readonly kubeconfig?: string | undefined;
  readonly context?: string | undefined;
  readonly requestTimeout: string;
  readonly invalidateTokenFile?: string | undefined;
}

/** How long pull Secrets are reused: a rotated Secret is seen within this. */
const SECRET_TTL_MS = 10_000;

export async function runWebhook(options: WebhookCliOptions, io: CliIo): Promise<number> {
  if (options.tlsCertFile === undefined || options.tlsKeyFile === undefined) {
    throw new UsageError('webhook needs --tls-cert-file and --tls-key-file', {
      hint: 'the apiserver only calls webhooks over HTTPS; `webhook manifests --cert-dir DIR` makes a pair',
    });
  }
  const cacheTtlMs = durationFlag('--cache-ttl', options.cacheTtl);
  const resolveTimeoutMs = durationFlag('--resolve-timeout', options.resolveTimeout);
  const listen = parseListenAddress(options.listen, '--listen');
  const metricsListen = parseListenAddress(options.metricsListen, '--metrics-listen');
  const settings = connectionSettings(
    {
      kubeconfig: options.kubeconfig,
      context: options.context,
      requestTimeout: options.requestTimeout,
    },
    io,
  );
  const [secrets, registry, docker] = await Promise.all([
    connectPullSecretGetter(settings, SECRET_TTL_MS),
    registryConfigFromOptions(options),
    dockerCredentials(options, io),
  ]);
  const invalidateToken =
    options.invalidateTokenFile === undefined
      ? undefined
      : await readToken(options.invalidateTokenFile);
  const logger = createLogger({ component: 'webhook', level: options.logLevel });
  const webhook = await startWebhook({
    listen,
    tls: { certFile: options.tlsCertFile, keyFile: options.tlsKeyFile },
    metricsListen,
    cacheTtlMs,
    resolveTimeoutMs,
    excludedNamespaces: options.excludeNamespace ?? ['kube-system'],
    registry,
    dockerCredentials: docker,
    secrets,
    logger,
    invalidateToken,
  });
  const signal = await awaitTermination({
    stop: () => webhook.close(),
    forceExit: (code) => process.exit(code),
    budgetMs: 25_000,
  });
  logger.info({ signal }, 'webhook stopped');
  logger.flush();
  return ExitCode.ok;
}

async function readToken(file: string): Promise<string> {
  let token: string;
  try {
    token = (await readFile(file, 'utf8')).trim();
  } catch (error) {
    throw new InputError(`cannot read --invalidate-token-file ${file}`, { cause: error });
  }
  if (token.length < 16) {
    throw new InputError(`--invalidate-token-file ${file} holds fewer than 16 characters`);
  }
  return token;
}

function durationFlag(flag: string, text: string): number {
  try {
    return parseRequestTimeout(text);
  } catch {
    throw new UsageError(
      `${flag} takes a positive duration such as 30s, 2s or 500ms, not ${JSON.stringify(text)}`,
    );
  }
}
