// A snapshot of 2,200 Pods in four namespaces from a real kube-apiserver: chunked lists of 500,
// a fixed number of requests however many Pods there are, the QPS budget, and scopes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pLimit from 'p-limit';
import { connectCluster } from '../../src/cluster/connection/connect-cluster.ts';
import { PAGE_SIZE } from '../../src/cluster/read/list-pages.ts';
import { startControlPlane, type ControlPlane } from '../../harness/control-plane/control-plane.ts';

const NAMESPACES = ['alpha', 'beta', 'gamma', 'delta'];
const PODS_PER_NAMESPACE = 550;
const TOTAL = NAMESPACES.length * PODS_PER_NAMESPACE;

describe('snapshot of a cluster with 2,200 Pods', { timeout: 240_000 }, () => {
  let cp: ControlPlane;
  let createMs = 0;

  before(async () => {
    cp = await startControlPlane({ controllers: false });
    for (const namespace of NAMESPACES) await cp.createNamespace(namespace);
    const started = performance.now();
    const limit = pLimit(32);
    await Promise.all(
      NAMESPACES.flatMap((namespace) =>
        Array.from({ length: PODS_PER_NAMESPACE }, (_, i) =>
          limit(() =>
            cp.admin.create(`/api/v1/namespaces/${namespace}/pods`, {
              metadata: { name: `load-${i}`, labels: { app: 'load', shard: String(i % 5) } },
              spec: { containers: [{ name: 'app', image: 'registry.example.com/team/app:1.4' }] },
            }),
          ),
        ),
      ),
    );
    createMs = performance.now() - started;
  });
  after(() => cp?.stop());

  it('lists every Pod in all namespaces, 500 per request, and never one request per Pod', async () => {
    const { reader } = await connectCluster({
      sources: { kubeconfigFlag: cp.kubeconfigPath },
      env: {},
      budget: { qps: 0, burst: 1 },
    });
    const started = performance.now();
    const snapshot = await reader.readSnapshot({});
    const readMs = performance.now() - started;
    assert.equal(snapshot.pods.length, TOTAL);
    assert.equal(new Set(snapshot.pods.map((p) => `${p.namespace}/${p.name}`)).size, TOTAL);
    assert.deepEqual(snapshot.warnings, []);
    const { log, requests } = reader.stats();
    assert.equal(
      log.filter((line) => line === 'GET /api/v1/pods').length,
      Math.ceil(TOTAL / PAGE_SIZE),
    );
    assert.ok(
      !log.some((line) => /\/pods\/[^/]+$/.test(line)),
      `per-Pod request in ${log.join(', ')}`,
    );
    // Pods (5 pages) + ReplicaSets, Jobs, Nodes, Events, ServiceAccounts (one page each).
    assert.equal(requests, Math.ceil(TOTAL / PAGE_SIZE) + 5);
    const pod = snapshot.pods.find((p) => p.namespace === 'gamma' && p.name === 'load-7');
    assert.deepEqual(pod?.workload, {
      kind: 'Pod',
      apiVersion: 'v1',
      name: 'load-7',
      namespace: 'gamma',
      uid: pod?.uid,
    });
    assert.equal(pod?.containers[0]?.imagePullPolicy, 'IfNotPresent');
    assert.equal(snapshot.serviceAccounts.length, NAMESPACES.length);
    process.stderr.write(
      `  created ${TOTAL} Pods in ${Math.round(createMs)} ms; snapshot in ${Math.round(readMs)} ms\n`,
    );
  });

  it('narrows to one namespace and a label selector on the server side', async () => {
    const { reader } = await connectCluster({
      sources: { kubeconfigFlag: cp.kubeconfigPath },
      env: {},
    });
    const snapshot = await reader.readSnapshot({ namespace: 'beta', labelSelector: 'shard=3' });
    assert.equal(snapshot.pods.length, PODS_PER_NAMESPACE / 5);
    assert.ok(snapshot.pods.every((p) => p.namespace === 'beta' && p.labels.shard === '3'));
    assert.ok(reader.stats().log.includes('GET /api/v1/namespaces/beta/pods'));
  });

  it('keeps to the client-side QPS budget', async () => {
    const { reader } = await connectCluster({
      sources: { kubeconfigFlag: cp.kubeconfigPath },
      env: {},
      budget: { qps: 5, burst: 2 },
    });
    const started = performance.now();
    await reader.readSnapshot({});
    const elapsedMs = performance.now() - started;
    const { requests } = reader.stats();
    // burst 2, then 5 per second: request n (n > 2) may start (n - 2) / 5 s after the first.
    const minimumMs = ((requests - 2) / 5) * 1000;
    assert.ok(
      elapsedMs >= minimumMs - 50,
      `${requests} requests took ${Math.round(elapsedMs)} ms, budget needs ${minimumMs} ms`,
    );
  });

  it('selects one bare Pod by workload and rejects a workload that does not exist', async () => {
    const { reader } = await connectCluster({
      sources: { kubeconfigFlag: cp.kubeconfigPath },
      env: {},
    });
    const snapshot = await reader.readSnapshot({
      workloads: [{ kind: 'Pod', name: 'load-42', namespace: 'delta' }],
    });
    assert.deepEqual(
      snapshot.pods.map((p) => `${p.namespace}/${p.name}`),
      ['delta/load-42'],
    );
    await assert.rejects(
      reader.readSnapshot({
        namespace: 'delta',
        workloads: [{ kind: 'Deployment', name: 'nope' }],
      }),
      (error: Error & { failure?: string }) => {
        assert.equal(error.failure, 'not-found');
        assert.match(
          error.message,
          /Deployment "nope" in namespace "delta".*not found.*context "kube-fresh-test-admin", server https:\/\/127\.0\.0\.1:\d+/,
        );
        return true;
      },
    );
  });
});
