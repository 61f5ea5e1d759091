// One session for every flow that reads a cluster — status, explain, live fix, and the controller
// to come: one cluster connection (reader and writer over one API client), and the registry opened
// per snapshot, with the Pods' pull secrets asked before the caller's own credentials.

import { connectCluster, type ConnectionSettings } from '../cluster/connection/connect-cluster.ts';
import type { ClusterTarget } from '../cluster/cluster-error.ts';
import type { CredentialProvider } from '../registry/credentials/credential.ts';
import { keyringFromPullSecrets } from '../registry/credentials/pull-secret-keyring.ts';
import type { CheckDeps, RegistryAccess } from './check-workloads.ts';
import type { ExplainDeps } from './explain/explain-workload.ts';
import type { FixDeps } from './fix-live/fix-live.ts';

export interface ClusterSessionOptions {
  readonly cluster: ConnectionSettings;
  /** Opens the registry client for one snapshot; `pullSecrets` must be asked first. */
  readonly openRegistry: (pullSecrets: CredentialProvider) => Promise<RegistryAccess>;
  /** Unusable pull secrets and the like: the run goes on without them. */
  readonly warn: (message: string) => void;
  readonly progress?: ((message: string) => void) | undefined;
}

export interface ClusterSession {
  readonly target: ClusterTarget;
  /** For checkWorkloads (`status`). */
  readonly check: CheckDeps;
  /** For explainWorkload: the check plus the workload object (its template's pull policy). */
  readonly explain: ExplainDeps;
  /** For planFixes / applyFixes: the check plus the writer. */
  readonly fix: FixDeps;
  close(): Promise<void>;
}

export async function openClusterSession(options: ClusterSessionOptions): Promise<ClusterSession> {
  const connection = await connectCluster(options.cluster);
  const check: CheckDeps = {
    reader: connection.reader,
    ...(options.progress === undefined ? {} : { progress: options.progress }),
    openRegistry: async (snapshot) => {
      const { provider, warnings } = keyringFromPullSecrets(snapshot.pullSecrets);
      for (const warning of warnings) options.warn(warning);
      return options.openRegistry(provider);
    },
  };
  const { writer } = connection;
  return {
    target: connection.target,
    check,
    explain: { ...check, readWorkload: (ref) => writer.getWorkload(ref) },
    fix: { check, writer },
    close: () => connection.close(),
  };
}
