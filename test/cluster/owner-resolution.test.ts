// Owner resolution against a real control plane whose controller-manager creates the Pods:
// Deployment (via ReplicaSet), StatefulSet, DaemonSet, CronJob (via Job), Job, bare ReplicaSet,
// ReplicationController, Argo Rollout (via ReplicaSet, with a minimal CRD) and a bare Pod.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connectCluster } from '../../src/cluster/connection/connect-cluster.ts';
import type { ClusterSnapshot } from '../../src/cluster/read/cluster-snapshot.ts';
import { startControlPlane, type ControlPlane } from '../../harness/control-plane/control-plane.ts';
import { waitUntil } from '../../harness/control-plane/control-plane-processes.ts';
import { FakeRegistryState } from '../../harness/kubelet/fake-registry-state.ts';
import { FakeNodeRuntime } from '../../harness/kubelet/kubelet-standin.ts';
import { ROLLOUT_CRD, workloadFixtures } from './workload-fixtures.ts';

const NS = 'owners';

describe('owner resolution with a real controller-manager', { timeout: 240_000 }, () => {
  let cp: ControlPlane;
  let snapshot: ClusterSnapshot;

  before(async () => {
    cp = await startControlPlane();
    await cp.createNamespace(NS);
    await cp.admin.create('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', ROLLOUT_CRD);
    // A Ready node lets the DaemonSet controller place its Pod.
    await FakeNodeRuntime.register(cp, {
      name: 'worker-1',
      registry: new FakeRegistryState().lookup,
    });
    await waitUntil(
      'the Rollout CRD to be served',
      async () => (
        await cp.admin.get(`/apis/argoproj.io/v1alpha1/namespaces/${NS}/rollouts`),
        true
      ),
      { timeoutMs: 30_000 },
    );
    for (const step of workloadFixtures(NS)) await step(cp.admin);
    await waitUntil(
      'the controllers to create every Pod',
      async () => {
        const pods = await cp.admin.listAll<{ metadata: { labels?: Record<string, string> } }>(
          `/api/v1/namespaces/${NS}/pods`,
        );
        const apps = new Set(pods.map((p) => p.metadata.labels?.app));
        return [
          'web',
          'db',
          'agent',
          'batch',
          'nightly',
          'plain-rs',
          'legacy',
          'canary',
          'solo',
        ].every((a) => apps.has(a));
      },
      { timeoutMs: 90_000, intervalMs: 250 },
    );
    const { reader } = await connectCluster({
      sources: { kubeconfigFlag: cp.kubeconfigPath },
      env: {},
    });
    snapshot = await reader.readSnapshot({ namespace: NS });
  });
  after(() => cp?.stop());

  const workloadOf = (app: string) => {
    const pods = snapshot.pods.filter((p) => p.labels.app === app);
    assert.ok(pods.length > 0, `no Pods for ${app}`);
    const kinds = new Set(
      pods.map((p) => `${p.workload.kind}/${p.workload.name} via ${p.controller?.kind ?? '-'}`),
    );
    assert.equal(kinds.size, 1, `${app}: ${[...kinds].join(', ')}`);
    return pods[0]!;
  };

  const cases: [
    app: string,
    kind: string,
    name: string,
    apiVersion: string,
    via: string | undefined,
  ][] = [
    ['web', 'Deployment', 'web', 'apps/v1', 'ReplicaSet'],
    ['db', 'StatefulSet', 'db', 'apps/v1', undefined],
    ['agent', 'DaemonSet', 'agent', 'apps/v1', undefined],
    ['nightly', 'CronJob', 'nightly', 'batch/v1', 'Job'],
    ['batch', 'Job', 'batch', 'batch/v1', undefined],
    ['plain-rs', 'ReplicaSet', 'plain-rs', 'apps/v1', undefined],
    ['legacy', 'ReplicationController', 'legacy', 'v1', undefined],
    ['canary', 'Rollout', 'canary', 'argoproj.io/v1alpha1', 'ReplicaSet'],
    ['solo', 'Pod', 'solo', 'v1', undefined],
  ];
  for (const [app, kind, name, apiVersion, via] of cases) {
    it(`resolves ${app} Pods to ${kind} ${name}${via ? ` through their ${via}` : ''}`, () => {
      const pod = workloadOf(app);
      assert.equal(pod.workload.kind, kind);
      assert.equal(pod.workload.name, name);
      assert.equal(pod.workload.apiVersion, apiVersion);
      assert.equal(pod.workload.namespace, NS);
      assert.match(pod.workload.uid, /^[0-9a-f-]{36}$/);
      assert.equal(pod.controller?.kind, via);
    });
  }

  it('resolves the same owners for a single Pod read (explain) and for a workload selector', async () => {
    const { reader } = await connectCluster({
      sources: { kubeconfigFlag: cp.kubeconfigPath },
      env: {},
    });
    const web = workloadOf('web');
    const pod = await reader.readPod(NS, web.name);
    assert.deepEqual([pod.workload, pod.controller], [web.workload, web.controller]);
    const cron = await reader.readSnapshot({
      namespace: NS,
      workloads: [{ kind: 'CronJob', name: 'nightly' }],
    });
    assert.deepEqual(
      cron.pods.map((p) => p.labels.app),
      ['nightly'],
    );
    const rollout = await reader.readSnapshot({
      workloads: [{ kind: 'Rollout', name: 'canary', namespace: NS }],
    });
    assert.ok(rollout.pods.length > 0 && rollout.pods.every((p) => p.workload.kind === 'Rollout'));
    await assert.rejects(reader.readPod(NS, 'no-such-pod'), { failure: 'not-found' });
  });

  it('lists ReplicaSets and Jobs with one request each, not one per Pod', async () => {
    const { reader } = await connectCluster({
      sources: { kubeconfigFlag: cp.kubeconfigPath },
      env: {},
    });
    await reader.readSnapshot({ namespace: NS });
    const log = reader.stats().log;
    assert.equal(
      log.filter((l) => l === `GET /apis/apps/v1/namespaces/${NS}/replicasets`).length,
      1,
    );
    assert.equal(log.filter((l) => l === `GET /apis/batch/v1/namespaces/${NS}/jobs`).length, 1);
    assert.ok(
      !log.some((l) => /\/(replicasets|jobs|deployments|cronjobs)\/[^/]+$/.test(l)),
      log.join(', '),
    );
    assert.deepEqual(snapshot.warnings, []);
  });
});
