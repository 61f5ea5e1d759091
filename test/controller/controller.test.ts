// `kube-fresh controller` as a real process against the Go-built control plane (apiserver,
// controller-manager, scheduler), stand-in kubelets and the real docker-registry, seen through a
// fault proxy so the registry can go down: a poll-only registry → the annotated Deployment pinned
// within the interval; report and unannotated workloads untouched (but reported); GitOps-managed
// workloads reported unless they say pin themselves; registry down → no action, unknown in the
// metrics, then recovery; --dry-run pins nothing; SIGTERM → exit 0.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startControlPlane, type ControlPlane } from '../../harness/control-plane/control-plane.ts';
import { startFaultProxy, type Fault, type FaultProxy } from '../support/fault-proxy.ts';
import { startRegistry, type TestRegistry } from '../../harness/registry/registry.ts';
import { tellStory, type Story } from '../status/story.ts';
import { deployment, type Workload } from '../fix/fix-support.ts';
import { startController, type ControllerProcess } from './controller-process.ts';
import { eventually } from './eventually.ts';

const NS = 'keep-fresh';
const DRY = 'keep-fresh-dry';
const REPO = 'ctl/app';
const ARGO = { 'argocd.argoproj.io/tracking-id': 'shop:apps/Deployment:keep-fresh/argo' };

interface KubeEvent {
  reason: string;
  type: string;
  message: string;
  involvedObject: { name: string; kind: string };
}

