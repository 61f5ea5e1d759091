// The controller's two wired seams as real processes: a push to the real docker-registry reaches
// POST /hooks/distribution and pins the annotated Deployment long before the (5 minute) poll
// would; and two replicas with --leader-elect=true on a Lease: one leads, and when it is killed
// without releasing the Lease the other takes over and pins the next push.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startControlPlane, type ControlPlane } from '../../harness/control-plane/control-plane.ts';
import { startRegistry, type TestRegistry } from '../../harness/registry/registry.ts';
import { tellStory, type Story } from '../status/story.ts';
import { deployment, type Workload } from '../fix/fix-support.ts';
import { startController, type ControllerProcess } from './controller-process.ts';
import { eventually } from './eventually.ts';

const TOKEN = 'notify-token-0123456789abcdef';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('controller: push notifications and leader failover', { timeout: 300_000 }, () => {
  let cp: ControlPlane;
  let registry: TestRegistry;
  let story: Story;
  let port: number;
  const running: ControllerProcess[] = [];
  const image = (repo: string): string => `${registry.host}/${repo}:v1`;
  const push = async (repo: string): Promise<string> => {
    const pushed = await registry.pusher.pushImage(repo, 'v1');
    story.mirror.push(image(repo), {
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
  const start = async (
    args: string[],
    env: Record<string, string> = {},
  ): Promise<ControllerProcess> => {
    const c = await startController(
      ['--kubeconfig', cp.kubeconfigPath, '--min-pin-interval', '0', ...args],
      env,
    );
    running.push(c);
    return c;
  };

  before(async () => {
    port = await freePort();
    [cp, registry] = await Promise.all([
      startControlPlane(),
      startRegistry('plain', {
        notifications: { url: `http://127.0.0.1:${port}/hooks/distribution`, token: TOKEN },
      }),
    ]);
    story = tellStory(cp, registry);
    await story.addNode('node-a');
    for (const ns of ['notify', 'ha']) await cp.createNamespace(ns);
    await push('notify/app');
    await push('ha/app');
    const annotations = { 'kube-fresh.io/policy': 'pin' };
    await cp.admin.create(
      '/apis/apps/v1/namespaces/notify/deployments',
      deployment('app', image('notify/app'), 1, { annotations }),
    );
    await cp.admin.create(
      '/apis/apps/v1/namespaces/ha/deployments',
      deployment('app', image('ha/app'), 1, { annotations }),
    );
    await story.runScheduledPods('notify', 1);
    await story.runScheduledPods('ha', 1);
  });

  after(async () => {
    await Promise.all(running.map((c) => c.stop().catch(() => null)));
    await registry?.pusher.close();
    await Promise.all([cp?.stop(), registry?.stop()]);
  });

  it('pins on a push notification, without waiting for the poll', async () => {
    const controller = await start(
      [
        '-n',
        'notify',
        '--poll-interval',
        '5m',
        '--listen',
        `127.0.0.1:${port}`,
        '--insecure-registry',
        registry.host,
      ],
      { KUBE_FRESH_NOTIFICATION_TOKEN: TOKEN },
    );
    await eventually(async () => (await controller.get('/readyz')).status === 200, 60_000, 'ready');
    await eventually(
      async () => (await controller.metric('kube_fresh_tags_tracked')) === 1,
      60_000,
      'tag tracked',
    );
    const moved = await push('notify/app');
    await eventually(
      async () => (await templateImage('notify', 'app')) === `${image('notify/app')}@${moved}`,
      60_000,
      'pinned to the pushed digest',
    );
    assert.ok(
      (await controller.metric('kube_fresh_tag_moves_total', { source: 'notification' })) >= 1,
    );
    assert.ok(
      (await controller.metric('kube_fresh_notifications_total', { result: 'accepted' })) >= 1,
    );
    // Observed after the patch and its Event, so it may trail the template by a moment.
    await eventually(
      async () => (await controller.metric('kube_fresh_notification_to_pin_seconds_count')) >= 1,
      30_000,
      'a notification → pin latency sample',
    );
    // A wrong token is refused and changes nothing.
    const refused = await fetch(`${controller.url}/hooks/distribution`, {
      method: 'POST',
      headers: {
        authorization: 'Bearer wrong-token-0123456789',
        'content-type': 'application/json',
      },
      body: '{"events":[]}',
    });
    assert.equal(refused.status, 401);
    assert.ok(
      !controller.logs.some((l) => JSON.stringify(l).includes(TOKEN)),
      'the token is never logged',
    );
  });

  it('elects one leader; when it dies without releasing the Lease, the standby pins the next push', async () => {
    const args = [
      '-n',
      'ha',
      '--poll-interval',
      '1s',
      '--leader-elect',
      'true',
      '--leader-election-namespace',
      'ha',
      '--lease-duration',
      '3s',
      '--renew-deadline',
      '2s',
      '--retry-period',
      '500ms',
      '--insecure-registry',
      registry.host,
    ];
    const a = await start(args, { POD_NAME: 'ctl-a' });
    const b = await start(args, { POD_NAME: 'ctl-b' });
    const leaders = async (): Promise<number> =>
      (await a.metric('kube_fresh_leader')) + (await b.metric('kube_fresh_leader'));
    await eventually(async () => (await leaders()) === 1, 60_000, 'exactly one leader');
    const leader = (await a.metric('kube_fresh_leader')) === 1 ? a : b;
    const standby = leader === a ? b : a;
    const lease = await cp.admin.get<{ spec: { holderIdentity: string } }>(
      '/apis/coordination.k8s.io/v1/namespaces/ha/leases/kube-fresh-controller',
    );
    assert.match(lease.spec.holderIdentity, leader === a ? /^ctl-a_/ : /^ctl-b_/);
    const first = await push('ha/app');
    await eventually(
      async () => (await templateImage('ha', 'app')) === `${image('ha/app')}@${first}`,
      60_000,
      'leader pins',
    );
    await leader.kill();
    await eventually(
      async () => (await standby.metric('kube_fresh_leader')) === 1,
      60_000,
      'standby takes over',
    );
    const second = await push('ha/app');
    await eventually(
      async () => (await templateImage('ha', 'app')) === `${image('ha/app')}@${second}`,
      60_000,
      'new leader pins',
    );
  });
});
