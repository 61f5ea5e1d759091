// Tag look-ups with the credentials the kubelet would use for the Pod: its imagePullSecrets (the
// ServiceAccount's are merged in at admission), read through the API and cached briefly, then the
// webhook's own docker config. One registry client per credential scope (the session caches
// credentials per repository, so scopes must not share one), kept in a small LRU.

import { createHash } from 'node:crypto';
import type { ImageReference } from '../../core/image-reference.ts';
import type { ImageResolver, RegistryFailure } from '../../core/image-resolver.ts';
import type { CredentialProvider } from '../../registry/credentials/credential.ts';
import {
  keyringFromPullSecrets,
  type PullSecretInput,
} from '../../registry/credentials/pull-secret-keyring.ts';
import type { PodCredentialScope, PodTagResolver, TagLookup } from './review-pod-admission.ts';
import type { TagOutcome } from './pod-pin-plan.ts';
import type { TagDigestCache } from './tag-digest-cache.ts';

/** A pull Secret by name: the Secret, `missing`, or why it could not be read (never its data). */
export type SecretRead =
  | { readonly ok: true; readonly secret: PullSecretInput }
  | { readonly ok: false; readonly reason: 'missing' | 'forbidden' | 'unavailable' };

export interface PullSecretSource {
  get(namespace: string, name: string): Promise<SecretRead>;
}

export interface ScopedResolver {
  readonly resolver: ImageResolver;
  close(): Promise<void>;
}

export interface PodTagResolverDeps {
  readonly secrets: PullSecretSource;
  /** A registry client asking `podCredentials` first, then the webhook's docker config. */
  readonly createResolver: (podCredentials: CredentialProvider | undefined) => ScopedResolver;
  readonly cache: TagDigestCache;
  /** How many credential scopes keep a client (default 64). */
  readonly maxScopes?: number;
}

const DOCKER_CONFIG_SCOPE = 'docker-config';

export class RegistryPodTagResolver implements PodTagResolver {
  private readonly scopes = new Map<string, ScopedResolver>();

  constructor(private readonly deps: PodTagResolverDeps) {}

  async forPod(
    scope: PodCredentialScope,
  ): Promise<{ lookup: TagLookup; warnings: readonly string[] }> {
    const reads = await Promise.all(
      scope.pullSecretNames.map((name) => this.deps.secrets.get(scope.namespace, name)),
    );
    const warnings: string[] = [];
    const secrets: PullSecretInput[] = [];
    reads.forEach((read, i) => {
      if (read.ok) secrets.push(read.secret);
      else
        warnings.push(`kube-fresh: pull secret ${scope.pullSecretNames[i] ?? ''} ${read.reason}`);
    });
    const { key, client } = this.clientFor(secrets, warnings);
    const lookup: TagLookup = (reference, tagKey) =>
      this.deps.cache.get(tagKey, key, () => resolveOnce(client.resolver, reference));
    return { lookup, warnings };
  }

  async close(): Promise<void> {
    const clients = [...this.scopes.values()];
    this.scopes.clear();
    await Promise.all(clients.map((c) => c.close()));
  }

  private clientFor(
    secrets: readonly PullSecretInput[],
    warnings: string[],
  ): { key: string; client: ScopedResolver } {
    const key = secrets.length === 0 ? DOCKER_CONFIG_SCOPE : scopeKey(secrets);
    const existing = this.scopes.get(key);
    if (existing !== undefined) {
      // Re-inserted: the Map's order is the LRU order.
      this.scopes.delete(key);
      this.scopes.set(key, existing);
      return { key, client: existing };
    }
    let provider: CredentialProvider | undefined;
    if (secrets.length > 0) {
      const keyring = keyringFromPullSecrets(secrets);
      warnings.push(...keyring.warnings.map((w) => `kube-fresh: ${w}`));
      provider = keyring.provider;
    }
    const client = this.deps.createResolver(provider);
    this.scopes.set(key, client);
    if (this.scopes.size > (this.deps.maxScopes ?? 64)) {
      const [oldestKey, oldest] = this.scopes.entries().next().value ?? [];
      if (oldestKey !== undefined && oldest !== undefined) {
        this.scopes.delete(oldestKey);
        void oldest.close();
      }
    }
    return { key, client };
  }
}

/** A digest of which secrets with which content: two Pods with equal credentials share answers. */
function scopeKey(secrets: readonly PullSecretInput[]): string {
  const hash = createHash('sha256');
  for (const s of [...secrets].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    hash.update(`${s.namespace}/${s.name}\n${s.type}\n`);
    for (const [k, v] of Object.entries(s.data).sort()) hash.update(`${k}=${v ?? ''}\n`);
  }
  return `secrets:${hash.digest('hex')}`;
}

async function resolveOnce(
  resolver: ImageResolver,
  reference: ImageReference,
): Promise<TagOutcome> {
  try {
    const answer = await resolver.resolveTag({ ...reference, tag: reference.tag ?? 'latest' });
    return answer.ok
      ? { ok: true, digest: answer.value.digest }
      : { ok: false, reason: reasonOf(answer.failure) };
  } catch {
    return { ok: false, reason: 'registry look-up failed' };
  }
}

function reasonOf(failure: RegistryFailure): string {
  const what: Record<RegistryFailure['kind'], string> = {
    'not-found': 'tag not found',
    unauthorized: 'registry said unauthorized',
    forbidden: 'registry said forbidden',
    'rate-limited': 'registry rate limit',
    unreachable: 'registry unreachable',
    tls: 'registry TLS error',
    protocol: 'registry protocol error',
    'invalid-reference': 'not a reference a registry can be asked about',
  };
  return `${what[failure.kind]} (${failure.registry})`;
}
