// Pull-secret matching as the kubelet does it (pkg/credentialprovider keyring.go, semantics doc
// §8.3): keys are schemeless URLs, reverse-sorted so longer paths win; a key matches an image when
// the host has as many dot-separated labels, each label glob-matches, the port is equal, and the
// key's path is a prefix of the image path. Every matching key contributes, in order.

import type { CredentialSource } from '../../core/image-resolver.ts';
import type { Credential } from './credential.ts';
import { decodeAuthStrictly } from './pull-secret.ts';
import { globMatch } from './glob-match.ts';
import { parseHttpsUrl, splitHostPort } from './go-url.ts';

import type { DockerConfigEntry } from './docker-config-entry.ts';

export type { DockerConfigEntry } from './docker-config-entry.ts';

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
    const decoded = decodeAuthStrictly(entry.auth);
    if (typeof decoded === 'string') return undefined;
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
 * The key the kubelet files an entry under (`BasicDockerKeyring.Add`): the value parsed as
 * `https://<value>` by Go's url.Parse (userinfo, query and fragment dropped, the path
 * percent-decoded), then host + path, where a path starting `/v1/` or `/v2/` loses those three
 * characters and `/` alone counts as none. A value url.Parse rejects is ignored (undefined).
 */
export function normaliseKey(location: string): string | undefined {
  const parsed = parseHttpsUrl(location);
  if (parsed === undefined || parsed.host === '') return undefined;
  let path = parsed.path;
  if (path.startsWith('/v2/') || path.startsWith('/v1/')) path = path.slice(3);
  return path.length > 0 && path !== '/' ? parsed.host + path : parsed.host;
}

/**
 * URLsMatchStr: both sides parsed as URLs; hosts split by net.SplitHostPort (so `[::1]:5000` is
 * host `::1`, port 5000, while a bracketed host without a port keeps its brackets); equal ports,
 * equal label counts, the key's path a prefix of the image's, and each label a filepath.Match glob
 * (a malformed one matches nothing).
 */
export function urlsMatch(glob: string, target: string): boolean {
  const g = parseHttpsUrl(glob);
  const t = parseHttpsUrl(target);
  if (g === undefined || t === undefined) return false;
  const gHost = splitHostPort(g.host);
  const tHost = splitHostPort(t.host);
  if (gHost.port !== tHost.port) return false;
  const gLabels = gHost.host.split('.');
  const tLabels = tHost.host.split('.');
  if (gLabels.length !== tLabels.length) return false;
  if (!t.path.startsWith(g.path)) return false;
  return gLabels.every((label, i) => globMatch(label, tLabels[i] ?? ''));
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
