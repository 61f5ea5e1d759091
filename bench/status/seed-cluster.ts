// Seeds a real control plane for bench/status: Nodes with node.status.images, Deployments with
// their ReplicaSets and Pods (created as the controllers would, without running them), and Pod
// statuses as a kubelet on containerd writes them — some replicas on an old digest of a tag that
// has since moved. Images are real, in a real registry.
import pLimit from 'p-limit';
import type { ControlPlane } from '../../harness/control-plane/control-plane.ts';
import type { TestRegistry } from '../../harness/registry/registry.ts';

export interface SeedPlan {
  readonly tags: number;
  readonly podsPerTag: number;
  readonly namespaces: number;
  readonly nodes: number;
  /** Every n-th tag is moved after its Pods started, leaving half its replicas stale. */
  readonly moveEvery: number;
}

export interface Seeded {
  readonly pods: number;
  readonly images: string[];
  readonly staleReplicas: number;
}

export async function seedCluster(
  cp: ControlPlane,
  registry: TestRegistry,
  plan: SeedPlan,
): Promise<Seeded> {
  const limit = pLimit(16);
  const images: Array<{
    repo: string;
    tag: string;
    image: string;
    first: string;
    current: string;
    ns: string;
    name: string;
    rsUid: string;
  }> = [];
  for (let i = 0; i < plan.tags; i++) {
    const repo = `bench/svc-${i % 50}`;
    const tag = `t${i}`;
    const first = (await registry.pusher.pushImage(repo, tag)).digest;
    images.push({
      repo,
      tag,
      image: `${registry.host}/${repo}:${tag}`,
      first,
      current: first,
      ns: `team-${i % plan.namespaces}`,
      name: `svc-${i}`,
      rsUid: '',
    });
  }
  for (let n = 0; n < plan.namespaces; n++) await cp.createNamespace(`team-${n}`);
  const nodeNames = Array.from({ length: plan.nodes }, (_, n) => `node-${n}`);
  await Promise.all(
    nodeNames.map((name, n) =>
      limit(() => createNode(cp, name, images.filter((_, i) => i % plan.nodes === n).slice(0, 50))),
    ),
  );
  let pods = 0;
  let staleReplicas = 0;
  await Promise.all(
    images.map((img) =>
      limit(async () => {
        img.rsUid = await createDeployment(cp, img.ns, img.name, img.image, plan.podsPerTag);
      }),
    ),
  );
  const statusWrites: Array<Promise<void>> = [];
  for (const [i, img] of images.entries()) {
    const moved = i % plan.moveEvery === 0;
    if (moved) img.current = (await registry.pusher.pushImage(img.repo, img.tag)).digest;
    for (let r = 0; r < plan.podsPerTag; r++) {
      const running = moved && r % 2 === 0 ? img.first : img.current;
      if (running !== img.current) staleReplicas++;
      const node = nodeNames[(i + r) % nodeNames.length] ?? 'node-0';
      pods++;
      statusWrites.push(
        limit(() =>
          createRunningPod(cp, {
            ns: img.ns,
            name: `${img.name}-${r}`,
            app: img.name,
            rsUid: img.rsUid,
            image: img.image,
            node,
            digest: running,
          }),
        ),
      );
    }
  }
  await Promise.all(statusWrites);
  return { pods, images: images.map((i) => i.image), staleReplicas };
}

async function createNode(
  cp: ControlPlane,
  name: string,
  cached: ReadonlyArray<{ image: string; first: string }>,
): Promise<void> {
  await cp.admin.create('/api/v1/nodes', {
    metadata: { name, labels: { 'kubernetes.io/hostname': name } },
  });
  const images = cached.map((c) => ({
    names: [`${c.image.split(':t')[0]}@${c.first}`, c.image],
    sizeBytes: 1_000_000,
  }));
  await cp.admin.patch(`/api/v1/nodes/${name}/status`, {
    status: {
      nodeInfo: {
        architecture: 'amd64',
        operatingSystem: 'linux',
        kubeletVersion: 'v1.35.4',
        containerRuntimeVersion: 'containerd://1.6.20',
      },
      images,
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'ok' }],
    },
  });
}

/** A Deployment and the ReplicaSet the controller would make; returns the ReplicaSet's uid. */
async function createDeployment(
  cp: ControlPlane,
  ns: string,
  name: string,
  image: string,
  replicas: number,
): Promise<string> {
  const labels = { app: name };
  const template = { metadata: { labels }, spec: { containers: [{ name: 'app', image }] } };
  const deploy = await cp.admin.create<{ metadata: { uid: string } }>(
    `/apis/apps/v1/namespaces/${ns}/deployments`,
    { metadata: { name, labels }, spec: { replicas, selector: { matchLabels: labels }, template } },
  );
  const rs = await cp.admin.create<{ metadata: { uid: string } }>(
    `/apis/apps/v1/namespaces/${ns}/replicasets`,
    {
      metadata: {
        name: `${name}-rs`,
        labels,
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            name,
            uid: deploy.metadata.uid,
            controller: true,
          },
        ],
      },
      spec: { replicas, selector: { matchLabels: labels }, template },
    },
  );
  return rs.metadata.uid;
}

interface RunningPod {
  readonly ns: string;
  readonly name: string;
  readonly app: string;
  readonly rsUid: string;
  readonly image: string;
  readonly node: string;
  readonly digest: string;
}

async function createRunningPod(cp: ControlPlane, pod: RunningPod): Promise<void> {
  await cp.admin.create(`/api/v1/namespaces/${pod.ns}/pods`, {
    metadata: {
      name: pod.name,
      labels: { app: pod.app },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: `${pod.app}-rs`,
          uid: pod.rsUid,
          controller: true,
        },
      ],
    },
    spec: { nodeName: pod.node, containers: [{ name: 'app', image: pod.image }] },
  });
  const repository = pod.image.slice(0, pod.image.lastIndexOf(':'));
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  await cp.admin.patch(`/api/v1/namespaces/${pod.ns}/pods/${pod.name}/status`, {
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [
        {
          name: 'app',
          image: pod.image,
          imageID: `${repository}@${pod.digest}`,
          containerID: `containerd://${pod.name}`,
          ready: true,
          restartCount: 0,
          started: true,
          state: { running: { startedAt: now } },
        },
      ],
    },
  });
}
