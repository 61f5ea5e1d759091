// The stand-in kubelet writes what real kubelets and runtimes report (semantics doc §2–§4), and
// the cluster adapter reads it back: the stale-cache story on containerd, CRI-O's fixed image
// fields, imported images, pull failures, Never and invalid names, and the node image list caps.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connectCluster } from '../../src/cluster/connection/connect-cluster.ts';
import type { ClusterReader } from '../../src/cluster/read/cluster-reader.ts';
import type { SnapshotPod } from '../../src/cluster/read/cluster-snapshot.ts';
import { startControlPlane, type ControlPlane } from '../../harness/control-plane/control-plane.ts';
import { FakeRegistryState, fakeRegistryImage } from '../../harness/kubelet/fake-registry-state.ts';
import { FakeNodeRuntime } from '../../harness/kubelet/kubelet-standin.ts';

const V1 = fakeRegistryImage('app v1', 31_457_280);
const V2 = fakeRegistryImage('app v2', 31_457_999);
const hex = (digest: string) => digest.replace('sha256:', '');

describe('stand-in kubelet', { timeout: 120_000 }, () => {
  let cp: ControlPlane;
  let reader: ClusterReader;
  const registry = new FakeRegistryState();
  const createPod = (name: string, image: string, policy?: string, ns = 'default') =>
    cp.admin.create(`/api/v1/namespaces/${ns}/pods`, {
      metadata: { name },
      spec: {
        containers: [{ name: 'app', image, ...(policy ? { imagePullPolicy: policy } : {}) }],
      },
    });
  const readPod = async (name: string): Promise<SnapshotPod> => reader.readPod('default', name);
  const eventsOf = async (name: string) =>
    (await reader.readSnapshot({ namespace: 'default' })).events
      .filter((e) => e.involvedObject.name === name)
      .map((e) => `${e.type} ${e.reason} ${e.involvedObject.fieldPath}: ${e.message}`);

  before(async () => {
    cp = await startControlPlane({ controllers: false });
    ({ reader } = await connectCluster({
      sources: { kubeconfigFlag: cp.kubeconfigPath },
      env: {},
    }));
    registry.push('registry.example.com/shop/app:1.4', V1);
  });
  after(() => cp?.stop());

  it('containerd: a moved tag stays cached under IfNotPresent; Always pulls; old Pods show sha256:<config>', async () => {
    const node = await FakeNodeRuntime.register(cp, {
      name: 'node-a',
      registry: registry.lookup,
      simulatedPullMs: 1234,
    });
    await createPod('first', 'registry.example.com/shop/app:1.4');
    assert.deepEqual(
      (await node.startPod('default', 'first')).map((o) => o.action),
      ['pull'],
    );
    registry.push('registry.example.com/shop/app:1.4', V2);
    await createPod('second', 'registry.example.com/shop/app:1.4');
    assert.deepEqual(
      (await node.startPod('default', 'second')).map((o) => o.action),
      ['use-cached'],
    );
    const second = await readPod('second');
    assert.equal(second.nodeName, 'node-a');
    assert.equal(second.containers[0]?.status?.image, 'registry.example.com/shop/app:1.4');
    assert.equal(
      second.containers[0]?.status?.imageID,
      `registry.example.com/shop/app@${V1.digest}`,
    );
    assert.match(second.containers[0]?.status?.containerID ?? '', /^containerd:\/\/[0-9a-f]{64}$/);
    assert.deepEqual(await eventsOf('second'), [
      'Normal Pulled spec.containers{app}: Container image "registry.example.com/shop/app:1.4" already present on machine and can be accessed by the pod',
      'Normal Created spec.containers{app}: Created container: app',
      'Normal Started spec.containers{app}: Started container app',
    ]);
    await createPod('third', 'registry.example.com/shop/app:1.4', 'Always');
    await node.startPod('default', 'third');
    assert.equal(
      (await eventsOf('third'))[1],
      'Normal Pulled spec.containers{app}: Successfully pulled image "registry.example.com/shop/app:1.4" in 1.234s (1.234s including waiting). Image size: 31457999 bytes.',
    );
    const first = await readPod('first');
    assert.equal(
      first.containers[0]?.status?.image,
      V1.configDigest,
      'no tag points at the old image any more',
    );
    assert.equal(
      first.containers[0]?.status?.imageID,
      `registry.example.com/shop/app@${V1.digest}`,
    );
    const nodes = (await reader.readSnapshot({})).nodes.find((n) => n.name === 'node-a');
    assert.deepEqual(nodes?.images, [
      {
        names: [`registry.example.com/shop/app@${V2.digest}`, 'registry.example.com/shop/app:1.4'],
        sizeBytes: V2.sizeBytes,
      },
      { names: [`registry.example.com/shop/app@${V1.digest}`], sizeBytes: V1.sizeBytes },
    ]);
  });

  it('a container restart runs the image manager again and picks up what the node has now', async () => {
    const node = await FakeNodeRuntime.register(cp, { name: 'node-r', registry: registry.lookup });
    await node.preload('registry.example.com/shop/app:1.4', V1);
    await createPod('restarts', 'registry.example.com/shop/app:1.4');
    await node.startPod('default', 'restarts');
    await createPod('puller', 'registry.example.com/shop/app:1.4', 'Always');
    await node.startPod('default', 'puller');
    const outcome = await node.restartContainer('default', 'restarts', 'app');
    assert.equal(outcome.action, 'use-cached');
    const status = (await readPod('restarts')).containers[0]?.status;
    assert.equal(status?.restartCount, 1);
    assert.equal(status?.imageID, `registry.example.com/shop/app@${V2.digest}`);
    assert.equal(status?.last?.state, 'terminated');
  });

  it('CRI-O: image and imageID are fixed when the container is created', async () => {
    const node = await FakeNodeRuntime.register(cp, {
      name: 'node-c',
      registry: registry.lookup,
      runtime: 'cri-o',
      architecture: 'arm64',
    });
    await createPod('crio', 'registry.example.com/shop/app:1.4');
    await node.startPod('default', 'crio');
    const status = (await readPod('crio')).containers[0]?.status;
    assert.equal(status?.image, 'registry.example.com/shop/app:1.4');
    assert.equal(status?.imageID, `registry.example.com/shop/app@${V2.digest}`);
    assert.match(status?.containerID ?? '', /^cri-o:\/\/[0-9a-f]{64}$/);
    const node2 = (await reader.readSnapshot({})).nodes.find((n) => n.name === 'node-c');
    assert.deepEqual(
      [node2?.architecture, node2?.operatingSystem, node2?.containerRuntimeVersion],
      ['arm64', 'linux', 'cri-o://1.35.0'],
    );
  });

  it('imported images have no repo digest: containerd reports sha256:<config>, CRI-O the bare ID', async () => {
    const local = fakeRegistryImage('side-loaded');
    for (const [nodeName, runtime, expected] of [
      ['node-i1', 'containerd', local.configDigest],
      ['node-i2', 'cri-o', hex(local.configDigest)],
    ] as const) {
      const node = await FakeNodeRuntime.register(cp, {
        name: nodeName,
        registry: registry.lookup,
        runtime,
      });
      await node.importImage('localhost/dev/tool:dev', local);
      await createPod(`tool-${runtime}`, 'localhost/dev/tool:dev', 'Never');
      await node.startPod('default', `tool-${runtime}`);
      const status = (await readPod(`tool-${runtime}`)).containers[0]?.status;
      assert.equal(status?.imageID, expected);
      assert.equal(status?.image, 'localhost/dev/tool:dev');
    }
  });

  it('failed pulls: ErrImagePull, then ImagePullBackOff with the last error', async () => {
    const node = await FakeNodeRuntime.register(cp, { name: 'node-f', registry: registry.lookup });
    await createPod('broken', 'registry.example.com/shop/app:9.9');
    await node.startPod('default', 'broken');
    const error =
      'rpc error: code = NotFound desc = failed to pull and unpack image "registry.example.com/shop/app:9.9": ' +
      'failed to resolve reference "registry.example.com/shop/app:9.9": registry.example.com/shop/app:9.9: not found';
    let state = (await readPod('broken')).containers[0]?.status;
    assert.deepEqual(
      [state?.current.reason, state?.current.message, state?.image, state?.imageID],
      ['ErrImagePull', error, 'registry.example.com/shop/app:9.9', ''],
    );
    await node.backOff('default', 'broken');
    state = (await readPod('broken')).containers[0]?.status;
    assert.equal(state?.current.reason, 'ImagePullBackOff');
    assert.equal(
      state?.current.message,
      `Back-off pulling image "registry.example.com/shop/app:9.9": ErrImagePull: ${error}`,
    );
    assert.deepEqual(await eventsOf('broken'), [
      'Normal Pulling spec.containers{app}: Pulling image "registry.example.com/shop/app:9.9"',
      `Warning Failed spec.containers{app}: Failed to pull image "registry.example.com/shop/app:9.9": ${error}`,
      'Warning Failed spec.containers{app}: Error: ErrImagePull',
      'Normal BackOff spec.containers{app}: Back-off pulling image "registry.example.com/shop/app:9.9"',
      'Warning Failed spec.containers{app}: Error: ImagePullBackOff',
    ]);
  });

  it('Never with an absent image, and an invalid image name', async () => {
    const node = await FakeNodeRuntime.register(cp, { name: 'node-n', registry: registry.lookup });
    await createPod('never', 'registry.example.com/shop/app:1.4', 'Never');
    await createPod('invalid', 'registry.example.com/shop/App:1.4');
    assert.equal((await node.startPod('default', 'never'))[0]?.action, 'ErrImageNeverPull');
    assert.equal((await node.startPod('default', 'invalid'))[0]?.action, 'InvalidImageName');
    const never = (await readPod('never')).containers[0]?.status?.current;
    assert.deepEqual(
      [never?.reason, never?.message],
      [
        'ErrImageNeverPull',
        'Container image "registry.example.com/shop/app:1.4" is not present with pull policy of Never',
      ],
    );
    const invalid = await eventsOf('invalid');
    assert.equal(
      invalid[0],
      'Warning InspectFailed spec.containers{app}: Failed to apply default image tag "registry.example.com/shop/App:1.4": couldn\'t parse image name "registry.example.com/shop/App:1.4": invalid reference format',
    );
  });

  it('node.status.images keeps the 50 largest images and 5 names each, digests first', async () => {
    const node = await FakeNodeRuntime.register(cp, {
      name: 'node-big',
      registry: registry.lookup,
    });
    for (let i = 0; i < 60; i++) {
      const image = fakeRegistryImage(`big ${i}`, 1_000_000 + i);
      for (const repo of ['a', 'b', 'c'])
        node.store.recordPull(`registry.example.com/${repo}/img${i}:v${i}`, image);
      for (const tag of ['x', 'y'])
        node.store.recordPull(`registry.example.com/a/img${i}:${tag}`, image);
    }
    await node.publishNodeStatus();
    const images =
      (await reader.readSnapshot({})).nodes.find((n) => n.name === 'node-big')?.images ?? [];
    assert.equal(images.length, 50);
    assert.deepEqual(
      images.map((i) => i.sizeBytes),
      Array.from({ length: 50 }, (_, k) => 1_000_059 - k),
    );
    assert.ok(
      images.every(
        (i) => i.names.length === 5 && i.names.slice(0, 3).every((n) => n.includes('@sha256:')),
      ),
    );
    assert.ok(images.every((i) => !i.names[3]?.includes('@')));
  });
});
