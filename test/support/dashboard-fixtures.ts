// Synthetic clusters for the dashboard's unit tests (test-only, like fix-workloads-fixtures.ts):
// Pods of Deployments on stand-in nodes, a resolver that knows one digest per tag, and the
// picture taken from them through the real status flow.

import type { Digest } from '../../src/core/digest.ts';
import {
  effectiveTag,
  referenceName,
  type ImageReference,
} from '../../src/core/image-reference.ts';
import type { ImageResolver, TagResolution } from '../../src/core/image-resolver.ts';
import type {
  SnapshotEvent,
  SnapshotNode,
  SnapshotPod,
  WorkloadRef,
} from '../../src/cluster/read/cluster-snapshot.ts';
import type { FakeClusterReader } from '../../src/cluster/read/fake-cluster-reader.ts';
import { type FakeClusterState } from '../../src/cluster/read/fake-cluster-reader.ts';
import type { LiveWorkload, WorkloadObjectRef } from '../../src/cluster/write/workload-writer.ts';
import { takeSnapshotPicture, type PictureContent } from '../../src/usecases/dashboard-picture.ts';

export const REG = 'reg.test:5000';
export const digestOf = (c: string): Digest => `sha256:${c.repeat(64).slice(0, 64)}` as Digest;
export const V1 = digestOf('1');
export const V2 = digestOf('2');
/** A pull secret's password: it must never appear in any API answer or page. */
export const SECRET = 'hunter2-never-show-me';

/** Knows `tags`: `repo:tag` → digest; everything else is not found. */
export class TagTableResolver implements ImageResolver {
  constructor(readonly tags: Map<string, Digest>) {}
  resolveTag(ref: ImageReference): Promise<TagResolution> {
    const digest = this.tags.get(`${referenceName(ref)}:${effectiveTag(ref) ?? ''}`);
    if (digest === undefined)
      return Promise.resolve({
        ok: false,
        failure: {
          kind: 'not-found',
          registry: ref.domain,
          repository: ref.path,
          message: 'manifest unknown',
        },
      });
    return Promise.resolve({
      ok: true,
      value: {
        digest,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        size: 1,
        credentialSource: { kind: 'pull-secret', detail: 'shop/regcred' },
      },
    });
  }
  platforms(): ReturnType<ImageResolver['platforms']> {
    return Promise.resolve({ ok: true, platforms: [] });
  }
  configDigest(): ReturnType<ImageResolver['configDigest']> {
    return Promise.resolve({ ok: true, configDigest: digestOf('c') });
  }
}

export function deployment(namespace: string, name: string): WorkloadRef {
  return {
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    name,
    namespace,
    uid: `uid-${namespace}-${name}`,
  };
}

export function runningPod(options: {
  workload: WorkloadRef;
  name: string;
  node: string;
  image: string;
  running: Digest;
  policy?: string;
}): SnapshotPod {
  const { workload, name, node, image, running } = options;
  const repo = image.slice(0, image.lastIndexOf(':'));
  return {
    namespace: workload.namespace,
    name,
    uid: `uid-${workload.namespace}-${name}`,
    labels: { app: workload.name },
    createdAt: '2026-11-25T10:00:00Z',
    nodeName: node,
    phase: 'Running',
    serviceAccountName: 'default',
    imagePullSecrets: ['regcred'],
    workload,
    controller: undefined,
    containers: [
      {
        kind: 'regular',
        name: 'app',
        image,
        imagePullPolicy: options.policy ?? 'IfNotPresent',
        restartPolicy: undefined,
        status: {
          image,
          imageID: `${repo}@${running}`,
          containerID: 'containerd://x',
          ready: true,
          started: true,
          restartCount: 0,
          current: {
            state: 'running',
            reason: undefined,
            message: undefined,
            startedAt: '2026-11-25T10:00:05Z',
            finishedAt: undefined,
            exitCode: undefined,
          },
          last: undefined,
        },
      },
    ],
  };
}

export function node(name: string, cached: ReadonlyArray<[string, Digest]>): SnapshotNode {
  return {
    name,
    architecture: 'amd64',
    operatingSystem: 'linux',
    kubeletVersion: 'v1.35.4',
    containerRuntimeVersion: 'containerd://2.1.0',
    ready: true,
    images: cached.map(([tag, digest]) => ({
      names: [`${tag.slice(0, tag.lastIndexOf(':'))}@${digest}`, tag],
      sizeBytes: 1000,
    })),
  };
}

