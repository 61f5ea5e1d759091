import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CoreV1Event, V1Pod, V1ServiceAccount } from '@kubernetes/client-node';
import { assembleSnapshot, type ListedObjects } from './snapshot-assembly.ts';

const owner = (kind: string, apiVersion: string, name: string) => ({
  kind,
  apiVersion,
  name,
  uid: `uid-${name}`,
  controller: true,
});
const pod = (
  name: string,
  extra: Partial<V1Pod['spec']> = {},
  refs?: ReturnType<typeof owner>[],
): V1Pod => ({
  metadata: {
    namespace: 'ns',
    name,
    uid: `uid-${name}`,
    ownerReferences: refs,
    creationTimestamp: new Date('2026-01-02T03:04:05Z'),
  },
  spec: {
    containers: [{ name: 'app', image: 'nginx:1.27', imagePullPolicy: 'IfNotPresent' }],
    ...extra,
  },
  status: {
    containerStatuses: [
      {
        name: 'app',
        image: 'docker.io/library/nginx:1.27',
        imageID: 'docker.io/library/nginx@sha256:aa',
        ready: true,
        restartCount: 2,
        state: { running: { startedAt: new Date('2026-01-02T03:04:06Z') } },
        lastState: { terminated: { exitCode: 1, reason: 'Error' } },
      },
    ],
  },
});
const event = (uid: string | undefined, name: string, reason: string): CoreV1Event => ({
  metadata: { namespace: 'ns', name: `${name}.1` },
  involvedObject: { kind: 'Pod', namespace: 'ns', name, uid, fieldPath: 'spec.containers{app}' },
  reason,
  message: `${reason} message`,
  type: 'Normal',
  count: 1,
  lastTimestamp: new Date('2026-01-02T03:04:07Z'),
  eventTime: '2026-01-02T03:04:07.123456Z' as unknown as Date,
  source: { component: 'kubelet', host: 'n1' },
});
const account = (name: string, secrets: string[]): V1ServiceAccount => ({
  metadata: { namespace: 'ns', name },
  imagePullSecrets: secrets.map((s) => ({ name: s })),
});

const listed: ListedObjects = {
  pods: [
    pod('web-1', { imagePullSecrets: [{ name: 'regcred' }] }, [
      owner('ReplicaSet', 'apps/v1', 'web-abc'),
    ]),
    pod('job-1', { serviceAccountName: 'builder' }, [owner('Job', 'batch/v1', 'nightly-1')]),
    pod('solo', {
      initContainers: [{ name: 'init', image: 'busybox' }],
      ephemeralContainers: [{ name: 'debug', image: 'busybox' }],
    }),
  ],
  replicaSets: [{ uid: 'uid-web-abc', ownerReferences: [owner('Deployment', 'apps/v1', 'web')] }],
  jobs: undefined,
  nodes: [],
  events: [
    event('uid-web-1', 'web-1', 'Pulled'),
    event(undefined, 'solo', 'Pulling'),
    event('uid-gone', 'gone', 'Pulled'),
  ],
  serviceAccounts: [
    account('default', []),
    account('builder', ['sa-cred']),
    account('unused', ['x']),
  ],
};

describe('assembleSnapshot', () => {
  const assembled = assembleSnapshot(listed, []);

  it('resolves owners and reports kinds it could not list', () => {
    assert.deepEqual(
      assembled.pods.map((p) => `${p.name} → ${p.workload.kind}/${p.workload.name}`),
      ['web-1 → Deployment/web', 'job-1 → Job/nightly-1', 'solo → Pod/solo'],
    );
    assert.deepEqual(assembled.unresolvedKinds, ['Job']);
  });

  it('keeps every container kind with its status, timestamps as ISO strings', () => {
    const web = assembled.pods[0];
    assert.equal(web?.createdAt, '2026-01-02T03:04:05.000Z');
    assert.deepEqual(web?.containers[0]?.status?.current, {
      state: 'running',
      reason: undefined,
      message: undefined,
      startedAt: '2026-01-02T03:04:06.000Z',
      finishedAt: undefined,
      exitCode: undefined,
    });
    assert.equal(web?.containers[0]?.status?.last?.reason, 'Error');
    assert.equal(web?.containers[0]?.status?.restartCount, 2);
    assert.deepEqual(
      assembled.pods[2]?.containers.map(
        (c) => `${c.kind}:${c.name}:${c.status === undefined ? 'no status' : 'status'}`,
      ),
      ['init:init:no status', 'regular:app:status', 'ephemeral:debug:no status'],
    );
  });

  it("keeps only the Pods' Events, ServiceAccounts and pull Secret references", () => {
    assert.deepEqual(
      assembled.events.map((e) => `${e.involvedObject.name}:${e.reason}`),
      ['web-1:Pulled', 'solo:Pulling'],
    );
    assert.equal(assembled.events[0]?.eventTime, '2026-01-02T03:04:07.123456Z');
    assert.equal(assembled.events[0]?.lastTimestamp, '2026-01-02T03:04:07.000Z');
    assert.deepEqual(
      assembled.serviceAccounts.map((a) => a.name),
      ['default', 'builder'],
    );
    assert.deepEqual(assembled.secretRefs, [
      { namespace: 'ns', name: 'regcred' },
      { namespace: 'ns', name: 'sa-cred' },
    ]);
  });

  it('filters to selected workloads', () => {
    const selected = assembleSnapshot(listed, [
      { selector: { kind: 'Deployment', name: 'web' }, namespace: 'ns' },
    ]);
    assert.deepEqual(
      selected.pods.map((p) => p.name),
      ['web-1'],
    );
    assert.deepEqual(
      selected.events.map((e) => e.involvedObject.name),
      ['web-1'],
    );
  });
});
