import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Digest } from '../core/digest.ts';
import { referenceName, type ImageReference } from '../core/image-reference.ts';
import type { ImageResolver, PlatformManifest, TagResolution } from '../core/image-resolver.ts';
import type {
  SnapshotEvent,
  SnapshotNode,
  SnapshotPod,
  WorkloadRef,
} from '../cluster/read/cluster-snapshot.ts';
import { FakeClusterReader } from '../cluster/read/fake-cluster-reader.ts';
import { checkWorkloads } from './check-workloads.ts';
import { explainWorkload } from './explain/explain-workload.ts';

const d = (c: string): Digest => `sha256:${c.repeat(64)}` as Digest;
const REG = 'reg.test:5000';
const V1 = d('1');
const V2 = d('2');

/** A resolver that knows app:dev → V2 (single manifest), multi:dev → an index; counts requests. */
class CountingResolver implements ImageResolver {
  readonly calls: string[] = [];
  down = false;
  /** A private image answers with a pull Secret's credentials. */
  credentialKind = 'anonymous';
  resolveTag(ref: ImageReference): Promise<TagResolution> {
    this.calls.push(`tag ${referenceName(ref)}:${ref.tag ?? ''}`);
    if (this.down)
      return Promise.resolve({
        ok: false,
        failure: {
          kind: 'unreachable',
          registry: REG,
          repository: ref.path,
          message: 'cannot reach https://reg.test:5000 (ECONNREFUSED)',
        },
      });
    const digest = ref.path === 'team/multi' ? d('9') : V2;
    const mediaType =
      ref.path === 'team/multi'
        ? 'application/vnd.oci.image.index.v1+json'
        : 'application/vnd.oci.image.manifest.v1+json';
    return Promise.resolve({
      ok: true,
      value: {
        digest,
        mediaType,
        size: 1,
        credentialSource: { kind: this.credentialKind, detail: '' },
      },
    });
  }
  platforms(ref: ImageReference, digest: Digest) {
    this.calls.push(`platforms ${digest.slice(7, 9)}`);
    const children: PlatformManifest[] =
      digest === d('9')
        ? [
            {
              os: 'linux',
              architecture: 'amd64',
              variant: undefined,
              digest: d('a'),
              mediaType: '',
            },
          ]
        : [];
    void ref;
    return Promise.resolve({ ok: true as const, platforms: children });
  }
  configDigest(_ref: ImageReference, manifest: Digest) {
    // Every manifest has its own config: different digests are different bits.
    return Promise.resolve({
      ok: true as const,
      configDigest: `sha256:c${manifest.slice(8)}` as Digest,
    });
  }
}

const deployment: WorkloadRef = {
  kind: 'Deployment',
  apiVersion: 'apps/v1',
  name: 'web',
  namespace: 'prod',
  uid: 'u1',
};

