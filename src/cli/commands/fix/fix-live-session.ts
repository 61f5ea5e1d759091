// What live `fix` needs: one cluster connection serving both the reader (for the status check) and
// the writer (for the patches), and a registry client built after the snapshot so the Pods' pull
// secrets come first. The same wiring as workload-check-deps.ts, over a connection that can write.

import { connectClusterReadWrite } from '../../../cluster/connection/connect-cluster-writer.ts';
import type { FixDeps } from '../../../usecases/fix-live/fix-live.ts';
import { connectionSettings, type ClusterCliOptions } from '../../cluster-options.ts';
import type { CliIo } from '../../io.ts';
import type { RegistryCliOptions } from '../../registry-flags.ts';
import { progressReporter, registryOpener } from '../../workload-check-deps.ts';

export interface FixSession {
  readonly deps: FixDeps;
  /** The namespace in scope, or undefined for all namespaces (-A). */
  readonly namespace: string | undefined;
  /** Clears the progress line; call before printing. */
  clearProgress(): void;
  close(): Promise<void>;
}

export async function openFixSession(
  options: ClusterCliOptions & RegistryCliOptions,
  io: CliIo,
): Promise<FixSession> {
  const { reader, writer } = await connectClusterReadWrite(connectionSettings(options, io));
  const progress = progressReporter(io);
  return {
    deps: { writer, check: { reader, progress, openRegistry: registryOpener(options, io) } },
    namespace: options.allNamespaces === true ? undefined : reader.target.namespace,
    clearProgress: () => progress.done(),
    close: async () => {
      progress.done();
      await reader.close();
    },
  };
}
