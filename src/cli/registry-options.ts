// The registry flags shared by every command that talks to registries, and turning them (plus the
// environment, read here once) into a registry client.

import { readFile } from 'node:fs/promises';
import { InputError, UsageError } from '../core/errors.ts';
import type { CredentialProvider } from '../registry/credentials/credential.ts';
import {
  ChainedCredentials,
  DockerConfigCredentials,
  loadDockerConfig,
  locateDockerConfig,
  NO_CREDENTIALS,
} from '../registry/credentials/credential-providers.ts';
import { createRegistryClient, type RegistryClient } from '../registry/create-registry-client.ts';
import { defaultRegistryConfig, type RegistryConfig } from '../registry/registry-config.ts';
import { MAX_TIMER_MS } from './timer-limit.ts';
import type { CliIo } from './io.ts';
import type { RegistryCliOptions } from './registry-flags.ts';

export type { RegistryCliOptions } from './registry-flags.ts';

/** Builds the registry client for one command run; the caller closes it. */
export async function createRegistryClientFromOptions(
  options: RegistryCliOptions,
  io: CliIo,
  /** Asked before the docker config: e.g. the pull secrets of the Pods being checked. */
  before?: CredentialProvider,
  /** e.g. the controller's zero tag cache TTL (its tag tracker decides when to ask again). */
  tuning: Partial<Pick<RegistryConfig, 'tagCacheTtlMs'>> = {},
): Promise<RegistryClient> {
  const config = await registryConfigFromOptions(options, tuning);
  const docker = await dockerCredentials(options, io);
  return createRegistryClient(
    config,
    before === undefined ? docker : new ChainedCredentials([before, docker]),
  );
}

/** The flags → the registry adapter's configuration (for front doors that make many clients). */
export async function registryConfigFromOptions(
  options: RegistryCliOptions,
  overrides: Partial<RegistryConfig> = {},
): Promise<RegistryConfig> {
  const timeoutSeconds = Number(options.registryTimeout ?? '20');
  // Node timers hold at most 2^31-1 ms (about 24.8 days); a larger value would silently become 1 ms.
  if (
    !Number.isFinite(timeoutSeconds) ||
    timeoutSeconds < 0.001 ||
    timeoutSeconds * 1000 > MAX_TIMER_MS
  ) {
    throw new UsageError(
      `--registry-timeout takes a number of seconds from 0.001 to ${MAX_TIMER_MS / 1000}, not ${JSON.stringify(options.registryTimeout)}`,
    );
  }
  const insecure = options.insecureRegistry ?? [];
  for (const host of insecure) {
    if (!/^[A-Za-z0-9.\-[\]:]+$/.test(host) || host.includes('/')) {
      throw new UsageError(
        `--insecure-registry takes HOST or HOST:PORT, not ${JSON.stringify(host)}`,
      );
    }
  }
  const extraCaCertificates = await Promise.all((options.registryCa ?? []).map(readCaFile));
  return defaultRegistryConfig({
    insecureRegistries: insecure,
    extraCaCertificates,
    requestTimeoutMs: Math.round(timeoutSeconds * 1000),
    // --registry-timeout bounds a whole look-up, retries and Retry-After waits included (F-12).
    lookupDeadlineMs: Math.round(timeoutSeconds * 1000),
    connectTimeoutMs: Math.min(5_000, Math.round(timeoutSeconds * 1000)),
    userAgent: `kube-fresh (+https://github.com/kube-fresh/kube-fresh)`,
    ...overrides,
  });
}

/** The docker config (--docker-config, $DOCKER_CONFIG, ~/.docker) as a credential provider. */
export async function dockerCredentials(
  options: RegistryCliOptions,
  io: CliIo,
): Promise<CredentialProvider> {
  const location = locateDockerConfig(options.dockerConfig, io.env);
  const loaded = await loadDockerConfig(location);
  if (loaded.warning !== undefined) io.stderr.write(`warning: ${loaded.warning}\n`);
  if (loaded.config === undefined) return NO_CREDENTIALS;
  const warn = (message: string): void => void io.stderr.write(`warning: ${message}\n`);
  return new DockerConfigCredentials(
    loaded.config,
    location.path,
    { path: io.env.PATH, timeoutMs: 10_000 },
    warn,
  );
}

async function readCaFile(path: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new InputError(
      `cannot read --registry-ca ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      { cause: error },
    );
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----'))
    throw new InputError(`--registry-ca ${path} holds no PEM certificate`);
  return text;
}
