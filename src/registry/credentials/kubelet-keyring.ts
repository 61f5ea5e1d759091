// Pull-secret matching as the kubelet does it (pkg/credentialprovider keyring.go, semantics doc
// §8.3): keys are schemeless URLs, reverse-sorted so longer paths win; a key matches an image when
// the host has as many dot-separated labels, each label glob-matches, the port is equal, and the
// key's path is a prefix of the image path. Every matching key contributes, in order.

import type { CredentialSource } from '../../core/image-resolver.ts';
import { decodeAuthField, type Credential } from './credential.ts';
import { globMatch } from './glob-match.ts';

/** One `auths` entry as the kubelet reads it (identitytoken, registrytoken are ignored). */
export interface DockerConfigEntry {
  readonly username?: string;
  readonly password?: string;
  readonly auth?: string;
}

interface KeyedCredential {
  readonly key: string;
  readonly credential: Credential;
}

const DEFAULT_REGISTRY_KEY = 'index.docker.io';

export class KubeletKeyring {
  private entries: KeyedCredential[] = [];

  /** Adds a `{registry: entry}` map (the inside of `auths`, or a whole `.dockercfg`). */
  add(config: Readonly<Record<string, DockerConfigEntry>>, source: CredentialSource): void {
    for (const [location, entry] of Object.entries(config)) {
      const key = normaliseKey(location);
      const credential = toCredential(entry, source, location);
      if (key !== undefined && credential !== undefined) this.entries.push({ key, credential });
    }
    // Stable reverse sort by key: more specific paths first; equal keys keep insertion order.
    this.entries.sort((a, b) => (a.key < b.key ? 1 : a.key > b.key ? -1 : 0));
  }

  /** Credentials for a normalised repository name such as `docker.io/library/nginx`. */
  lookup(repositoryName: string): Credential[] {
    const matched = this.entries.filter((e) => urlsMatch(e.key, repositoryName));
    if (matched.length > 0) return matched.map((e) => e.credential);
    if (!isDefaultRegistry(repositoryName)) return [];
    return this.entries.filter((e) => e.key === DEFAULT_REGISTRY_KEY).map((e) => e.credential);
  }

  get size(): number {
    return this.entries.length;
  }
}

function toCredential(
  entry: DockerConfigEntry,
  source: CredentialSource,
  location: string,
): Credential | undefined {
  let username = entry.username;
  let password = entry.password;
  if (entry.auth !== undefined && entry.auth !== '') {
    const decoded = decodeAuthField(entry.auth);
    if (decoded === undefined) return undefined;
    ({ username, password } = decoded);
  }
  const detail = `${source.detail}: ${location}`;
  return {
    username,
    password,
    identityToken: undefined,
    registryToken: undefined,
    source: { kind: source.kind, detail },
  };
}

/**
 * Strips the scheme; `/v1/…` and `/v2/…` paths collapse to the host, other paths are kept. Parsed
 * the way Go's url.Parse reads `https://<key>`: `?` starts a query and `#` a fragment (dropped), and
 * a host starting with `[` must be a bracketed literal followed by nothing or a port, else the key
 * is invalid and ignored, as the kubelet ignores it.
 */
export function normaliseKey(location: string): string | undefined {
  const withoutScheme = location.replace(/^https?:\/\//, '');
  const end = Math.min(...['?', '#'].map((c) => indexOrEnd(withoutScheme, c)));
  const rest = withoutScheme.slice(0, end);
  const slash = indexOrEnd(rest, '/');
  const host = rest.slice(0, slash);
  let path = rest.slice(slash);
  if (host === '' || !validHost(host)) return undefined;
  if (path.startsWith('/v2/') || path.startsWith('/v1/')) path = path.slice(3);
  return path.length > 0 && path !== '/' ? host + path : host;
}

function validHost(host: string): boolean {
  if (!host.startsWith('[')) return true;
  const close = host.indexOf(']');
  return close > 0 && (close === host.length - 1 || /^:\d*$/.test(host.slice(close + 1)));
}

function indexOrEnd(value: string, char: string): number {
  const index = value.indexOf(char);
  return index < 0 ? value.length : index;
}

function splitHostPort(hostAndPort: string): { labels: string[]; port: string } {
  const match = /^(.*?)(?::(\d*))?$/.exec(hostAndPort);
  const host = match?.[1] ?? hostAndPort;
  return { labels: host.split('.'), port: match?.[2] ?? '' };
}

function splitSchemeless(value: string): { host: string; path: string } {
  const slash = value.indexOf('/');
  return slash < 0
    ? { host: value, path: '' }
    : { host: value.slice(0, slash), path: value.slice(slash) };
}

/** URLsMatchStr: label count, per-label glob, exact port, path prefix. */
export function urlsMatch(glob: string, target: string): boolean {
  const g = splitSchemeless(glob);
  const t = splitSchemeless(target);
  const gHost = splitHostPort(g.host);
  const tHost = splitHostPort(t.host);
  if (gHost.port !== tHost.port) return false;
  if (gHost.labels.length !== tHost.labels.length) return false;
  if (!t.path.startsWith(g.path)) return false;
  return gHost.labels.every((label, i) => globMatch(label, tHost.labels[i] ?? ''));
}

/** The kubelet's isDefaultRegistryMatch on a normalised repository name. */
export function isDefaultRegistry(repositoryName: string): boolean {
  const slash = repositoryName.indexOf('/');
  const first = slash < 0 ? repositoryName : repositoryName.slice(0, slash);
  if (first === '') return false;
  if (slash < 0) return true;
  if (first === 'docker.io' || first === 'index.docker.io') return true;
  return !/[.:]/.test(first);
}
