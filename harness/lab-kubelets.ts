// The lab's kubelets: stand-in nodes that follow the real image-manager rules (policy × node
// cache, semantics doc §2), driven by a small sync loop as a kubelet is: start every Pod the
// scheduler binds to a node, and finish the deletion of Pods a controller deletes (a kubelet
// confirms a graceful deletion once the containers stopped; without that a rollout never ends).
import type { ControlPlane } from './control-plane/control-plane.ts';
import { FakeRegistryState } from './kubelet/fake-registry-state.ts';
import { FakeNodeRuntime } from './kubelet/kubelet-standin.ts';
import type { KubeObject } from './kubelet/kube-admin-client.ts';

type PodListItem = KubeObject & {
  metadata: { name: string; namespace: string; uid: string; deletionTimestamp?: string };
  spec: { nodeName?: string };
};

const SYNC_MS = 200;

export class LabKubelets {
  readonly mirror = new FakeRegistryState();
  readonly nodes = new Map<string, FakeNodeRuntime>();
  readonly #started = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #syncing: Promise<void> | undefined;
  #error: unknown;

  constructor(
    private readonly cp: ControlPlane,
    private readonly namespace: string,
  ) {}

  async addNode(name: string): Promise<FakeNodeRuntime> {
    const node = await FakeNodeRuntime.register(this.cp, {
      name,
      registry: this.mirror.lookup,
      simulatedPullMs: 1_800,
    });
    this.nodes.set(name, node);
    return node;
  }

  start(): void {
    this.#timer = setInterval(() => {
      this.#syncing ??= this.sync()
        .catch((error: unknown) => {
          this.#error = error;
        })
        .finally(() => (this.#syncing = undefined));
    }, SYNC_MS);
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#syncing;
  }

  /** Waits until every Pod of the namespace runs on a lab node and none is being deleted. */
  async settle(expectedPods: number, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.#error !== undefined) {
        throw this.#error instanceof Error
          ? this.#error
          : new Error('a lab kubelet failed', { cause: this.#error });
      }
      const pods = await this.pods();
      const running = pods.filter(
        (p) => p.metadata.deletionTimestamp === undefined && this.#started.has(p.metadata.uid),
      );
      if (running.length === expectedPods && running.length === pods.length) return;
      if (Date.now() > deadline)
        throw new Error(
          `the lab's ${expectedPods} Pods did not settle within ${timeoutMs / 1000} s (${running.length} running, ${pods.length} in all)`,
        );
      await new Promise((resolve) => setTimeout(resolve, SYNC_MS));
    }
  }

  private async sync(): Promise<void> {
    for (const pod of await this.pods()) {
      const node = pod.spec.nodeName === undefined ? undefined : this.nodes.get(pod.spec.nodeName);
      if (node === undefined) continue;
      if (pod.metadata.deletionTimestamp !== undefined) {
        await this.cp.admin
          .request(
            'DELETE',
            `/api/v1/namespaces/${this.namespace}/pods/${pod.metadata.name}?gracePeriodSeconds=0`,
          )
          .catch(() => undefined);
        continue;
      }
      if (this.#started.has(pod.metadata.uid)) continue;
      this.#started.add(pod.metadata.uid);
      await node.startPod(this.namespace, pod.metadata.name);
    }
  }

  private pods(): Promise<PodListItem[]> {
    return this.cp.admin.listAll<PodListItem>(`/api/v1/namespaces/${this.namespace}/pods`);
  }
}
