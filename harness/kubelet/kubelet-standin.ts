// A stand-in kubelet + container runtime for one Node, writing exactly what real ones report
// (semantics doc §2–§4): the image manager's pull/cached decision (kubeletImageAction from
// src/core/pull-policy.ts) against the node's own image cache, Pulling/Pulled/"already present"
// Events, containerStatuses in containerd or CRI-O form, node.status.images. Usage:
//
//   const registry = new FakeRegistryState();
//   registry.push('nginx:1.27', fakeRegistryImage('v1'));
//   const node = await FakeNodeRuntime.register(controlPlane, { name: 'n1', registry: registry.lookup });
//   await node.startPod('default', 'web-1');          // pulls v1
//   registry.push('nginx:1.27', fakeRegistryImage('v2'));
//   await node.startPod('default', 'web-2');          // IfNotPresent: cached, still v1
import { FakeImageStore, type RegistryImage } from './fake-image-store.ts';
import type { RegistryLookup } from './fake-registry-state.ts';
import { KubeletEventRecorder, type PodRef } from './kubelet-events.ts';
import { bindPod, readPullPolicy } from './kubelet-pod-api.ts';
import {
  backOffFailedPulls,
  newContainer,
  runContainer,
  type ContainerOutcome,
  type ImageManagerContext,
} from './kubelet-image-manager.ts';
import { apiTime, nodeStatusImages } from './kubelet-messages.ts';
import {
  createNodeObject,
  nodeStatus,
  startLeaseHeartbeat,
  waitUntilSchedulable,
  type ContainerRuntimeName,
  type KubeletHost,
  type NodeIdentity,
} from './kubelet-node.ts';
import { exitedState, renderPodStatus, type PodRecord } from './kubelet-pod-status.ts';

export type { ContainerOutcome } from './kubelet-image-manager.ts';

export interface FakeNodeOptions {
  readonly name: string;
  readonly registry: RegistryLookup;
  readonly architecture?: string;
  readonly operatingSystem?: string;
  readonly runtime?: ContainerRuntimeName;
  readonly kubeletVersion?: string;
  /** KubeletEnsureSecretPulledImages (on by default from v1.35): "… and can be accessed by the pod". */
  readonly ensureSecretPulledImages?: boolean;
  /** nodeStatusMaxImages (default 50). */
  readonly maxImagesInStatus?: number;
  /** Wait until the not-ready taint is gone (default: when a controller-manager runs). */
  readonly waitSchedulable?: boolean;
  /** Pull time to report in Pulled events instead of the (near-zero) real one. */
  readonly simulatedPullMs?: number;
}

let nodeCount = 0;

export class FakeNodeRuntime {
  readonly store = new FakeImageStore();
  readonly #pods = new Map<string, PodRecord>();
  readonly #written = new Map<string, string>();
  readonly #events: KubeletEventRecorder;
  #podCount = 0;

  private constructor(
    private readonly host: KubeletHost,
    readonly identity: NodeIdentity,
    private readonly options: FakeNodeOptions,
    private readonly index: number,
  ) {
    this.#events = new KubeletEventRecorder(host.admin, identity.name);
  }

  get name(): string {
    return this.identity.name;
  }

  static async register(host: KubeletHost, options: FakeNodeOptions): Promise<FakeNodeRuntime> {
    const index = ++nodeCount;
    const identity: NodeIdentity = {
      name: options.name,
      architecture: options.architecture ?? 'amd64',
      operatingSystem: options.operatingSystem ?? 'linux',
      runtime: options.runtime ?? 'containerd',
      kubeletVersion: options.kubeletVersion ?? 'v1.35.4',
      internalIP: `10.88.${index >> 8}.${index & 255}`,
    };
    const node = new FakeNodeRuntime(host, identity, options, index);
    await createNodeObject(host.admin, identity);
    await node.publishNodeStatus();
    const stopHeartbeat = await startLeaseHeartbeat(host.admin, identity.name);
    host.onStop(stopHeartbeat);
    if (options.waitSchedulable ?? host.controllers)
      await waitUntilSchedulable(host.admin, identity.name);
    return node;
  }

  /** An image the node already has (pulled before the test), without Events. */
  async preload(reference: string, image: RegistryImage): Promise<void> {
    this.store.recordPull(reference, image);
    await this.publishNodeStatus();
  }

  /** An image side-loaded without a registry (kind load, ctr import): no repo digest. */
  async importImage(reference: string, image: RegistryImage): Promise<void> {
    this.store.recordImport(reference, image);
    await this.publishNodeStatus();
  }

