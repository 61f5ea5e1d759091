// Finding the connection the way kubectl does (client-go clientcmd loading rules):
// --kubeconfig FILE alone; else every file in KUBECONFIG (missing ones skipped), merged so that
// the first file to define a name or the current-context wins; else ~/.kube/config; else the
// in-cluster ServiceAccount. Then --context (or current-context) selects cluster and user, and
// the namespace is --namespace, else the context's, else the in-cluster one, else "default".

import { readFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { EnvironmentError, InputError, UsageError } from '../../core/errors.ts';
import {
  parseKubeconfig,
  type ClusterEntry,
  type ContextEntry,
  type KubeconfigDocument,
  type UserEntry,
} from './kubeconfig-document.ts';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** Everything the loader may look at, read once from flags and environment by the caller. */
export interface KubeconfigSources {
  readonly kubeconfigFlag?: string | undefined;
  /** $KUBECONFIG, path-list separated. */
  readonly kubeconfigEnv?: string | undefined;
  readonly home?: string | undefined;
  /** $KUBERNETES_SERVICE_HOST / _PORT when both are set. */
  readonly inCluster?: { readonly host: string; readonly port: string } | undefined;
  readonly serviceAccountDir?: string | undefined;
}

export interface ConnectionSelection {
  readonly context?: string | undefined;
  readonly namespace?: string | undefined;
}

export interface ResolvedConnection {
  readonly contextName: string;
  readonly cluster: ClusterEntry;
  readonly user: UserEntry;
  readonly namespace: string;
  /** The kubeconfig files that were merged, or the ServiceAccount folder in-cluster. */
  readonly sources: readonly string[];
  readonly inCluster: boolean;
}

export async function resolveConnection(
  from: KubeconfigSources,
  selection: ConnectionSelection = {},
): Promise<ResolvedConnection> {
  const documents = await readKubeconfigs(from);
  const merged = mergeKubeconfigs(documents);
  const files = documents.map((d) => d.file);
  if (merged.contexts.size === 0 && merged.clusters.size === 0 && from.inCluster !== undefined) {
    const inCluster = await inClusterConnection(from, selection);
    if (inCluster !== undefined) return inCluster;
  }
  if (documents.length === 0) {
    throw new EnvironmentError('no kubeconfig found and not running in a cluster', {
      hint: 'pass --kubeconfig FILE, set KUBECONFIG, or create ~/.kube/config',
    });
  }
  return selectContext(merged, files, selection);
}

/** The context (--context, else current-context) and the cluster and user it names. */
export function selectContext(
  merged: MergedKubeconfig,
  files: readonly string[],
  selection: ConnectionSelection,
): ResolvedConnection {
  const where = files.join(', ');
  const contextName = selection.context ?? merged.currentContext;
  if (contextName === undefined) {
    const names = [...merged.contexts.keys()].join(', ') || 'none';
    throw new InputError(`no current-context in ${where} (contexts: ${names})`, {
      hint: 'pass --context NAME, or run kubectl config use-context NAME',
    });
  }
  const context = merged.contexts.get(contextName);
  if (context === undefined) {
    const message = `context "${contextName}" not found in ${where}`;
    if (selection.context !== undefined) throw new UsageError(message);
    throw new InputError(`current-context: ${message}`);
  }
  const cluster = merged.clusters.get(context.cluster);
  if (cluster === undefined) {
    throw new InputError(
      `context "${contextName}" refers to cluster "${context.cluster}", which is not in ${where}`,
    );
  }
  const user = context.user === '' ? anonymousUser() : merged.users.get(context.user);
  if (user === undefined) {
    throw new InputError(
      `context "${contextName}" refers to user "${context.user}", which is not in ${where}`,
    );
  }
  return {
    contextName,
    cluster,
    user,
    namespace: selection.namespace ?? context.namespace ?? 'default',
    sources: files,
    inCluster: false,
  };
}

async function readKubeconfigs(from: KubeconfigSources): Promise<KubeconfigDocument[]> {
  if (from.kubeconfigFlag !== undefined) {
    return [await readKubeconfig(from.kubeconfigFlag, { required: true })].flatMap((d) =>
      d ? [d] : [],
    );
  }
  if (from.kubeconfigEnv !== undefined && from.kubeconfigEnv !== '') {
    const files = [...new Set(from.kubeconfigEnv.split(delimiter).filter((f) => f !== ''))];
    const documents = await Promise.all(
      files.map((file) => readKubeconfig(file, { required: false })),
    );
    return documents.flatMap((d) => (d ? [d] : []));
  }
  if (from.home === undefined || from.home === '') return [];
  const document = await readKubeconfig(join(from.home, '.kube', 'config'), { required: false });
  return document ? [document] : [];
}

async function readKubeconfig(
  file: string,
  options: { required: boolean },
): Promise<KubeconfigDocument | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !options.required) return undefined;
    throw new InputError(`cannot read kubeconfig ${file}: ${code ?? String(error)}`, {
      cause: error,
    });
  }
  return parseKubeconfig(text, file);
}

