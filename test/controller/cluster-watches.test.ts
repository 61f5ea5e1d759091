// The controller's watch caches against the Go-built kube-apiserver: the first list, events after
// it, and the API server becoming unreachable (every connection cut, new ones refused) while objects
// change: the watches come back by themselves and nothing is lost. (410 handling is unit-tested in
// src/cluster/watch/reflector.test.ts: this kube-apiserver serves a watch from resourceVersion 1
// out of its watch cache even after an etcd compaction, so no 410 could be forced here.)
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  connectWatchedCluster,
  type WatchedCluster,
} from '../../src/cluster/watch/connect-watched-cluster.ts';
import type { RestartReason } from '../../src/cluster/watch/reflector.ts';
import { eventually as waitUntil } from './eventually.ts';
import { startControlPlane, type ControlPlane } from '../../harness/control-plane/control-plane.ts';

const NS = 'watched';

function pod(name: string, image = '127.0.0.1:1/app:v1'): unknown {
  return {
    metadata: { name },
    // Unscheduled (no scheduler runs): a delete removes it at once, with no kubelet to confirm.
    spec: { containers: [{ name: 'app', image }] },
  };
}

function deployment(name: string): unknown {
  return {
    metadata: { name, annotations: { 'kube-fresh.io/policy': 'pin' } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image: 'x:1' }] },
      },
    },
  };
}

