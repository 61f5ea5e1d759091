// The library's `status`: the workloads of a cluster, judged, over a kubeconfig (kubectl's loading
// rules: --kubeconfig, $KUBECONFIG, ~/.kube/config, in-cluster).

import { UsageError } from '../core/errors.ts';
import { parseWorkloadArgument } from '../core/workload-kinds.ts';
import type { StatusReport } from '../usecases/check-workloads.ts';
import { libraryIo } from './library-io.ts';
import type { RegistryClientOptions } from './registry-client.ts';

export interface CheckWorkloadsOptions extends RegistryClientOptions {
  readonly kubeconfig?: string;
  readonly context?: string;
  /** Default: the context's namespace. */
  readonly namespace?: string;
  readonly allNamespaces?: boolean;
  /** A label selector, as kubectl takes it. */
  readonly labelSelector?: string;
  /** `deploy/web`, `sts/db`, … (default: every workload in scope). */
  readonly workloads?: readonly string[];
  /** Per API request, as kubectl's --request-timeout (default `30s`). */
  readonly requestTimeout?: string;
}

export type { StatusReport };

/** Reads the cluster once, asks each registry once per tag, and returns the verdicts. */
export async function checkWorkloads(options: CheckWorkloadsOptions = {}): Promise<StatusReport> {
  const workloads = (options.workloads ?? []).map((text) => {
    const parsed = parseWorkloadArgument(text);
    if (!parsed.ok) throw new UsageError(parsed.message);
    return parsed.selector;
  });
  // Loaded on demand: @kubernetes/client-node costs ~400 ms to import.
  const { openCliSession } = await import('../cli/cli-session.ts');
  const { checkWorkloads: check } = await import('../usecases/check-workloads.ts');
  const session = await openCliSession(
    {
      kubeconfig: options.kubeconfig,
      context: options.context,
      namespace: options.namespace,
      allNamespaces: options.allNamespaces === true ? true : undefined,
      requestTimeout: options.requestTimeout,
      dockerConfig: options.dockerConfig,
      insecureRegistry: options.insecureRegistries,
      registryCa: options.registryCaFiles,
      registryTimeout: String(options.timeoutSeconds ?? 20),
    },
    libraryIo(options),
  );
  try {
    return await check(session.check, {
      namespace: session.namespace,
      labelSelector: options.labelSelector,
      workloads: workloads.length > 0 ? workloads : undefined,
    });
  } finally {
    await session.close();
  }
}