  /** The kubelet's sync of a new Pod: binds it here if unscheduled, then runs every container. */
  async startPod(namespace: string, name: string): Promise<ContainerOutcome[]> {
    const pod = await bindPod(this.host.admin, namespace, name, this.name);
    const record: PodRecord = {
      namespace,
      name,
      uid: pod.metadata?.uid ?? '',
      podIP: `10.244.${this.index}.${++this.#podCount}`,
      startTime: apiTime(new Date()),
      containers: [],
    };
    this.#pods.set(`${namespace}/${name}`, record);
    const ref: PodRef = {
      namespace,
      name,
      uid: record.uid,
      resourceVersion: pod.metadata?.resourceVersion,
    };
    const outcomes: ContainerOutcome[] = [];
    let initBlocked = false;
    for (const [kind, field] of [
      ['init', 'initContainers'],
      ['regular', 'containers'],
      ['ephemeral', 'ephemeralContainers'],
    ] as const) {
      for (const spec of pod.spec?.[field] ?? []) {
        const container = newContainer(kind, spec);
        record.containers.push(container);
        if (initBlocked && kind !== 'ephemeral') {
          container.state = { waiting: { reason: 'PodInitializing' } };
          continue;
        }
        const outcome = await runContainer(this.#context(), ref, container, spec.imagePullPolicy);
        outcomes.push(outcome);
        if (kind === 'init' && outcome.error !== undefined) initBlocked = true;
      }
    }
    await this.#afterSync(record, outcomes);
    return outcomes;
  }

  /** A container exited and the kubelet starts it again: the image manager runs again (§2.1). */
  async restartContainer(
    namespace: string,
    name: string,
    containerName: string,
  ): Promise<ContainerOutcome> {
    const record = this.#record(namespace, name);
    const container = record.containers.find((c) => c.name === containerName);
    if (container === undefined)
      throw new Error(`pod ${namespace}/${name} has no container ${containerName}`);
    container.lastState = exitedState(container);
    container.restartCount++;
    const policy = await readPullPolicy(this.host.admin, record, container.name);
    const ref = { namespace, name, uid: record.uid };
    const outcome = await runContainer(this.#context(), ref, container, policy);
    await this.#afterSync(record, [outcome]);
    return outcome;
  }

  /** The next sync inside the back-off window after a failed pull: ImagePullBackOff (§2.4–2.5). */
  async backOff(namespace: string, name: string): Promise<void> {
    const record = this.#record(namespace, name);
    await backOffFailedPulls(this.#context(), record);
    await this.#writeStatus(record);
  }

  async publishNodeStatus(): Promise<void> {
    const images = nodeStatusImages(this.store.list(), this.options.maxImagesInStatus ?? 50);
    await this.host.admin.patch(`/api/v1/nodes/${this.name}/status`, {
      status: nodeStatus(this.identity, images, new Date()),
    });
  }

  /** Writes this Pod's status and, when a pull moved a tag, every other Pod's on the node. */
  async #afterSync(record: PodRecord, outcomes: readonly ContainerOutcome[]): Promise<void> {
    await this.#writeStatus(record);
    if (!outcomes.some((o) => o.pulled !== undefined)) return;
    await this.publishNodeStatus();
    for (const other of this.#pods.values()) if (other !== record) await this.#writeStatus(other);
  }

  async #writeStatus(record: PodRecord): Promise<void> {
    const key = `${record.namespace}/${record.name}`;
    const status = renderPodStatus(record, {
      runtime: this.identity.runtime,
      hostIP: this.identity.internalIP,
      image: (id) => this.store.byId(id),
      now: apiTime(new Date()),
    });
    const comparable = JSON.stringify({ ...status, conditions: undefined });
    if (this.#written.get(key) === comparable) return; // the status manager skips unchanged statuses
    await this.host.admin.patch(
      `/api/v1/namespaces/${record.namespace}/pods/${record.name}/status`,
      { status },
    );
    this.#written.set(key, comparable);
  }

  #context(): ImageManagerContext {
    return {
      store: this.store,
      registry: this.options.registry,
      events: this.#events,
      runtime: this.identity.runtime,
      verifiedPresence: this.options.ensureSecretPulledImages ?? true,
      simulatedPullMs: this.options.simulatedPullMs,
    };
  }

  #record(namespace: string, name: string): PodRecord {
    const record = this.#pods.get(`${namespace}/${name}`);
    if (record === undefined)
      throw new Error(`pod ${namespace}/${name} was not started on ${this.name}`);
    return record;
  }
}