/** A TCP relay in front of the API server that can drop every connection and refuse new ones. */
async function startCuttableRelay(upstreamPort: number): Promise<{
  port: number;
  cut(): void;
  restore(): Promise<void>;
  stop(): Promise<void>;
}> {
  const sockets = new Set<Socket>();
  let server: Server;
  let port = 0;
  const open = async (): Promise<void> => {
    server = createServer((client) => {
      const upstream = connect(upstreamPort, '127.0.0.1');
      sockets.add(client).add(upstream);
      client.pipe(upstream).pipe(client);
      const drop = (): void => {
        client.destroy();
        upstream.destroy();
        sockets.delete(client);
        sockets.delete(upstream);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  };
  await open();
  const close = async (): Promise<void> => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of sockets) s.destroy();
    sockets.clear();
    await closed;
  };
  return { port, cut: () => void close(), restore: open, stop: close };
}

describe('controller watches on a real API server', { timeout: 180_000 }, () => {
  let cp: ControlPlane;
  let relay: Awaited<ReturnType<typeof startCuttableRelay>>;
  let kubeconfig: string;
  const clusters: WatchedCluster[] = [];
  const restarts: Array<{ kind: string; reason: RestartReason }> = [];

  const connectTo = async (
    path: string,
    options: Parameters<typeof connectWatchedCluster>[3] = {},
  ): Promise<WatchedCluster> => {
    const cluster = await connectWatchedCluster(
      { sources: { kubeconfigFlag: path, home: '/nonexistent' }, env: {} },
      { namespace: NS },
      { onRestart: (kind, reason) => restarts.push({ kind, reason }) },
      { backoff: { initialMs: 100, maxMs: 1_000 }, ...options },
    );
    clusters.push(cluster);
    cluster.watches.start();
    await waitUntil(() => cluster.watches.unsynced().length === 0, 30_000, 'caches synced');
    return cluster;
  };
  const podNames = (c: WatchedCluster): string[] =>
    [...c.watches.pods.values()].map((p) => p.metadata?.name ?? '').sort();

  before(async () => {
    cp = await startControlPlane({ controllers: false });
    await cp.createNamespace(NS);
    for (const name of ['a', 'b', 'c'])
      await cp.admin.create(`/api/v1/namespaces/${NS}/pods`, pod(name));
    await cp.admin.create(`/apis/apps/v1/namespaces/${NS}/deployments`, deployment('web'));
    relay = await startCuttableRelay(Number(new URL(cp.server).port));
    kubeconfig = join(cp.dir, 'relay.kubeconfig');
    const text = await readFile(cp.kubeconfigPath, 'utf8');
    await writeFile(kubeconfig, text.replaceAll(cp.server, `https://127.0.0.1:${relay.port}`));
  });

  after(async () => {
    for (const c of clusters) await c.watches.stop();
    await relay?.stop();
    await cp?.stop();
  });

  it('lists once, then follows adds, changes and deletes through the watch', async () => {
    const c = await connectTo(cp.kubeconfigPath);
    assert.deepEqual(podNames(c), ['a', 'b', 'c']);
    assert.equal(
      c.watches.workload('Deployment', NS, 'web')?.annotations['kube-fresh.io/policy'],
      'pin',
    );
    assert.equal(c.watches.namespace(NS)?.name, NS);
    const trimmed = c.watches.pods.get(`${NS}/a`);
    assert.deepEqual(Object.keys(trimmed?.spec?.containers[0] ?? {}).sort(), [
      'image',
      'imagePullPolicy',
      'name',
      'restartPolicy',
    ]);
    await cp.admin.create(`/api/v1/namespaces/${NS}/pods`, pod('d'));
    await cp.admin.delete(`/api/v1/namespaces/${NS}/pods/a`);
    await cp.admin.patch(`/apis/apps/v1/namespaces/${NS}/deployments/web`, {
      metadata: { annotations: { 'kube-fresh.io/policy': 'report' } },
    });
    await waitUntil(
      () =>
        podNames(c).join() === 'b,c,d' &&
        c.watches.workload('Deployment', NS, 'web')?.annotations['kube-fresh.io/policy'] ===
          'report',
      30_000,
      'watch events applied',
    );
    // The snapshot the `status`/`fix` flows read is assembled from the same caches.
    const snapshot = await c.watches.reader().readSnapshot({ namespace: NS });
    assert.deepEqual(snapshot.pods.map((p) => p.name).sort(), ['b', 'c', 'd']);
    assert.equal(snapshot.pods[0]?.workload.kind, 'Pod');
  });

  it('resumes after the API server was unreachable, with nothing lost', async () => {
    const c = await connectTo(kubeconfig);
    assert.deepEqual(podNames(c), ['b', 'c', 'd']);
    const errorsBefore = restarts.filter((r) => r.reason === 'error').length;
    relay.cut();
    // Changes the controller cannot see while it is cut off.
    await cp.admin.create(`/api/v1/namespaces/${NS}/pods`, pod('e'));
    await cp.admin.delete(`/api/v1/namespaces/${NS}/pods/b`);
    await waitUntil(
      () => restarts.filter((r) => r.reason === 'error').length > errorsBefore,
      30_000,
      'the watch noticed the outage',
    );
    await relay.restore();
    await waitUntil(() => podNames(c).join() === 'c,d,e', 60_000, 'caught up after the outage');
    await cp.admin.create(`/api/v1/namespaces/${NS}/pods`, pod('f'));
    await waitUntil(() => podNames(c).join() === 'c,d,e,f', 30_000, 'watching again');
  });

  it('--namespace-selector: only Pods of namespaces whose labels match, following relabels', async () => {
    await cp.createNamespace('picked');
    await cp.admin.patch('/api/v1/namespaces/picked', { metadata: { labels: { team: 'web' } } });
    await cp.admin.create('/api/v1/namespaces/picked/pods', pod('p1'));
    const c = await connectWatchedCluster(
      { sources: { kubeconfigFlag: cp.kubeconfigPath, home: '/nonexistent' }, env: {} },
      { namespaceSelector: 'team=web' },
      {},
    );
    clusters.push(c);
    c.watches.start();
    await waitUntil(() => c.watches.unsynced().length === 0, 30_000, 'caches synced');
    const scoped = (): string[] =>
      c.watches
        .podsInScope()
        .map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`)
        .sort();
    assert.deepEqual(scoped(), ['picked/p1']);
    await cp.admin.patch(`/api/v1/namespaces/${NS}`, { metadata: { labels: { team: 'web' } } });
    await waitUntil(() => scoped().length > 1, 30_000, 'the relabelled namespace joins');
    assert.ok(scoped().every((p) => p.startsWith('picked/') || p.startsWith(`${NS}/`)));
  });

  it('stop() ends every watch promptly', async () => {
    const c = await connectTo(cp.kubeconfigPath);
    const started = Date.now();
    await c.watches.stop();
    assert.ok(Date.now() - started < 10_000);
  });
});
