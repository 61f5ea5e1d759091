// The flags and the environment → a cluster session (usecases/cluster-session.ts) for `status`,
// `explain` and live `fix`, with a progress line on a terminal and the registry client built from
// the registry flags after each snapshot (so the Pods' pull secrets come before the docker config).

import { openClusterSession, type ClusterSession } from '../usecases/cluster-session.ts';
import { connectionSettings, type ClusterCliOptions } from './cluster-options.ts';
import type { CliIo } from './io.ts';
import { createRegistryClientFromOptions, type RegistryCliOptions } from './registry-options.ts';

export interface CliSession extends ClusterSession {
  /** The namespace in scope, or undefined for all namespaces (-A). */
  readonly namespace: string | undefined;
  /** Clears the progress line; call before printing results. */
  clearProgress(): void;
}

export async function openCliSession(
  options: ClusterCliOptions & RegistryCliOptions,
  io: CliIo,
): Promise<CliSession> {
  const progress = progressReporter(io);
  const session = await openClusterSession({
    cluster: connectionSettings(options, io),
    openRegistry: async (pullSecrets) => {
      const client = await createRegistryClientFromOptions(options, io, pullSecrets);
      return { resolver: client.resolver, close: () => client.close() };
    },
    warn: (message) => void io.stderr.write(`warning: ${message}\n`),
    progress,
  });
  return {
    ...session,
    namespace: options.allNamespaces === true ? undefined : session.target.namespace,
    clearProgress: () => progress.done(),
    close: async () => {
      progress.done();
      await session.close();
    },
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