function pod(
  name: string,
  node: string,
  imageID: string,
  image = `${REG}/team/app:dev`,
  policy = 'IfNotPresent',
): SnapshotPod {
  return {
    namespace: 'prod',
    name,
    uid: `uid-${name}`,
    labels: { app: 'web' },
    createdAt: '2026-11-25T10:00:00Z',
    nodeName: node,
    phase: 'Running',
    serviceAccountName: 'default',
    imagePullSecrets: [],
    workload: deployment,
    controller: undefined,
    containers: [
      {
        kind: 'regular',
        name: 'app',
        image,
        imagePullPolicy: policy,
        restartPolicy: undefined,
        status: {
          image,
          imageID,
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

function node(name: string, cachedDigest?: Digest): SnapshotNode {
  const images =
    cachedDigest === undefined
      ? []
      : [{ names: [`${REG}/team/app@${cachedDigest}`, `${REG}/team/app:dev`], sizeBytes: 1000 }];
  return {
    name,
    architecture: 'amd64',
    operatingSystem: 'linux',
    kubeletVersion: 'v1.35.4',
    containerRuntimeVersion: 'containerd://1.6.20',
    ready: true,
    images,
  };
}

function cachedEvent(podName: string): SnapshotEvent {
  return {
    namespace: 'prod',
    name: `${podName}.1`,
    reason: 'Pulled',
    message: `Container image "${REG}/team/app:dev" already present on machine`,
    type: 'Normal',
    count: 1,
    firstTimestamp: '2026-11-25T10:00:04Z',
    lastTimestamp: '2026-11-25T10:00:04Z',
    eventTime: undefined,
    involvedObject: {
      kind: 'Pod',
      name: podName,
      namespace: 'prod',
      uid: `uid-${podName}`,
      fieldPath: 'spec.containers{app}',
    },
    source: { component: 'kubelet', host: 'node-a' },
    reportingController: 'kubelet',
    reportingInstance: 'node-a',
  };
}

function deps(reader: FakeClusterReader, resolver: ImageResolver) {
  return {
    reader,
    openRegistry: () => Promise.resolve({ resolver, close: () => Promise.resolve() }),
  };
}

describe('checkWorkloads', () => {
  it('finds a mixed workload, the node that caches the old image, with one request per distinct tag', async () => {
    const reader = new FakeClusterReader({
      pods: [
        pod('web-a', 'node-a', `${REG}/team/app@${V1}`),
        pod('web-b', 'node-b', `${REG}/team/app@${V2}`),
        pod('web-c', 'node-a', `${REG}/team/app@${V1}`),
      ],
      nodes: [node('node-a', V1), node('node-b', V2), node('node-c')],
    });
    const resolver = new CountingResolver();
    const report = await checkWorkloads(deps(reader, resolver), { namespace: 'prod' });
    assert.equal(report.workloads.length, 1);
    const [w] = report.workloads;
    assert.equal(w?.verdict, 'mixed');
    assert.equal(w?.current, V2);
    assert.deepEqual(
      w?.running.map((r) => [r.digest, r.pods, r.nodes, r.verdict]),
      [
        [V1, 2, ['node-a'], 'stale'],
        [V2, 1, ['node-b'], 'fresh'],
      ],
    );
    assert.deepEqual(
      w?.nodeRisks.map((r) => [r.node, r.risk]),
      [
        ['node-a', 'old-image-cached'],
        ['node-b', 'current'],
      ],
    );
    assert.deepEqual(
      resolver.calls.filter((c) => c.startsWith('tag')),
      [`tag ${REG}/team/app:dev`],
    );
    assert.equal(report.summary.verdicts.mixed, 1);
    assert.equal(report.summary.nodesAtRisk, 1);
  });

  it('a registry that cannot be reached makes every verdict unknown, never fresh or stale', async () => {
    const reader = new FakeClusterReader({
      pods: [
        pod('web-a', 'node-a', `${REG}/team/app@${V1}`),
        pod('web-b', 'node-b', `${REG}/team/app@${V2}`),
      ],
      nodes: [node('node-a', V1), node('node-b')],
    });
    const resolver = new CountingResolver();
    resolver.down = true;
    const report = await checkWorkloads(deps(reader, resolver), {});
    assert.equal(report.workloads[0]?.verdict, 'unknown');
    assert.ok(report.workloads[0]?.replicas.every((r) => r.verdict.verdict === 'unknown'));
    assert.deepEqual(report.workloads[0]?.nodeRisks, []);
  });

  it('ignores Pods being deleted, and keeps the registry answer when no replica has an imageID yet', async () => {
    const leaving = { ...pod('web-old', 'node-a', `${REG}/team/app@${V1}`), terminating: true };
    const reader = new FakeClusterReader({
      pods: [leaving, pod('web-new', 'node-b', '')],
      nodes: [node('node-a', V1), node('node-b')],
    });
    const report = await checkWorkloads(deps(reader, new CountingResolver()), {});
    assert.deepEqual(
      report.workloads[0]?.replicas.map((r) => r.pod.name),
      ['web-new'],
    );
    assert.equal(report.workloads[0]?.verdict, 'unknown');
    assert.equal(report.workloads[0]?.current, V2);
    assert.equal(report.summary.pods, 1);
  });

  it('always-pulled containers carry no node-cache risk', async () => {
    const reader = new FakeClusterReader({
      pods: [pod('web-a', 'node-a', `${REG}/team/app@${V1}`, `${REG}/team/app:dev`, 'Always')],
      nodes: [node('node-a', V1)],
    });
    const report = await checkWorkloads(deps(reader, new CountingResolver()), {});
    assert.equal(report.workloads[0]?.verdict, 'stale');
    assert.equal(report.workloads[0]?.policy.source, 'explicit');
    assert.deepEqual(report.workloads[0]?.nodeRisks, []);
  });
  it('a Pod with a pull Secret the kubelet cannot read is unknown, naming the Secret', async () => {
    const withSecret = (p: SnapshotPod, secrets: string[]): SnapshotPod => ({
      ...p,
      imagePullSecrets: secrets,
    });
    const auths = (auth: string) => JSON.stringify({ auths: { [REG]: { auth } } });
    const reader = new FakeClusterReader({
      pods: [
        withSecret(pod('web-a', 'node-a', `${REG}/team/app@${V2}`), ['good', 'bad']),
        withSecret(pod('web-b', 'node-a', `${REG}/team/app@${V2}`), ['good']),
      ],
      nodes: [node('node-a')],
      pullSecrets: [
        {
          namespace: 'prod',
          name: 'good',
          type: 'kubernetes.io/dockerconfigjson',
          data: { '.dockerconfigjson': auths(Buffer.from('u:p').toString('base64')) },
        },
        {
          namespace: 'prod',
          name: 'bad',
          type: 'kubernetes.io/dockerconfigjson',
          // URL-safe base64: Go's standard decoder rejects it.
          data: { '.dockerconfigjson': auths('dTp_Pz4-') },
        },
      ],
    });
    const report = await checkWorkloads(deps(reader, new CountingResolver()), {});
    const byPod = new Map(report.workloads[0]?.replicas.map((r) => [r.pod.name, r.verdict]));
    const a = byPod.get('web-a');
    assert.equal(a?.verdict, 'unknown');
    assert.equal(a?.verdict === 'unknown' && a.reason, 'pull-secret');
    assert.match(a?.verdict === 'unknown' ? a.message : '', /prod\/bad .*illegal base64/);
    assert.ok(!(a?.verdict === 'unknown' ? a.message : '').includes('dTp_Pz4-'));
    assert.equal(byPod.get('web-b')?.verdict, 'fresh');
  });
});

describe('node-cache risk under KEP-2535', () => {
  const api: WorkloadRef = { ...deployment, name: 'api', uid: 'u2' };
  const withSecret = (p: SnapshotPod, secret: string, workload = deployment): SnapshotPod => ({
    ...p,
    workload,
    imagePullSecrets: [secret],
  });
  const cluster = (kubeletVersion: string) =>
    new FakeClusterReader({
      pods: [
        withSecret(pod('web-a', 'node-a', `${REG}/team/app@${V1}`), 'first'),
        withSecret(pod('api-b', 'node-b', `${REG}/team/app@${V2}`), 'second', api),
      ],
      nodes: [
        { ...node('node-a', V1), kubeletVersion },
        { ...node('node-b', V2), kubeletVersion },
      ],
    });
  const risks = async (kubeletVersion: string, credentialKind: string) => {
    const resolver = new CountingResolver();
    resolver.credentialKind = credentialKind;
    const report = await checkWorkloads(deps(cluster(kubeletVersion), resolver), {});
    return Object.fromEntries(
      report.workloads.map((w) => [
        w.workload.name,
        w.nodeRisks.filter((r) => r.node === 'node-a').map((r) => r.risk)[0],
      ]),
    );
  };

  it("a private image: only the first puller's Secret reuses the old copy on a 1.35 kubelet", async () => {
    assert.deepEqual(await risks('v1.35.4', 'pull-secret'), {
      web: 'old-image-cached',
      api: 'reverify-pulls',
    });
  });
  it('before 1.35, or for a public image, every Pod reuses it', async () => {
    assert.deepEqual(await risks('v1.34.2', 'pull-secret'), {
      web: 'old-image-cached',
      api: 'old-image-cached',
    });
    assert.deepEqual(await risks('v1.35.4', 'anonymous'), {
      web: 'old-image-cached',
      api: 'old-image-cached',
    });
  });
});

describe('explainWorkload', () => {
  it('tells the cached-image story and offers the fixes with commands', async () => {
    const reader = new FakeClusterReader({
      pods: [
        pod('web-a', 'node-a', `${REG}/team/app@${V1}`),
        pod('web-b', 'node-b', `${REG}/team/app@${V2}`),
      ],
      nodes: [node('node-a', V1), node('node-b', V2)],
      events: [cachedEvent('web-a')],
    });
    const report = await explainWorkload(deps(reader, new CountingResolver()), 'prod', {
      kind: 'Deployment',
      name: 'web',
    });
    const [c] = report.containers;
    assert.equal(c?.verdict, 'mixed');
    assert.equal(c?.policy.source, 'default');
    assert.match(
      c?.cause.join('\n') ?? '',
      /Pod web-a on node-a runs sha256:111111111111, not sha256:222222222222: .*already present on machine.*under IfNotPresent, did not ask the registry/,
    );
    assert.match(c?.cause.join('\n') ?? '', /Node node-a caches .* at the old sha256:111111111111/);
    assert.deepEqual(
      c?.fixes.map((f) => f.strategy),
      ['pin-in-git', 'pin-live', 'pull-always'],
    );
    assert.equal(c?.fixes[1]?.command, 'kube-fresh fix -n prod deployment/web');
    assert.match(c?.fixes[0]?.command ?? '', new RegExp(`image: ${REG}/team/app:dev@${V2}`));
    assert.equal(c?.pods.find((p) => p.pod === 'web-a')?.events[0]?.kind, 'cached');
  });
});

describe('checkWorkloads with an image no URL can carry (F-1)', () => {
  it('judges that one container unknown (invalid-reference) and still reports the rest', async () => {
    const { createRegistryClient } = await import('../registry/create-registry-client.ts');
    const { defaultRegistryConfig } = await import('../registry/registry-config.ts');
    const { NO_CREDENTIALS } = await import('../registry/credentials/credential-providers.ts');
    // The real HTTP resolver: the image is refused before any request, so nothing is contacted.
    const client = createRegistryClient(defaultRegistryConfig({}), NO_CREDENTIALS);
    const evil = { ...pod('evil', 'node-a', '', 'registry.example.com:65536/app:1'), uid: 'e' };
    const v6 = { ...pod('v6', 'node-a', '', '[fffff]:5000/a:dev'), uid: 'f' };
    const reader = new FakeClusterReader({ pods: [evil, v6], nodes: [node('node-a')] });
    try {
      const report = await checkWorkloads(
        { reader, openRegistry: () => Promise.resolve(client) },
        {},
      );
      const replicas = report.workloads.flatMap((w) => w.replicas);
      assert.equal(replicas.length, 2);
      for (const replica of replicas) {
        assert.equal(replica.verdict.verdict, 'unknown');
        assert.equal(
          (replica.verdict as { failureKind?: string }).failureKind,
          'invalid-reference',
        );
      }
    } finally {
      await client.close();
    }
  });
});
