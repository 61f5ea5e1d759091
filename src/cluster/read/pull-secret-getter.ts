// Pull Secrets by name for the admission webhook: one GET per Secret, answers (found, missing,
// forbidden) kept for a short TTL and shared in flight, so a burst of Pods with the same
// imagePullSecrets costs one read. Only the docker-config keys are kept (decodePullSecret).
// Loads @kubernetes/client-node: import lazily.

import { isForbidden, isNotFound } from '../connection/api-failure.ts';
import { openKubeApi, type ConnectionSettings } from '../connection/connect-cluster.ts';
import type { KubeApi } from '../connection/kube-api.ts';
import { decodePullSecret } from './pull-secret-reader.ts';
import type { ClusterTarget } from '../cluster-error.ts';
import type { PullSecret } from './cluster-snapshot.ts';

export type PullSecretLookup =
  | { readonly ok: true; readonly secret: PullSecret }
  | { readonly ok: false; readonly reason: 'missing' | 'forbidden' | 'unavailable' };

export interface PullSecretGetter {
  readonly target: ClusterTarget;
  get(namespace: string, name: string): Promise<PullSecretLookup>;
  /** API requests sent so far. */
  requests(): number;
}

/** Connects as `status` does (kubeconfig or in-cluster) and reads Secrets through it. */
export async function connectPullSecretGetter(
  settings: ConnectionSettings,
  ttlMs: number,
): Promise<PullSecretGetter> {
  const api = await openKubeApi(settings);
  return cachedGetter(api, ttlMs);
}

function cachedGetter(api: KubeApi, ttlMs: number, now = Date.now): PullSecretGetter {
  const cache = new Map<string, { expiresAt: number; read: Promise<PullSecretLookup> }>();
  return {
    target: api.target,
    requests: () => api.recorder.stats().requests,
    get: (namespace, name) => {
      const key = `${namespace}/${name}`;
      const hit = cache.get(key);
      if (hit !== undefined && hit.expiresAt > now()) return hit.read;
      const read = readOne(api, namespace, name);
      const entry = { expiresAt: Number.POSITIVE_INFINITY, read };
      cache.set(key, entry);
      void read.then((r) => {
        // A transient failure is not remembered; found/missing/forbidden are, briefly.
        entry.expiresAt = r.ok || r.reason !== 'unavailable' ? now() + ttlMs : now();
      });
      if (cache.size > 4_096) cache.delete(cache.keys().next().value ?? '');
      return read;
    },
  };
}

async function readOne(api: KubeApi, namespace: string, name: string): Promise<PullSecretLookup> {
  try {
    const secret = await api.core.readNamespacedSecret({ namespace, name });
    return { ok: true, secret: decodePullSecret(secret) };
  } catch (error) {
    if (isNotFound(error)) return { ok: false, reason: 'missing' };
    if (isForbidden(error)) return { ok: false, reason: 'forbidden' };
    return { ok: false, reason: 'unavailable' };
  }
}
