// What `status` and `explain` need: a connected cluster reader, and a registry client built after
// the snapshot so that the Pods' pull secrets come before the local docker config.

import { keyringFromPullSecrets } from '../registry/credentials/pull-secret-keyring.ts';
import type { CheckDeps } from '../usecases/check-workloads.ts';
import {
  connectClusterFromOptions,
  type ClusterCliOptions,
  type ClusterConnection,
} from './cluster-options.ts';
import type { CliIo } from './io.ts';
import { createRegistryClientFromOptions, type RegistryCliOptions } from './registry-options.ts';

export interface WorkloadCheck {
  readonly connection: ClusterConnection;
  readonly deps: CheckDeps;
  /** Clears the progress line; call before printing results. */
  clearProgress(): void;
  close(): Promise<void>;
}

export async function openWorkloadCheck(
  options: ClusterCliOptions & RegistryCliOptions,
  io: CliIo,
): Promise<WorkloadCheck> {
  const connection = await connectClusterFromOptions(options, io);
  const progress = progressReporter(io);
  const deps: CheckDeps = {
    reader: connection.reader,
    progress,
    openRegistry: registryOpener(options, io),
  };
  return {
    connection,
    deps,
    clearProgress: () => progress.done(),
    close: async () => {
      progress.done();
      await connection.reader.close();
    },
  };
}

/** Opens the registry client for a snapshot: its Pods' pull secrets first, then the docker config. */
export function registryOpener(options: RegistryCliOptions, io: CliIo): CheckDeps['openRegistry'] {
  return async (snapshot) => {
    const { provider, warnings } = keyringFromPullSecrets(snapshot.pullSecrets);
    for (const warning of warnings) io.stderr.write(`warning: ${warning}\n`);
    const client = await createRegistryClientFromOptions(options, io, provider);
    return { resolver: client.resolver, close: () => client.close() };
  };
}

/** One updating line on stderr, only when stderr is a terminal. */
export function progressReporter(io: CliIo): ((message: string) => void) & { done(): void } {
  let shown = false;
  const report = (message: string): void => {
    if (io.stderr.isTTY !== true) return;
    io.stderr.write(`\r\u001b[2K${message}…`);
    shown = true;
  };
  return Object.assign(report, {
    done: (): void => {
      if (shown) io.stderr.write('\r\u001b[2K');
      shown = false;
    },
  });
}