describe('kube-fresh controller (real process)', { timeout: 300_000 }, () => {
  let cp: ControlPlane;
  let registry: TestRegistry;
  let proxy: FaultProxy;
  let story: Story;
  let controller: ControllerProcess;
  const image = (): string => `${proxy.host}/${REPO}:v1`;

  /** Pushes a new image under the tag and teaches the stand-in kubelets about it. */
  const push = async (): Promise<string> => {
    const pushed = await registry.pusher.pushImage(REPO, 'v1');
    story.mirror.push(image(), {
      digest: pushed.digest,
      configDigest: pushed.configDigest,
      sizeBytes: 1_000_000,
    });
    return pushed.digest;
  };
  const templateImage = async (ns: string, name: string): Promise<string | undefined> => {
    const d = await cp.admin.get<Workload>(`/apis/apps/v1/namespaces/${ns}/deployments/${name}`);
    return d.spec.template?.spec.containers[0]?.image;
  };
  const events = async (ns: string, name: string, reason?: string): Promise<KubeEvent[]> =>
    (await cp.admin.listAll<KubeEvent>(`/api/v1/namespaces/${ns}/events`)).filter(
      (e) =>
        e.involvedObject.name === name &&
        e.involvedObject.kind === 'Deployment' &&
        (reason === undefined || e.reason === reason),
    );
  const createDeployment = async (
    ns: string,
    name: string,
    annotations: Record<string, string> = {},
  ): Promise<void> => {
    await cp.admin.create(
      `/apis/apps/v1/namespaces/${ns}/deployments`,
      deployment(name, image(), 1, { annotations }),
    );
  };

  before(async () => {
    [cp, registry] = await Promise.all([startControlPlane(), startRegistry('plain')]);
    proxy = await startFaultProxy(registry.host);
    story = tellStory(cp, registry);
    await story.addNode('node-a');
    await story.addNode('node-b');
    await cp.createNamespace(NS);
    await cp.createNamespace(DRY);
    await push();
    await createDeployment(NS, 'pinme', { 'kube-fresh.io/policy': 'pin' });
    await createDeployment(NS, 'reportme', { 'kube-fresh.io/policy': 'report' });
    await createDeployment(NS, 'plain');
    await createDeployment(NS, 'argo', ARGO);
    await createDeployment(NS, 'argo-pin', { ...ARGO, 'kube-fresh.io/policy': 'pin' });
    await createDeployment(DRY, 'pinme', { 'kube-fresh.io/policy': 'pin' });
    await story.runScheduledPods(NS, 5);
    await story.runScheduledPods(DRY, 1);
    controller = await startController([
      '--kubeconfig',
      cp.kubeconfigPath,
      '-n',
      NS,
      '--poll-interval',
      '1s',
      '--min-pin-interval',
      '0',
      '--insecure-registry',
      proxy.host,
    ]);
  });

  after(async () => {
    await controller?.stop();
    await proxy?.stop();
    await registry?.pusher.close();
    await Promise.all([cp?.stop(), registry?.stop()]);
  });

  it('is ready once its caches are synced, and judges the workloads as status does', async () => {
    await eventually(async () => (await controller.get('/readyz')).status === 200, 60_000, 'ready');
    assert.equal((await controller.get('/healthz')).status, 200);
    await eventually(
      async () =>
        (await controller.metric('kube_fresh_workload_containers', { verdict: 'fresh' })) === 5,
      60_000,
      'five fresh workload containers',
    );
    assert.equal(await controller.metric('kube_fresh_tags_tracked'), 1);
    assert.equal(await controller.metric('kube_fresh_cache_synced', { kind: 'Pod' }), 1);
  });

  it('pins the annotated Deployment when the tag moves, and only what policy allows', async () => {
    const before = await controller.metric('kube_fresh_pins_total', { result: 'applied' });
    const moved = await push();
    await eventually(
      async () => (await templateImage(NS, 'pinme')) === `${image()}@${moved}`,
      60_000,
      'pinme pinned to the new digest',
    );
    await eventually(
      async () => (await templateImage(NS, 'argo-pin')) === `${image()}@${moved}`,
      60_000,
      'argo-pin (explicitly pin) pinned too',
    );
    for (const name of ['reportme', 'plain', 'argo'])
      assert.equal(await templateImage(NS, name), image(), `${name} untouched`);
    assert.ok(
      (await controller.metric('kube_fresh_pins_total', { result: 'applied' })) >= before + 2,
    );
    assert.ok((await controller.metric('kube_fresh_tag_moves_total', { source: 'poll' })) >= 1);
    await eventually(
      async () => (await events(NS, 'pinme', 'Pinned')).length === 1,
      30_000,
      'a Pinned Event',
    );
    const pinned = (await events(NS, 'pinme', 'Pinned'))[0];
    assert.match(pinned?.message ?? '', new RegExp(moved.slice(0, 20)));
    await eventually(
      async () => (await events(NS, 'argo-pin', 'GitOpsManaged')).length === 1,
      30_000,
      'a GitOps warning on the explicitly pinned Argo CD workload',
    );
    // Reported, not pinned: TagMoved and StaleReplicas Events, once each, not per pass.
    for (const name of ['reportme', 'plain', 'argo'])
      await eventually(
        async () =>
          (await events(NS, name, 'TagMoved')).length === 1 &&
          (await events(NS, name, 'StaleReplicas')).length === 1,
        30_000,
        `${name} reported`,
      );
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // several more passes
    assert.equal((await events(NS, 'plain', 'StaleReplicas')).length, 1);
    assert.equal((await events(NS, 'pinme', 'Pinned')).length, 1);
    assert.ok(
      (await controller.metric('kube_fresh_workload_containers', { verdict: 'stale' })) >= 3,
    );
  });

  it('takes no action while the registry is down, reports unknown, and recovers', async () => {
    const down: Fault = {
      match: () => true,
      times: Number.MAX_SAFE_INTEGER,
      respond: { status: 503, body: 'down for maintenance' },
    };
    proxy.add(down);
    await eventually(
      async () =>
        (await controller.metric('kube_fresh_workload_containers', { verdict: 'unknown' })) > 0,
      60_000,
      'verdicts unknown while the registry is down',
    );
    const moved = await push();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    assert.notEqual(await templateImage(NS, 'pinme'), `${image()}@${moved}`);
    assert.ok(
      (await controller.metric('kube_fresh_registry_requests_total', { result: 'unreachable' })) +
        (await controller.metric('kube_fresh_registry_requests_total', { result: 'protocol' })) >
        0,
    );
    down.times = 0;
    await eventually(
      async () => (await templateImage(NS, 'pinme')) === `${image()}@${moved}`,
      60_000,
      'pinned after the registry came back',
    );
  });

  it('--dry-run pins nothing but says what it would do', async () => {
    const dry = await startController([
      '--kubeconfig',
      cp.kubeconfigPath,
      '-n',
      DRY,
      '--poll-interval',
      '1s',
      '--dry-run',
      '--insecure-registry',
      proxy.host,
    ]);
    try {
      await eventually(
        async () => (await events(DRY, 'pinme', 'PinDryRun')).length === 1,
        60_000,
        'a PinDryRun Event',
      );
      assert.equal(await templateImage(DRY, 'pinme'), image());
      assert.ok(dry.logs.some((l) => l.msg === 'dry run: would pin'));
      assert.equal((await events(DRY, 'pinme', 'Pinned')).length, 0);
    } finally {
      assert.equal(await dry.stop(), 0);
    }
  });

  it('logs JSON without credentials and stops cleanly on SIGTERM', async () => {
    assert.ok(controller.logs.length > 0);
    assert.ok(
      controller.logs.every((l) => l.level !== 'raw'),
      JSON.stringify(controller.logs.slice(0, 5)),
    );
    const text = JSON.stringify(controller.logs);
    assert.doesNotMatch(text, /BEGIN (RSA |EC )?PRIVATE KEY|client-key-data/);
    assert.equal(await controller.stop(), 0);
    assert.ok(controller.logs.some((l) => l.msg === 'stopped'));
  });
});
