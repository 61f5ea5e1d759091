// Waiting on what kubelets (real ones or the stand-ins) do, through the API: Pods running, rollouts finished, Events,
// node.status.images. Every wait has a deadline and says, when it runs out, what it saw last.
import type { KubeAdminClient } from './kubelet/kube-admin-client.ts';

export interface ContainerStatusView {
  readonly name: string;
  readonly image: string;
  readonly imageID: string;
  readonly containerID?: string;
  readonly started?: boolean;
  readonly restartCount: number;
  readonly state?: {
    readonly waiting?: { readonly reason?: string; readonly message?: string };
    readonly running?: { readonly startedAt?: string };
  };
}

export interface PodView {
  readonly metadata: {
    readonly name: string;
    readonly uid: string;
    readonly deletionTimestamp?: string;
    readonly creationTimestamp?: string;
  };
  readonly spec: { readonly nodeName?: string; readonly containers: Array<{ image: string }> };
  readonly status?: {
    readonly phase?: string;
    readonly containerStatuses?: readonly ContainerStatusView[];
  };
}

export interface EventView {
  readonly type?: string;
  readonly reason?: string;
  readonly message?: string;
}

/**
 * Polls `probe` every `intervalMs` until it returns a value; throws after `timeoutMs`, naming
 * what was awaited and the last `detail()`.
 */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
  detail?: () => Promise<string>,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      const last = detail === undefined ? '' : `; last seen: ${await detail().catch(String)}`;
      throw new Error(`${what}: not reached within ${timeoutMs / 1000} s${last}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export function listPods(
  admin: KubeAdminClient,
  namespace: string,
  selector?: string,
): Promise<PodView[]> {
  const query = selector === undefined ? '' : `?labelSelector=${encodeURIComponent(selector)}`;
  return admin.listAll<PodView>(`/api/v1/namespaces/${namespace}/pods${query}`);
}

/** Running, with every container started (the kubelet's view, not only the phase). */
export function isRunning(pod: PodView): boolean {
  const statuses = pod.status?.containerStatuses ?? [];
  return (
    pod.metadata.deletionTimestamp === undefined &&
    pod.status?.phase === 'Running' &&
    statuses.length === pod.spec.containers.length &&
    statuses.every((s) => s.started === true && s.state?.running !== undefined)
  );
}

/** Waits until exactly `count` Pods match and all of them run (none is still terminating). */
export async function waitForRunningPods(
  admin: KubeAdminClient,
  namespace: string,
  selector: string,
  count: number,
  timeoutMs = 120_000,
): Promise<PodView[]> {
  return waitFor(
    `${count} running Pods ${selector} in ${namespace}`,
    timeoutMs,
    async () => {
      const pods = await listPods(admin, namespace, selector);
      return pods.length === count && pods.every(isRunning) ? pods : undefined;
    },
    async () => describePods(await listPods(admin, namespace, selector)),
  );
}

/** Waits until one Pod satisfies `ready` (e.g. running, or waiting with a reason). */
export function waitForPod(
  admin: KubeAdminClient,
  namespace: string,
  name: string,
  ready: (pod: PodView) => boolean,
  timeoutMs = 120_000,
): Promise<PodView> {
  const get = (): Promise<PodView> =>
    admin.get<PodView>(`/api/v1/namespaces/${namespace}/pods/${name}`);
  return waitFor(
    `Pod ${namespace}/${name}`,
    timeoutMs,
    async () => {
      const pod = await get();
      return ready(pod) ? pod : undefined;
    },
    async () => describePods([await get()]),
  );
}

interface DeploymentView {
  metadata: { generation?: number };
  spec: { replicas?: number; selector: { matchLabels?: Record<string, string> } };
  status?: {
    observedGeneration?: number;
    replicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
  };
}

/**
 * Waits until a Deployment finished rolling out (as `kubectl rollout status`) and the old Pods
 * are gone: a rollout counts as done while old Pods still terminate, and those still have
 * containers on the nodes. Returns the Pods.
 */
export async function waitForRollout(
  admin: KubeAdminClient,
  namespace: string,
  name: string,
  timeoutMs = 180_000,
): Promise<PodView[]> {
  const path = `/apis/apps/v1/namespaces/${namespace}/deployments/${name}`;
  const started = Date.now();
  const deployment = await waitFor(
    `rollout of deployment ${namespace}/${name}`,
    timeoutMs,
    async () => {
      const d = await admin.get<DeploymentView>(path);
      const want = d.spec.replicas ?? 1;
      const s = d.status ?? {};
      const done =
        (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0) &&
        s.updatedReplicas === want &&
        s.replicas === want &&
        s.availableReplicas === want;
      return done ? d : undefined;
    },
    async () => JSON.stringify((await admin.get<DeploymentView>(path)).status),
  );
  const selector = Object.entries(deployment.spec.selector.matchLabels ?? {})
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
  const left = Math.max(timeoutMs - (Date.now() - started), 1_000);
  return waitForRunningPods(admin, namespace, selector, deployment.spec.replicas ?? 1, left);
}

/** The Events about one Pod, oldest first. */
export async function podEvents(
  admin: KubeAdminClient,
  namespace: string,
  pod: string,
): Promise<EventView[]> {
  const selector = encodeURIComponent(`involvedObject.kind=Pod,involvedObject.name=${pod}`);
  return admin.listAll<EventView>(
    `/api/v1/namespaces/${namespace}/events?fieldSelector=${selector}`,
  );
}

export interface EventQuery {
  readonly namespace: string;
  readonly pod: string;
  readonly reason: string;
  /** A part of the message. */
  readonly text: string;
}

/** Waits for an Event about the Pod with this reason whose message contains `text`. */
export function waitForPodEvent(
  admin: KubeAdminClient,
  query: EventQuery,
  timeoutMs = 30_000,
): Promise<EventView> {
  const { namespace, pod, reason, text } = query;
  return waitFor(
    `Event ${reason} "${text}" on Pod ${namespace}/${pod}`,
    timeoutMs,
    async () =>
      (await podEvents(admin, namespace, pod)).find(
        (e) => e.reason === reason && e.message?.includes(text) === true,
      ),
    async () =>
      (await podEvents(admin, namespace, pod)).map((e) => `${e.reason}: ${e.message}`).join(' | '),
  );
}

interface NodeView {
  status?: { images?: Array<{ names?: string[] }> };
}

export interface CachedImage {
  /** `host:port/path`, as the node lists it. */
  readonly repository: string;
  readonly tag: string;
  readonly digest: string;
}

/**
 * Waits until the node lists `repository:tag` with `repository@digest` in node.status.images.
 * The kubelet re-lists the runtime's images every 30 s and reports them with its node status,
 * so a fresh pull takes up to about 40 s to show there (semantics doc §4.3).
 */
export function waitForNodeImage(
  admin: KubeAdminClient,
  node: string,
  image: CachedImage,
  timeoutMs = 90_000,
): Promise<true> {
  const { repository, tag, digest } = image;
  const images = async (): Promise<string[][]> =>
    ((await admin.get<NodeView>(`/api/v1/nodes/${node}`)).status?.images ?? []).map(
      (i) => i.names ?? [],
    );
  return waitFor(
    `${node} to list ${repository}:${tag} at ${digest} in node.status.images`,
    timeoutMs,
    async () =>
      (await images()).some(
        (names) =>
          names.includes(`${repository}:${tag}`) && names.includes(`${repository}@${digest}`),
      ) || undefined,
    async () => JSON.stringify(await images()),
    1_000,
  );
}

/** Cordons (false) or uncordons (true) a node, as kubectl cordon/uncordon do. */
export async function setSchedulable(
  admin: KubeAdminClient,
  node: string,
  schedulable: boolean,
): Promise<void> {
  await admin.patch(`/api/v1/nodes/${node}`, { spec: { unschedulable: !schedulable } });
}

function describePods(pods: readonly PodView[]): string {
  if (pods.length === 0) return 'no Pods';
  return pods
    .map((p) => {
      const statuses = (p.status?.containerStatuses ?? [])
        .map((s) => s.state?.waiting?.reason ?? (s.started === true ? 'started' : 'not started'))
        .join(',');
      const deleting = p.metadata.deletionTimestamp === undefined ? '' : ' (terminating)';
      return `${p.metadata.name} on ${p.spec.nodeName ?? '-'}: ${p.status?.phase ?? '?'} ${statuses}${deleting}`;
    })
    .join('; ');
}
