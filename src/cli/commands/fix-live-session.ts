// What live `fix` needs: one cluster connection serving both the reader (for the status check) and
// the writer (for the patches), and a registry client built after the snapshot so the Pods' pull
// secrets come first. The same wiring as workload-check-deps.ts, over a connection that can write.

import { UsageError } from '../../core/errors.ts';
import { connectClusterReadWrite } from '../../cluster/connect-cluster-writer.ts';
import { keyringFromPullSecrets } from '../../registry/credentials/pull-secret-keyring.ts';
import type { FixDeps } from '../../usecases/fix-workloads.ts';
import { parseRequestTimeout, type ClusterCliOptions } from '../cluster-options.ts';
import type { CliIo } from '../io.ts';
import { createRegistryClientFromOptions, type RegistryCliOptions } from '../registry-options.ts';

export interface FixSession {
  readonly deps: FixDeps;
  /** The namespace in scope, or undefined for all namespaces (-A). */
  readonly namespace: string | undefined;
  /** Clears the progress line; call before printing. */
  clearProgress(): void;
  close(): Promise<void>;
}

const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export async function openFixSession(
  options: ClusterCliOptions & RegistryCliOptions,
  io: CliIo,
): Promise<FixSession> {
  const { env } = io;
  if (options.namespace !== undefined && !NAMESPACE.test(options.namespace)) {
    throw new UsageError(
      `--namespace takes a namespace name, not ${JSON.stringify(options.namespace)}`,
    );
  }
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  const { reader, writer } = await connectClusterReadWrite({
    sources: {
      kubeconfigFlag: options.kubeconfig,
      kubeconfigEnv: env.KUBECONFIG,
      home: env.HOME,
      inCluster: host && port ? { host, port } : undefined,
    },
    selection: { context: options.context, namespace: options.namespace },
    requestTimeoutMs: parseRequestTimeout(options.requestTimeout ?? '30s'),
    userAgent: 'kube-fresh (+https://github.com/kube-fresh/kube-fresh)',
    env,
  });
  const progress = progressLine(io);
  return {
    deps: {
      writer,
      check: {
        reader,
        progress,
        openRegistry: async (snapshot) => {
          const { provider, warnings } = keyringFromPullSecrets(snapshot.pullSecrets);
          for (const warning of warnings) io.stderr.write(`warning: ${warning}\n`);
          const client = await createRegistryClientFromOptions(options, io, provider);
          return { resolver: client.resolver, close: () => client.close() };
        },
      },
    },
    namespace: options.allNamespaces === true ? undefined : reader.target.namespace,
    clearProgress: () => progress.done(),
    close: async () => {
      progress.done();
      await reader.close();
    },
  };
}

/** One updating line on stderr, only when stderr is a terminal. */
function progressLine(io: CliIo): ((message: string) => void) & { done(): void } {
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