export function pulledEvent(pod: SnapshotPod, message: string): SnapshotEvent {
  return {
    namespace: pod.namespace,
    name: `${pod.name}.1`,
    reason: 'Pulled',
    message,
    type: 'Normal',
    count: 1,
    firstTimestamp: '2026-11-25T10:00:04Z',
    lastTimestamp: '2026-11-25T10:00:04Z',
    eventTime: undefined,
    involvedObject: {
      kind: 'Pod',
      name: pod.name,
      namespace: pod.namespace,
      uid: pod.uid,
      fieldPath: 'spec.containers{app}',
    },
    source: { component: 'kubelet', host: pod.nodeName },
    reportingController: undefined,
    reportingInstance: undefined,
  };
}

/** The shop: web mixed (2 old + 1 new), api stale, cart fresh; node-a/b cache web's old digest. */
export function shopState(): { state: FakeClusterState; tags: Map<string, Digest> } {
  const web = `${REG}/shop/web:stable`;
  const api = `${REG}/shop/api:1.0`;
  const cart = `${REG}/shop/cart:latest`;
  const pods = [
    runningPod({
      workload: deployment('shop', 'web'),
      name: 'web-1',
      node: 'node-a',
      image: web,
      running: V1,
    }),
    runningPod({
      workload: deployment('shop', 'web'),
      name: 'web-2',
      node: 'node-b',
      image: web,
      running: V1,
    }),
    runningPod({
      workload: deployment('shop', 'web'),
      name: 'web-3',
      node: 'node-c',
      image: web,
      running: V2,
    }),
    runningPod({
      workload: deployment('shop', 'api'),
      name: 'api-1',
      node: 'node-a',
      image: api,
      running: V1,
    }),
    runningPod({
      workload: deployment('tools', 'cart'),
      name: 'cart-1',
      node: 'node-b',
      image: cart,
      running: V2,
      policy: 'Always',
    }),
  ];
  return {
    tags: new Map([
      [web, V2],
      [api, V2],
      [cart, V2],
    ]),
    state: {
      pods,
      nodes: [
        node('node-a', [
          [web, V1],
          [api, V1],
        ]),
        node('node-b', [
          [web, V1],
          [cart, V2],
        ]),
        node('node-c', [[web, V2]]),
      ],
      events: [
        pulledEvent(pods[0] as SnapshotPod, `Container image "${web}" already present on machine`),
      ],
      pullSecrets: [
        {
          namespace: 'shop',
          name: 'regcred',
          type: 'kubernetes.io/dockerconfigjson',
          data: {
            '.dockerconfigjson': JSON.stringify({
              auths: { [REG]: { username: 'u', password: SECRET } },
            }),
          },
        },
      ],
    },
  };
}

/** `count` Deployments over 5 namespaces and 10 nodes, a third of them stale, one in ten mixed. */
export function manyWorkloads(count: number): {
  state: FakeClusterState;
  tags: Map<string, Digest>;
} {
  const pods: SnapshotPod[] = [];
  const tags = new Map<string, Digest>();
  for (let i = 0; i < count; i++) {
    const workload = deployment(`team-${i % 5}`, `svc-${i}`);
    const image = `${REG}/team/svc-${i}:v1`;
    tags.set(image, V2);
    const running = i % 3 === 0 ? V1 : V2;
    pods.push(runningPod({ workload, name: `svc-${i}-a`, node: `node-${i % 10}`, image, running }));
    pods.push(
      runningPod({
        workload,
        name: `svc-${i}-b`,
        node: `node-${(i + 1) % 10}`,
        image,
        running: i % 10 === 1 ? V1 : running,
      }),
    );
  }
  const nodes = Array.from({ length: 10 }, (_, n) => node(`node-${n}`, []));
  return { state: { pods, nodes }, tags };
}

/** Takes the picture with the status flow, as `kube-fresh ui` does. */
export function pictureTaker(
  reader: FakeClusterReader,
  tags: Map<string, Digest>,
  managed: ReadonlySet<string> = new Set(),
): () => Promise<PictureContent> {
  const resolver = new TagTableResolver(tags);
  return () =>
    takeSnapshotPicture(
      {
        reader,
        openRegistry: () => Promise.resolve({ resolver, close: () => Promise.resolve() }),
        readWorkload: (ref: WorkloadObjectRef) =>
          Promise.resolve({
            labels: managed.has(ref.name)
              ? {
                  'kustomize.toolkit.fluxcd.io/name': 'apps',
                  'kustomize.toolkit.fluxcd.io/namespace': 'flux-system',
                }
              : {},
            annotations: {},
          } as unknown as LiveWorkload),
      },
      {},
    );
}
