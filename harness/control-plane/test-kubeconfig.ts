// Kubeconfig files for tests, written the way kubectl writes them (clusters, users, contexts,
// current-context), so the adapter reads exactly what users have on disk.
import { writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';

export type TestCredentials =
  | { readonly certPem: string; readonly keyPem: string }
  | { readonly token: string }
  | { readonly exec: Record<string, unknown> };

export interface TestContext {
  readonly name: string;
  readonly server: string;
  /** Omitted: the cluster entry gets no CA, for tests of TLS failures. */
  readonly caPem?: string;
  readonly credentials: TestCredentials;
  readonly namespace?: string;
  /** Cluster and user entry names; default `<name>-cluster`, `<name>-user`. */
  readonly clusterName?: string;
  readonly userName?: string;
}

export function kubeconfigDocument(
  contexts: readonly TestContext[],
  currentContext: string | undefined = contexts[0]?.name,
): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: contexts.map((c) => ({
      name: c.clusterName ?? `${c.name}-cluster`,
      cluster: {
        server: c.server,
        ...(c.caPem === undefined
          ? {}
          : { 'certificate-authority-data': Buffer.from(c.caPem).toString('base64') }),
      },
    })),
    users: contexts.map((c) => ({
      name: c.userName ?? `${c.name}-user`,
      user: userEntry(c.credentials),
    })),
    contexts: contexts.map((c) => ({
      name: c.name,
      context: {
        cluster: c.clusterName ?? `${c.name}-cluster`,
        user: c.userName ?? `${c.name}-user`,
        ...(c.namespace === undefined ? {} : { namespace: c.namespace }),
      },
    })),
    ...(currentContext === undefined ? {} : { 'current-context': currentContext }),
  };
}

export async function writeKubeconfig(
  path: string,
  contexts: readonly TestContext[],
  currentContext?: string,
): Promise<string> {
  await writeFile(path, stringify(kubeconfigDocument(contexts, currentContext)), { mode: 0o600 });
  return path;
}

function userEntry(credentials: TestCredentials): Record<string, unknown> {
  if ('token' in credentials) return { token: credentials.token };
  if ('exec' in credentials) return { exec: credentials.exec };
  return {
    'client-certificate-data': Buffer.from(credentials.certPem).toString('base64'),
    'client-key-data': Buffer.from(credentials.keyPem).toString('base64'),
  };
}
