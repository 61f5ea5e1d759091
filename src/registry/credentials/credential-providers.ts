// Credential providers: docker's config.json (with credential helpers), Kubernetes pull-secret
// payloads matched with the kubelet's rules, and an ordered chain of both.

import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../core/errors.ts';
import type { Credential, CredentialProvider } from './credential.ts';
import { runCredentialHelper, type HelperOptions } from './credential-helper.ts';
import {
  authEntryFor,
  dockerConfigKey,
  helperFor,
  parseDockerConfig,
  type DockerConfig,
} from './docker-config.ts';
import type { KubeletKeyring } from './kubelet-keyring.ts';

export interface DockerConfigLocation {
  readonly path: string;
  /** True when the user named the file (a missing or broken file is then an error). */
  readonly explicit: boolean;
}

/** `--docker-config FILE`, else `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`. */
export function locateDockerConfig(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): DockerConfigLocation {
  if (flag !== undefined) return { path: flag, explicit: true };
  if (env.DOCKER_CONFIG !== undefined && env.DOCKER_CONFIG !== '')
    return { path: join(env.DOCKER_CONFIG, 'config.json'), explicit: false };
  return { path: join(env.HOME ?? homedir(), '.docker', 'config.json'), explicit: false };
}

export type LoadedDockerConfig = { config: DockerConfig | undefined; warning: string | undefined };

/** Reads config.json once. Missing default file: no credentials. Broken default file: a warning. */
export async function loadDockerConfig(
  location: DockerConfigLocation,
): Promise<LoadedDockerConfig> {
  let text: string;
  try {
    text = await readFile(location.path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (!location.explicit && code === 'ENOENT') return { config: undefined, warning: undefined };
    const message = `cannot read docker config ${location.path}: ${code ?? (error as Error).message}`;
    if (location.explicit) throw new InputError(message, { cause: error });
    return { config: undefined, warning: message };
  }
  const parsed = parseDockerConfig(text);
  if (parsed.ok) return { config: parsed.config, warning: undefined };
  const message = `docker config ${location.path} is malformed: ${parsed.message}`;
  if (location.explicit) throw new InputError(message);
  return { config: undefined, warning: `${message}; continuing without its credentials` };
}

/** Credentials from a docker config.json, looked up as the docker CLI does. */
export class DockerConfigCredentials implements CredentialProvider {
  constructor(
    private readonly config: DockerConfig,
    private readonly path: string,
    private readonly helperOptions: HelperOptions,
    private readonly warn: (message: string) => void,
  ) {}

  async credentialsFor(registry: string): Promise<readonly Credential[]> {
    const key = dockerConfigKey(registry);
    const helper = helperFor(this.config, key);
    if (helper === undefined) {
      const entry = authEntryFor(this.config, key, this.path);
      return entry === undefined ? [] : [entry];
    }
    const result = await runCredentialHelper(helper, key, this.helperOptions);
    if (result.kind === 'found') return [result.credential];
    if (result.kind === 'failed') this.warn(`${result.message}; trying ${registry} without it`);
    return [];
  }
}

/** Credentials from pull-secret payloads (`.dockerconfigjson` / `.dockercfg`), kubelet matching. */
export class KeyringCredentials implements CredentialProvider {
  constructor(private readonly keyring: KubeletKeyring) {}

  credentialsFor(_registry: string, repositoryName: string): Promise<readonly Credential[]> {
    return Promise.resolve(this.keyring.lookup(repositoryName));
  }
}

/** Asks each provider in order and tries every candidate, first to last. */
export class ChainedCredentials implements CredentialProvider {
  constructor(private readonly providers: readonly CredentialProvider[]) {}

  async credentialsFor(registry: string, repositoryName: string): Promise<readonly Credential[]> {
    const all: Credential[] = [];
    for (const provider of this.providers)
      all.push(...(await provider.credentialsFor(registry, repositoryName)));
    return all;
  }
}

export const NO_CREDENTIALS: CredentialProvider = { credentialsFor: () => Promise.resolve([]) };
