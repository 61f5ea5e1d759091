// The library's registry client: the same credentials and TLS options as the CLI's registry flags
// (--docker-config, --insecure-registry, --registry-ca, --registry-timeout), built by the same code.

import type { ImageResolver } from '../core/image-resolver.ts';
import { createRegistryClientFromOptions } from '../cli/registry-options.ts';
import { libraryIo } from './library-io.ts';

export interface RegistryClientOptions {
  /** A docker config.json (default: $DOCKER_CONFIG/config.json, else ~/.docker/config.json). */
  readonly dockerConfig?: string;
  /** Hosts (HOST or HOST:PORT) allowed plain HTTP or unverified TLS. */
  readonly insecureRegistries?: readonly string[];
  /** PEM CA certificate files to trust besides the system roots. */
  readonly registryCaFiles?: readonly string[];
  /** Per request (default 20). */
  readonly timeoutSeconds?: number;
  /** Environment for DOCKER_CONFIG, HOME and credential helpers' PATH (default: process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Non-fatal problems, such as an unreadable docker config (default: ignored). */
  readonly onWarning?: (message: string) => void;
}

export interface RegistryClient {
  /** Tag → digest, platform children, config digests; failures are values with a `kind`. */
  readonly resolver: ImageResolver;
  /** Releases the connection pools; call when done. */
  close(): Promise<void>;
}

/** Opens a registry client; close it when done. Bad options reject with a UsageError/InputError. */
export async function createRegistryClient(
  options: RegistryClientOptions = {},
): Promise<RegistryClient> {
  const client = await createRegistryClientFromOptions(
    {
      dockerConfig: options.dockerConfig,
      insecureRegistry: options.insecureRegistries,
      registryCa: options.registryCaFiles,
      registryTimeout: String(options.timeoutSeconds ?? 20),
    },
    libraryIo(options),
  );
  return { resolver: client.resolver, close: () => client.close() };
}
