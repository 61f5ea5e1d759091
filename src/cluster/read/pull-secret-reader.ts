// Reading the image pull Secrets the Pods reference, and nothing else. Few Secrets: one GET each;
// many (say a pull secret per namespace across a large cluster): two lists filtered by the
// docker-config Secret types. RBAC often forbids Secrets: that degrades to one warning and the
// registry look-ups go without cluster credentials; it never fails the snapshot.

import type { V1Secret } from '@kubernetes/client-node';
import pLimit from 'p-limit';
import { isForbidden, isNotFound, toClusterError } from '../connection/api-failure.ts';
import type { PullSecret } from './cluster-snapshot.ts';
import type { KubeApi } from '../connection/kube-api.ts';
import { listAllPages, PAGE_SIZE } from './list-pages.ts';

export interface SecretRef {
  readonly namespace: string;
  readonly name: string;
}

export interface PullSecretsRead {
  readonly secrets: readonly PullSecret[];
  readonly warnings: readonly string[];
}

/** Above this many distinct Secrets, listing by type costs fewer requests than one GET each. */
export const SECRET_GET_LIMIT = 50;
const DOCKER_SECRET_TYPES = ['kubernetes.io/dockerconfigjson', 'kubernetes.io/dockercfg'];
const PARALLEL_GETS = 8;

export async function readPullSecrets(
  api: KubeApi,
  refs: readonly SecretRef[],
  scopeNamespace: string | undefined,
): Promise<PullSecretsRead> {
  const wanted = dedupe(refs);
  if (wanted.length === 0) return { secrets: [], warnings: [] };
  try {
    const found =
      wanted.length <= SECRET_GET_LIMIT
        ? await getEach(api, wanted)
        : await listByType(api, wanted, scopeNamespace);
    const missing = wanted.filter(
      (ref) => !found.some((s) => s.namespace === ref.namespace && s.name === ref.name),
    );
    const warnings =
      missing.length === 0
        ? []
        : [
            `${missing.length} image pull Secret(s) referenced by Pods or ServiceAccounts do not exist: ` +
              `${missing.map(key).join(', ')} (the kubelet pulls without them)`,
          ];
    return { secrets: found, warnings };
  } catch (error) {
    if (!isForbidden(error)) throw toClusterError(error, 'read image pull Secrets', api.target);
    const forbidden = toClusterError(error, 'read image pull Secrets', api.target);
    return {
      secrets: [],
      warnings: [
        `${forbidden.message}; registry look-ups use no cluster credentials for the ${wanted.length} pull Secret(s) the Pods reference`,
      ],
    };
  }
}

async function getEach(api: KubeApi, refs: readonly SecretRef[]): Promise<PullSecret[]> {
  const limit = pLimit(PARALLEL_GETS);
  const results = await Promise.allSettled(
    refs.map((ref) =>
      limit(() => api.core.readNamespacedSecret({ namespace: ref.namespace, name: ref.name })),
    ),
  );
  // The first failure in reference order, not in arrival order, so warnings are stable.
  const failed = results.find(
    (r): r is PromiseRejectedResult => r.status === 'rejected' && !isNotFound(r.reason),
  );
  if (failed !== undefined) throw failed.reason;
  return results.flatMap((r) => (r.status === 'fulfilled' ? [decodePullSecret(r.value)] : []));
}

async function listByType(
  api: KubeApi,
  refs: readonly SecretRef[],
  namespace: string | undefined,
): Promise<PullSecret[]> {
  const wanted = new Set(refs.map(key));
  const lists = await Promise.all(
    DOCKER_SECRET_TYPES.map((type) => {
      const query = { fieldSelector: `type=${type}`, limit: PAGE_SIZE };
      return listAllPages((token) =>
        namespace === undefined
          ? api.core.listSecretForAllNamespaces({ ...query, _continue: token })
          : api.core.listNamespacedSecret({ ...query, namespace, _continue: token }),
      );
    }),
  );
  return lists
    .flat()
    .map(decodePullSecret)
    .filter((secret) => wanted.has(key(secret)));
}

/** Keeps only the docker-config keys: kube-fresh never holds other secret material. */
export function decodePullSecret(secret: V1Secret): PullSecret {
  const data: { '.dockerconfigjson'?: string; '.dockercfg'?: string } = {};
  for (const field of ['.dockerconfigjson', '.dockercfg'] as const) {
    const encoded = secret.data?.[field];
    if (encoded !== undefined) data[field] = Buffer.from(encoded, 'base64').toString('utf8');
  }
  return {
    namespace: secret.metadata?.namespace ?? '',
    name: secret.metadata?.name ?? '',
    type: secret.type ?? 'Opaque',
    data,
  };
}

function key(ref: SecretRef): string {
  return `${ref.namespace}/${ref.name}`;
}

function dedupe(refs: readonly SecretRef[]): SecretRef[] {
  const seen = new Map<string, SecretRef>();
  for (const ref of refs) if (!seen.has(key(ref))) seen.set(key(ref), ref);
  return [...seen.values()];
}