export interface MergedKubeconfig {
  readonly clusters: ReadonlyMap<string, ClusterEntry>;
  readonly users: ReadonlyMap<string, UserEntry>;
  readonly contexts: ReadonlyMap<string, ContextEntry>;
  readonly currentContext: string | undefined;
}

/** client-go's merge: for every name, and for current-context, the first file to set it wins. */
export function mergeKubeconfigs(documents: readonly KubeconfigDocument[]): MergedKubeconfig {
  const clusters = new Map<string, ClusterEntry>();
  const users = new Map<string, UserEntry>();
  const contexts = new Map<string, ContextEntry>();
  let currentContext: string | undefined;
  const keepFirst = <T extends { name: string }>(
    into: Map<string, T>,
    entries: readonly T[],
  ): void => {
    for (const entry of entries) if (!into.has(entry.name)) into.set(entry.name, entry);
  };
  for (const document of documents) {
    keepFirst(clusters, document.clusters);
    keepFirst(users, document.users);
    keepFirst(contexts, document.contexts);
    currentContext ??= document.currentContext;
  }
  return { clusters, users, contexts, currentContext };
}

/** rest.InClusterConfig: https://HOST:PORT, the ServiceAccount's CA and (re-read) token. */
async function inClusterConnection(
  from: KubeconfigSources,
  selection: ConnectionSelection,
): Promise<ResolvedConnection | undefined> {
  const dir = from.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
  const tokenFile = join(dir, 'token');
  if (!(await readable(tokenFile)) || from.inCluster === undefined) return undefined;
  if (selection.context !== undefined) {
    throw new UsageError(
      `context "${selection.context}" not found: there is no kubeconfig (running in-cluster)`,
    );
  }
  const { host, port } = from.inCluster;
  const hostPart = host.includes(':') ? `[${host}]` : host;
  const namespace = (await readFile(join(dir, 'namespace'), 'utf8').catch(() => '')).trim();
  return {
    contextName: 'in-cluster',
    cluster: {
      name: 'in-cluster',
      server: `https://${hostPart}:${port}`,
      caData: undefined,
      caFile: join(dir, 'ca.crt'),
      insecureSkipTlsVerify: false,
      tlsServerName: undefined,
      proxyUrl: undefined,
    },
    user: { ...anonymousUser(), name: 'in-cluster-service-account', tokenFile },
    namespace: selection.namespace ?? (namespace || 'default'),
    sources: [dir],
    inCluster: true,
  };
}

async function readable(file: string): Promise<boolean> {
  return readFile(file).then(
    () => true,
    () => false,
  );
}

function anonymousUser(): UserEntry {
  return {
    name: '',
    certData: undefined,
    certFile: undefined,
    keyData: undefined,
    keyFile: undefined,
    token: undefined,
    tokenFile: undefined,
    username: undefined,
    password: undefined,
    impersonate: undefined,
    exec: undefined,
    authProvider: undefined,
  };
}

/** The context names of the merged kubeconfig files (shell completion of --context). */
export async function listContextNames(from: KubeconfigSources): Promise<string[]> {
  const merged = mergeKubeconfigs(await readKubeconfigs(from));
  return [...merged.contexts.keys()].sort();
}
