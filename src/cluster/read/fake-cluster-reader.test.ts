import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../../core/errors.ts';
import { ClusterError } from '../cluster-error.ts';
import type { SnapshotPod } from './cluster-snapshot.ts';
import { FakeClusterReader } from './fake-cluster-reader.ts';

const pod = (
  namespace: string,
  name: string,
  labels: Record<string, string>,
  workload = { kind: 'Pod', name },
): SnapshotPod => ({
  namespace,
  name,
  uid: `uid-${name}`,
  labels,
  createdAt: undefined,
  nodeName: 'n1',
  phase: 'Running',
  serviceAccountName: 'default',
  imagePullSecrets: ['regcred'],
  containers: [],
  workload: { ...workload, apiVersion: 'v1', namespace, uid: `uid-${workload.name}` },
  controller: undefined,
});

describe('FakeClusterReader', () => {
  const reader = new FakeClusterReader({
    pods: [
      pod('a', 'web-1', { app: 'web' }, { kind: 'Deployment', name: 'web' }),
      pod('a', 'db-0', { app: 'db' }),
      pod('b', 'web-2', { app: 'web' }),
    ],
    pullSecrets: [
      { namespace: 'a', name: 'regcred', type: 'kubernetes.io/dockerconfigjson', data: {} },
      { namespace: 'c', name: 'regcred', type: 'kubernetes.io/dockerconfigjson', data: {} },
    ],
    workloads: [
      { kind: 'Deployment', name: 'idle', apiVersion: 'apps/v1', namespace: 'a', uid: 'u' },
    ],
  });

  it('applies namespace, label selector and workload scopes like the real reader', async () => {
    const names = async (scope: Parameters<typeof reader.readSnapshot>[0]) =>
      (await reader.readSnapshot(scope)).pods.map((p) => p.name);
    assert.deepEqual(await names({}), ['web-1', 'db-0', 'web-2']);
    assert.deepEqual(await names({ namespace: 'a', labelSelector: 'app in (web)' }), ['web-1']);
    assert.deepEqual(
      await names({ workloads: [{ kind: 'Deployment', name: 'web', namespace: 'a' }] }),
      ['web-1'],
    );
    assert.deepEqual(
      await names({ namespace: 'a', workloads: [{ kind: 'Deployment', name: 'idle' }] }),
      [],
    );
    assert.deepEqual(
      (await reader.readSnapshot({ namespace: 'a' })).pullSecrets.map((s) => s.namespace),
      ['a'],
    );
  });

  it('fails like the real reader: not-found workloads, bad selectors, injected failures', async () => {
    await assert.rejects(
      reader.readSnapshot({ workloads: [{ kind: 'StatefulSet', name: 'db' }] }),
      { failure: 'not-found' },
    );
    await assert.rejects(reader.readSnapshot({ labelSelector: 'a b' }), UsageError);
    await assert.rejects(reader.readPod('a', 'nope'), { failure: 'not-found' });
    assert.equal((await reader.readPod('b', 'web-2')).name, 'web-2');
    const down = new FakeClusterReader();
    down.failWith('unreachable');
    await assert.rejects(
      down.readSnapshot({}),
      (e: unknown) =>
        e instanceof ClusterError &&
        e.message ===
          'cannot reach the API server (context "fake", server https://fake.invalid:6443)',
    );
    assert.deepEqual(down.calls, [{ method: 'readSnapshot', scope: {} }]);
  });
});
