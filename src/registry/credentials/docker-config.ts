// docker's config.json: `auths`, `credHelpers`, `credsStore`, looked up the way the docker CLI does
// (configfile.GetAuthConfig): a per-registry helper, else the default store, else `auths`. Docker Hub
// is stored under `https://index.docker.io/v1/`; other registries under host[:port].

import type { CredentialSource } from '../../core/image-resolver.ts';
import { decodeAuthField, type Credential } from './credential.ts';

export const DOCKER_HUB_CONFIG_KEY = 'https://index.docker.io/v1/';

export interface DockerConfigAuthEntry {
  readonly auth?: string;
  readonly username?: string;
  readonly password?: string;
  readonly identitytoken?: string;
  readonly registrytoken?: string;
}

export interface DockerConfig {
  readonly auths: Readonly<Record<string, DockerConfigAuthEntry>>;
  readonly credHelpers: Readonly<Record<string, string>>;
  readonly credsStore: string | undefined;
}

export type ParsedDockerConfig =
  { ok: true; config: DockerConfig } | { ok: false; message: string };

/** ` at line L, column C` from a JSON.parse error that gives a position, else ''. */
function jsonErrorPosition(text: string, error: unknown): string {
  const position = /at position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1];
  if (position === undefined) return '';
  const before = text.slice(0, Number(position));
  const line = before.split('\n').length;
  const column = Number(position) - before.lastIndexOf('\n');
  return ` at line ${line}, column ${column}`;
}

/** Parses config.json text; a malformed file is a value with a message that names no secret. */
export function parseDockerConfig(text: string): ParsedDockerConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    // V8's message quotes the text around the error, which may be the password (F-14): only
    // the position is kept.
    return { ok: false, message: `not valid JSON${jsonErrorPosition(text, error)}` };
  }
  if (!isRecord(raw)) return { ok: false, message: 'the top level is not a JSON object' };
  const auths = raw.auths ?? {};
  const credHelpers = raw.credHelpers ?? {};
  if (!isRecord(auths)) return { ok: false, message: '"auths" is not an object' };
  if (!isRecord(credHelpers) || !Object.values(credHelpers).every((v) => typeof v === 'string')) {
    return { ok: false, message: '"credHelpers" is not an object of strings' };
  }
  if (raw.credsStore !== undefined && typeof raw.credsStore !== 'string') {
    return { ok: false, message: '"credsStore" is not a string' };
  }
  const cleanAuths: Record<string, DockerConfigAuthEntry> = {};
  for (const [key, entry] of Object.entries(auths)) {
    if (isRecord(entry)) cleanAuths[key] = pickStrings(entry);
  }
  return {
    ok: true,
    config: {
      auths: cleanAuths,
      credHelpers: credHelpers as Record<string, string>,
      credsStore: raw.credsStore === '' ? undefined : raw.credsStore,
    },
  };
}

/** The key docker uses for a registry host: Docker Hub's legacy URL, else host[:port]. */
export function dockerConfigKey(registry: string): string {
  const hub = ['docker.io', 'index.docker.io', 'registry-1.docker.io'];
  return hub.includes(registry) ? DOCKER_HUB_CONFIG_KEY : registry;
}

/** Which helper (if any) serves a registry: `credHelpers[key]`, else `credsStore`. */
export function helperFor(config: DockerConfig, key: string): string | undefined {
  return config.credHelpers[key] ?? config.credsStore;
}

/** The `auths` entry for a key: exact, else any key whose hostname (scheme and path removed) matches. */
export function authEntryFor(
  config: DockerConfig,
  key: string,
  sourcePath: string,
): Credential | undefined {
  let found = config.auths[key];
  let foundKey = key;
  if (found === undefined) {
    const wanted = convertToHostname(key);
    for (const [candidate, entry] of Object.entries(config.auths)) {
      if (convertToHostname(candidate) === wanted) {
        found = entry;
        foundKey = candidate;
        break;
      }
    }
  }
  if (found === undefined) return undefined;
  const source: CredentialSource = { kind: 'docker-config', detail: `${sourcePath}: ${foundKey}` };
  return entryToCredential(found, source);
}

export function entryToCredential(
  entry: DockerConfigAuthEntry,
  source: CredentialSource,
): Credential | undefined {
  let username = entry.username;
  let password = entry.password;
  if (entry.auth !== undefined && entry.auth !== '') {
    const decoded = decodeAuthField(entry.auth);
    if (decoded !== undefined) ({ username, password } = decoded);
  }
  const identityToken = nonEmpty(entry.identitytoken);
  const registryToken = nonEmpty(entry.registrytoken);
  if (username === undefined && identityToken === undefined && registryToken === undefined)
    return undefined;
  return { username, password, identityToken, registryToken, source };
}

/** docker's ConvertToHostname: drop `http(s)://` and everything after the first `/`. */
export function convertToHostname(url: string): string {
  const stripped = url.replace(/^https?:\/\//, '');
  const slash = stripped.indexOf('/');
  return slash < 0 ? stripped : stripped.slice(0, slash);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function pickStrings(entry: Record<string, unknown>): DockerConfigAuthEntry {
  const out: Record<string, string> = {};
  for (const field of ['auth', 'username', 'password', 'identitytoken', 'registrytoken']) {
    const value = entry[field];
    if (typeof value === 'string') out[field] = value;
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
