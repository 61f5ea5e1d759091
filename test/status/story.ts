// The stale-image story on a real control plane and a real registry, with stand-in kubelets that
// follow the image-manager rules: shared by the status/explain tests (and the same steps the lab
// replays). Images are pushed to the real registry and mirrored into the stand-ins' registry view.
import { labDeployment } from '../../harness/lab-deployment.ts';
import type { ControlPlane } from '../../harness/control-plane/control-plane.ts';
import { FakeRegistryState } from '../../harness/kubelet/fake-registry-state.ts';
import type { PushedManifest } from '../../harness/registry/image-pusher.ts';
import { FakeNodeRuntime } from '../../harness/kubelet/kubelet-standin.ts';
import type { TestRegistry } from '../../harness/registry/registry.ts';

export interface Story {
  readonly mirror: FakeRegistryState;
  readonly nodes: Map<string, FakeNodeRuntime>;
  push(repository: string, tag: string): Promise<PushedManifest>;
  addNode(name: string, runtime?: 'containerd' | 'cri-o'): Promise<FakeNodeRuntime>;
  /** Starts every Pod of the namespace that the scheduler bound to a stand-in node and that has not run yet. */
  runScheduledPods(namespace: string, expected: number): Promise<string[]>;
}

export function tellStory(cp: ControlPlane, registry: TestRegistry): Story {
  const mirror = new FakeRegistryState();
  const nodes = new Map<string, FakeNodeRuntime>();
  const started = new Set<string>();
  return {
    mirror,
    nodes,
    push: async (repository, tag) => {
      const pushed = await registry.pusher.pushImage(repository, tag);
      mirror.push(`${registry.host}/${repository}:${tag}`, {
        digest: pushed.digest,
        configDigest: pushed.configDigest,
        sizeBytes: 1_000_000,
      });
      return pushed;
    },
    addNode: async (name, runtime = 'containerd') => {
      const node = await FakeNodeRuntime.register(cp, { name, registry: mirror.lookup, runtime });
      nodes.set(name, node);
      return node;
    },
    runScheduledPods: async (namespace, expected) => {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const pods = await cp.admin.listAll<{
          metadata: { name: string };
          spec: { nodeName?: string };
        }>(`/api/v1/namespaces/${namespace}/pods`);
        const bound = pods.filter(
          (p) => p.spec.nodeName !== undefined && nodes.has(p.spec.nodeName),
        );
        if (bound.length >= expected) {
          const fresh = bound.filter((p) => !started.has(`${namespace}/${p.metadata.name}`));
          for (const pod of fresh) {
            started.add(`${namespace}/${pod.metadata.name}`);
            await nodes.get(pod.spec.nodeName ?? '')?.startPod(namespace, pod.metadata.name);
          }
          return fresh.map((p) => p.metadata.name);
        }
        if (Date.now() > deadline)
          throw new Error(
            `only ${bound.length} of ${expected} pods in ${namespace} were scheduled within 30 s`,
          );
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
  };
}

/** A Deployment whose replicas must land on different nodes, so the story is deterministic. */
export function spreadDeployment(
  namespace: string,
  name: string,
  image: string,
  replicas: number,
  pullPolicy?: string,
): unknown {
  return labDeployment({
    namespace,
    name,
    image,
    replicas,
    containerName: 'app',
    ...(pullPolicy === undefined ? {} : { pullPolicy }),
  });
}
