// Registering a Node the way a kubelet does, without a kubelet: the Node object with the
// well-known labels, its status through the status subresource (Ready, capacity with `pods`,
// nodeInfo with the platform, addresses, images), and a Lease in kube-node-lease renewed every
// 10 s so the node-lifecycle controller keeps the node Ready (it marks nodes Unknown after 50 s).
import type { KubeAdminClient } from './kube-admin-client.ts';
import { isApiStatus } from './kube-admin-client.ts';
import { waitUntil } from '../control-plane/control-plane-processes.ts';
import { apiMicroTime, apiTime } from './kubelet-messages.ts';

export interface KubeletHost {
  readonly admin: KubeAdminClient;
  /** True when a controller-manager runs (it removes the not-ready taint). */
  readonly controllers: boolean;
  onStop(cleanup: () => void | Promise<void>): void;
}

export type ContainerRuntimeName = 'containerd' | 'cri-o';

export interface NodeIdentity {
  readonly name: string;
  readonly architecture: string;
  readonly operatingSystem: string;
  readonly runtime: ContainerRuntimeName;
  readonly kubeletVersion: string;
  readonly internalIP: string;
}

const RUNTIME_VERSIONS: Readonly<Record<ContainerRuntimeName, string>> = {
  containerd: 'containerd://1.7.27',
  'cri-o': 'cri-o://1.35.0',
};
const LEASE_RENEW_MS = 10_000;

export async function createNodeObject(admin: KubeAdminClient, node: NodeIdentity): Promise<void> {
  await admin.create('/api/v1/nodes', {
    metadata: {
      name: node.name,
      labels: {
        'kubernetes.io/hostname': node.name,
        'kubernetes.io/os': node.operatingSystem,
        'kubernetes.io/arch': node.architecture,
        'beta.kubernetes.io/os': node.operatingSystem,
        'beta.kubernetes.io/arch': node.architecture,
      },
    },
  });
}

/** The full status a kubelet posts; `images` comes from nodeStatusImages(). */
export function nodeStatus(
  node: NodeIdentity,
  images: readonly { names: string[]; sizeBytes: number }[],
  now: Date,
): Record<string, unknown> {
  const at = apiTime(now);
  const condition = (type: string, status: string, reason: string, message: string) => ({
    type,
    status,
    reason,
    message,
    lastHeartbeatTime: at,
    lastTransitionTime: at,
  });
  const resources = { cpu: '8', memory: '32Gi', pods: '110', 'ephemeral-storage': '100Gi' };
  return {
    capacity: resources,
    allocatable: resources,
    conditions: [
      condition(
        'MemoryPressure',
        'False',
        'KubeletHasSufficientMemory',
        'kubelet has sufficient memory available',
      ),
      condition(
        'DiskPressure',
        'False',
        'KubeletHasNoDiskPressure',
        'kubelet has no disk pressure',
      ),
      condition(
        'PIDPressure',
        'False',
        'KubeletHasSufficientPID',
        'kubelet has sufficient PID available',
      ),
      condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
    ],
    addresses: [
      { type: 'InternalIP', address: node.internalIP },
      { type: 'Hostname', address: node.name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      machineID: '',
      systemUUID: '',
      bootID: '',
      kernelVersion: '6.1.0-kube-fresh',
      osImage: 'Debian GNU/Linux 12 (bookworm)',
      containerRuntimeVersion: RUNTIME_VERSIONS[node.runtime],
      kubeletVersion: node.kubeletVersion,
      kubeProxyVersion: '',
      operatingSystem: node.operatingSystem,
      architecture: node.architecture,
    },
    images,
  };
}

/** Creates or renews the node's Lease; returns a stop function for the renew timer. */
export async function startLeaseHeartbeat(
  admin: KubeAdminClient,
  nodeName: string,
): Promise<() => void> {
  const path = `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/${nodeName}`;
  const spec = () => ({
    holderIdentity: nodeName,
    leaseDurationSeconds: 40,
    renewTime: apiMicroTime(new Date()),
  });
  await admin.create('/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', {
    metadata: { name: nodeName, namespace: 'kube-node-lease' },
    spec: spec(),
  });
  let stopped = false;
  const timer = setInterval(() => {
    admin.patch(path, { spec: spec() }).catch((error: unknown) => {
      // After stop() or teardown the API server may be gone; nothing to renew then.
      if (!stopped && !isApiStatus(error, 404))
        process.emitWarning(`lease renew for ${nodeName} failed: ${String(error)}`);
    });
  }, LEASE_RENEW_MS);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}

/**
 * TaintNodesByCondition gives every new Node `node.kubernetes.io/not-ready:NoSchedule`; the
 * node-lifecycle controller removes it once Ready=True is seen (about 5 s in the smoke test).
 */
export async function waitUntilSchedulable(
  admin: KubeAdminClient,
  nodeName: string,
  timeoutMs = 60_000,
): Promise<void> {
  await waitUntil(
    `the node-lifecycle controller to remove the not-ready taint from ${nodeName}`,
    async () => {
      const node = await admin.get<{ spec?: { taints?: { key: string }[] } }>(
        `/api/v1/nodes/${nodeName}`,
      );
      return !(node.spec?.taints ?? []).some((t) => t.key === 'node.kubernetes.io/not-ready');
    },
    { timeoutMs, intervalMs: 200 },
  );
}
