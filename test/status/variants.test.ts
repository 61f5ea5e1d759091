// status on the harder cases: multi-arch images in containerd and CRI-O imageID forms, a container
// with no imageID yet, and a private image reachable only through the Pod's pull secret.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startControlPlane, type ControlPlane } from '../../harness/control-plane/control-plane.ts';
import { FakeRegistryState } from '../../harness/kubelet/fake-registry-state.ts';
import { FakeNodeRuntime } from '../../harness/kubelet/kubelet-standin.ts';
import { runCli } from '../support/run-cli.ts';
import {
  startRegistry,
  TEST_PASSWORD,
  TEST_USER,
  type TestRegistry,
} from '../../harness/registry/registry.ts';

interface Workload {
  workload: { kind: string; name: string };
  verdict: string;
  replicas: Array<{
    pod: { name: string };
    verdict: { verdict: string; matchedBy?: string; reason?: string };
  }>;
}

const NS = 'variants';

describe('status: multi-arch, missing imageID, pull secrets', { timeout: 120_000 }, () => {
  let cp: ControlPlane;
  let plain: TestRegistry;
  let token: TestRegistry;
  let containerd: FakeNodeRuntime;
  let crio: FakeNodeRuntime;
  const mirror = new FakeRegistryState();
  const status = async (...args: string[]): Promise<Workload[]> => {
    const result = await runCli(
      ['status', '--kubeconfig', cp.kubeconfigPath, '-n', NS, '-o', 'json', ...args],
      { env: { HOME: '/nonexistent' } },
    );
    assert.equal(result.code, 0, result.stderr);
    return (JSON.parse(result.stdout) as { workloads: Workload[] }).workloads;
  };
  const pod = (
    name: string,
    image: string,
    node: string,
    extra: Record<string, unknown> = {},
  ): unknown => ({
    metadata: { name },
    spec: { nodeName: node, containers: [{ name: 'app', image }], ...extra },
  });

  before(async () => {
    [cp, plain, token] = await Promise.all([
      startControlPlane({ controllers: false }),
      startRegistry('plain'),
      startRegistry('token'),
    ]);
    await cp.createNamespace(NS);
    containerd = await FakeNodeRuntime.register(cp, {
      name: 'amd-containerd',
      registry: mirror.lookup,
      runtime: 'containerd',
      waitSchedulable: false,
    });
    crio = await FakeNodeRuntime.register(cp, {
      name: 'arm-crio',
      registry: mirror.lookup,
      runtime: 'cri-o',
      architecture: 'arm64',
      waitSchedulable: false,
    });
  });
  after(async () => {
    await Promise.all([plain?.pusher.close(), token?.pusher.close()]);
    await Promise.all([cp?.stop(), plain?.stop(), token?.stop()]);
  });

  it('multi-arch: an index digest (containerd), a platform child (CRI-O) and a bare image ID are all fresh', async () => {
    const index = await plain.pusher.pushIndex('multi/app', 'v1', [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
    ]);
    const [amd, arm] = index.children;
    assert.ok(amd && arm);
    const image = `${plain.host}/multi/app:v1`;
    // What each node's runtime resolves the tag to: the index, with its own platform's config.
    mirror.push(image, { digest: index.digest, configDigest: amd.configDigest, sizeBytes: 1 });
    await cp.admin.create(
      `/api/v1/namespaces/${NS}/pods`,
      pod('on-containerd', image, containerd.name),
    );
    await containerd.startPod(NS, 'on-containerd');
    mirror.push(image, { digest: index.digest, configDigest: arm.configDigest, sizeBytes: 1 });
    await cp.admin.create(`/api/v1/namespaces/${NS}/pods`, pod('on-crio', image, crio.name));
    await crio.startPod(NS, 'on-crio');
    // A CRI-O before cri-o#9615 may report the platform child as imageID: write that form directly.
    await cp.admin.create(`/api/v1/namespaces/${NS}/pods`, pod('child-digest', image, crio.name));
    await crio.startPod(NS, 'child-digest');
    await cp.admin.patch(
      `/api/v1/namespaces/${NS}/pods/child-digest/status`,
      {
        status: {
          containerStatuses: [
            {
              name: 'app',
              image,
              imageID: `${plain.host}/multi/app@${arm.digest}`,
              ready: true,
              restartCount: 0,
              state: { running: { startedAt: new Date().toISOString() } },
            },
          ],
        },
      },
      'strategic',
    );
    // An image side-loaded without a repo digest (kind load, ctr import), never pulled on the node:
    // containerd reports sha256:<config> as the imageID, so only the config can say it is current.
    const solo = await plain.pusher.pushImage('multi/solo', 'side');
    await containerd.importImage(`${plain.host}/multi/solo:side`, {
      digest: solo.digest,
      configDigest: solo.configDigest,
      sizeBytes: 1,
    });
    await cp.admin.create(
      `/api/v1/namespaces/${NS}/pods`,
      pod('side-loaded', `${plain.host}/multi/solo:side`, containerd.name, {
        containers: [
          { name: 'app', image: `${plain.host}/multi/solo:side`, imagePullPolicy: 'Never' },
        ],
      }),
    );
    await containerd.startPod(NS, 'side-loaded');

    const workloads = await status(
      'pod/on-containerd',
      'pod/on-crio',
      'pod/child-digest',
      'pod/side-loaded',
    );
    const by = new Map(workloads.map((w) => [w.workload.name, w.replicas[0]?.verdict]));
    assert.deepEqual(by.get('on-containerd'), {
      verdict: 'fresh',
      running: index.digest,
      current: index.digest,
      matchedBy: 'digest',
    });
    assert.equal(by.get('on-crio')?.verdict, 'fresh');
    assert.deepEqual(
      [by.get('child-digest')?.verdict, by.get('child-digest')?.matchedBy],
      ['fresh', 'platform-child'],
    );
    assert.deepEqual(
      [by.get('side-loaded')?.verdict, by.get('side-loaded')?.matchedBy],
      ['fresh', 'config'],
    );
  });

  it("explain tells a pull policy changed at admission from the template's", async () => {
    const pushed = await plain.pusher.pushImage('admitted/app', 'v1');
    const image = `${plain.host}/admitted/app:v1`;
    mirror.push(image, { digest: pushed.digest, configDigest: pushed.configDigest, sizeBytes: 1 });
    const labels = { app: 'admitted' };
    const template = {
      metadata: { labels },
      spec: { containers: [{ name: 'app', image, imagePullPolicy: 'IfNotPresent' }] },
    };
    const deploy = await cp.admin.create<{ metadata: { uid: string } }>(
      `/apis/apps/v1/namespaces/${NS}/deployments`,
      {
        metadata: { name: 'admitted', labels },
        spec: { replicas: 1, selector: { matchLabels: labels }, template },
      },
    );
    const rs = await cp.admin.create<{ metadata: { uid: string } }>(
      `/apis/apps/v1/namespaces/${NS}/replicasets`,
      {
        metadata: {
          name: 'admitted-1',
          labels,
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              kind: 'Deployment',
              name: 'admitted',
              uid: deploy.metadata.uid,
              controller: true,
            },
          ],
        },
        spec: { replicas: 1, selector: { matchLabels: labels }, template },
      },
    );
    // What AlwaysPullImages does: the Pod is created with Always although its template says otherwise.
    await cp.admin.create(`/api/v1/namespaces/${NS}/pods`, {
      metadata: {
        name: 'admitted-1-x',
        labels,
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: 'admitted-1',
            uid: rs.metadata.uid,
            controller: true,
          },
        ],
      },
      spec: {
        nodeName: containerd.name,
        containers: [{ name: 'app', image, imagePullPolicy: 'Always' }],
      },
    });
    await containerd.startPod(NS, 'admitted-1-x');
    const result = await runCli(
      ['explain', '--kubeconfig', cp.kubeconfigPath, '-n', NS, 'deploy/admitted', '-o', 'json'],
      { env: { HOME: '/nonexistent' } },
    );
    assert.equal(result.code, 0, result.stderr);
    const [container] = (
      JSON.parse(result.stdout) as {
        containers: Array<{ policy: { policy: string; source: string; reason: string } }>;
      }
    ).containers;
    assert.equal(container?.policy.policy, 'Always');
    assert.equal(container?.policy.source, 'admission');
    assert.match(
      container?.policy.reason ?? '',
      /Deployment template says IfNotPresent, but the Pod was created with Always/,
    );
  });

  it('a container that has not been created has no imageID: unknown, with that reason', async () => {
    await plain.pusher.pushImage('waiting/app', 'v1');
    await cp.admin.create(
      `/api/v1/namespaces/${NS}/pods`,
      pod('not-started', `${plain.host}/waiting/app:v1`, containerd.name),
    );
    const [w] = await status('pod/not-started');
    assert.equal(w?.verdict, 'unknown');
    assert.equal(w?.replicas[0]?.verdict.reason, 'no-image-id');
  });

  it("a private image resolves through the Pod's pull secret, and the result names the secret", async () => {
    const pushed = await token.pusher.pushImage('private/app', 'v1');
    const image = `${token.host}/private/app:v1`;
    mirror.push(image, { digest: pushed.digest, configDigest: pushed.configDigest, sizeBytes: 1 });
    const auth = Buffer.from(`${TEST_USER}:${TEST_PASSWORD}`).toString('base64');
    const dockerconfig = Buffer.from(
      JSON.stringify({ auths: { [token.host]: { auth } } }),
    ).toString('base64');
    await cp.admin.create(`/api/v1/namespaces/${NS}/secrets`, {
      metadata: { name: 'regcred' },
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': dockerconfig },
    });
    await cp.admin.create(
      `/api/v1/namespaces/${NS}/pods`,
      pod('private', image, containerd.name, { imagePullSecrets: [{ name: 'regcred' }] }),
    );
    await containerd.startPod(NS, 'private');
    const result = await runCli(
      ['status', '--kubeconfig', cp.kubeconfigPath, '-n', NS, 'pod/private', '-o', 'json'],
      { env: { HOME: '/nonexistent' } },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      (JSON.parse(result.stdout) as { workloads: Workload[] }).workloads[0]?.verdict,
      'fresh',
      result.stdout + result.stderr,
    );
    const [privateWorkload] = (
      JSON.parse(result.stdout) as { workloads: Array<{ credentialSource?: unknown }> }
    ).workloads;
    assert.deepEqual(privateWorkload?.credentialSource, {
      kind: 'pull-secret',
      detail: `${NS}/regcred: ${token.host}`,
    });
    assert.ok(!result.stdout.includes(TEST_PASSWORD) && !result.stderr.includes(TEST_PASSWORD));
    // Without the secret the same image is unknown (unauthorized), never fresh.
    await cp.admin.create(
      `/api/v1/namespaces/${NS}/pods`,
      pod('no-secret', image, containerd.name),
    );
    await containerd.startPod(NS, 'no-secret');
    const [w] = await status('pod/no-secret');
    assert.equal(w?.verdict, 'unknown');
  });
});
