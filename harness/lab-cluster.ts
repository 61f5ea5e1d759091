// Everything the lab runs: a real registry and a real control plane on loopback, and the stand-in
// kubelets. Prerequisites come from a kube-fresh checkout: Debian's docker-registry and the
// control-plane binaries built by scripts/install-test-deps.sh.
import { EnvironmentError } from '../src/core/errors.ts';
import { startControlPlane, type ControlPlane } from './control-plane/control-plane.ts';
import { LabKubelets } from './lab-kubelets.ts';
import { startRegistry, type TestRegistry } from './registry/registry.ts';

export interface LabCluster {
  readonly cp: ControlPlane;
  readonly registry: TestRegistry;
  readonly kubelets: LabKubelets;
  readonly namespace: string;
  /** Pushes a new image under `repository:tag` (a new digest every time) and returns its digest. */
  push(repository: string, tag: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startLabCluster(namespace: string): Promise<LabCluster> {
  // Both start together; if one fails, the other is stopped, or its processes would keep us alive.
  const [cpResult, registryResult] = await Promise.allSettled([
    startControlPlane(),
    startRegistry('plain'),
  ]);
  if (cpResult.status === 'rejected' || registryResult.status === 'rejected') {
    const failed =
      cpResult.status === 'rejected' ? cpResult : (registryResult as PromiseRejectedResult);
    await Promise.all([
      cpResult.status === 'fulfilled' ? cpResult.value.stop() : undefined,
      registryResult.status === 'fulfilled' ? registryResult.value.stop() : undefined,
    ]);
    const reason: unknown = failed.reason;
    throw new EnvironmentError(
      `the lab could not start: ${reason instanceof Error ? reason.message : String(reason)}`,
      {
        cause: reason,
        hint: 'the lab runs from a kube-fresh checkout: run "bash scripts/install-test-deps.sh" once (Debian docker-registry, the Go-built control plane)',
      },
    );
  }
  const cp = cpResult.value;
  const started = { cp, registry: registryResult.value };
  await cp.createNamespace(namespace);
  const kubelets = new LabKubelets(cp, namespace);
  kubelets.start();
  return {
    ...started,
    kubelets,
    namespace,
    push: async (repository, tag) => {
      const pushed = await started.registry.pusher.pushImage(repository, tag);
      kubelets.mirror.push(`${started.registry.host}/${repository}:${tag}`, {
        digest: pushed.digest,
        configDigest: pushed.configDigest,
        sizeBytes: 7_340_032,
      });
      return pushed.digest;
    },
    stop: async () => {
      await kubelets.stop();
      await started.registry.pusher.close();
      await Promise.all([started.cp.stop(), started.registry.stop()]);
    },
  };
}
