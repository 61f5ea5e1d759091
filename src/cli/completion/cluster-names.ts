// Completion candidates from the kubeconfig and the cluster. A shell waits on these while the user
// waits on the shell, so every lookup has a short deadline and any failure — no kubeconfig, an
// unreachable or forbidding API server — is silence (no candidates), never an error message.

import { createKubeApi, type KubeApi } from '../../cluster/connection/kube-api.ts';
import {
  listContextNames,
  resolveConnection,
  type KubeconfigSources,
} from '../../cluster/connection/kubeconfig-loader.ts';
import { DEFAULT_BUDGET } from '../../cluster/connection/request-budget.ts';
import type { NameSource, TypedSelection } from './complete-words.ts';

const LOOKUP_TIMEOUT_MS = 1_500;
const LIST_LIMIT = 500;

/** The short kubectl names of the workload kinds `explain` and `fix` take. */
const WORKLOAD_LISTS: readonly { readonly short: string; readonly path: (ns: string) => string }[] =
  [
    { short: 'deploy', path: (ns) => `/apis/apps/v1/namespaces/${ns}/deployments` },
    { short: 'sts', path: (ns) => `/apis/apps/v1/namespaces/${ns}/statefulsets` },
    { short: 'ds', path: (ns) => `/apis/apps/v1/namespaces/${ns}/daemonsets` },
    { short: 'cronjob', path: (ns) => `/apis/batch/v1/namespaces/${ns}/cronjobs` },
  ];

/** A NameSource over the kubeconfig the user's flags and environment name. */
export function clusterNameSource(env: Readonly<Record<string, string | undefined>>): NameSource {
  const sources = (selection: TypedSelection): KubeconfigSources => ({
    kubeconfigFlag: selection.kubeconfig,
    kubeconfigEnv: env.KUBECONFIG,
    home: env.HOME,
    inCluster:
      env.KUBERNETES_SERVICE_HOST && env.KUBERNETES_SERVICE_PORT
        ? { host: env.KUBERNETES_SERVICE_HOST, port: env.KUBERNETES_SERVICE_PORT }
        : undefined,
  });
  const withApi = async <T>(
    selection: TypedSelection,
    use: (api: KubeApi, namespace: string) => Promise<T>,
  ): Promise<T> => {
    const connection = await resolveConnection(sources(selection), { context: selection.context });
    const api = createKubeApi(connection, {
      budget: DEFAULT_BUDGET,
      timeoutMs: LOOKUP_TIMEOUT_MS,
      userAgent: 'kube-fresh (completion)',
      env,
    });
    return use(api, selection.namespace ?? connection.namespace);
  };
  return {
    contexts: (selection) => quietly(listContextNames(sources(selection))),
    namespaces: (selection) =>
      quietly(
        withApi(selection, async (api) =>
          namesIn(await api.getJson('/api/v1/namespaces', { limit: LIST_LIMIT })),
        ),
      ),
    workloads: (selection) =>
      quietly(
        withApi(selection, async (api, namespace) => {
          const lists = await Promise.all(
            WORKLOAD_LISTS.map(async (kind) => {
              const body = await api
                .getJson(kind.path(encodeURIComponent(namespace)), { limit: LIST_LIMIT })
                .catch(() => undefined);
              return namesIn(body).map((name) => `${kind.short}/${name}`);
            }),
          );
          return lists.flat();
        }),
      ),
  };
}

/** `metadata.name` of every item of a list body; nothing for anything else. */
function namesIn(body: unknown): string[] {
  const items = (body as { items?: unknown } | undefined)?.items;
  if (!Array.isArray(items)) return [];
  return items
    .map((item) => (item as { metadata?: { name?: unknown } }).metadata?.name)
    .filter((name): name is string => typeof name === 'string')
    .sort();
}

async function quietly(lookup: Promise<string[]>): Promise<string[]> {
  const deadline = new Promise<string[]>((resolve) =>
    setTimeout(() => resolve([]), LOOKUP_TIMEOUT_MS).unref(),
  );
  return Promise.race([lookup.catch(() => []), deadline]);
}
