import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildOwnerIndex, resolveOwners, type OwnerReferenceView } from './owner-resolution.ts';

const ref = (
  kind: string,
  apiVersion: string,
  name: string,
  controller = true,
): OwnerReferenceView => ({
  kind,
  apiVersion,
  name,
  uid: `uid-${name}`,
  controller,
});
const pod = (ownerReferences?: OwnerReferenceView[]) => ({
  namespace: 'ns',
  name: 'p',
  uid: 'uid-p',
  ownerReferences,
});

const index = buildOwnerIndex([
  { uid: 'uid-web-abc', ownerReferences: [ref('Deployment', 'apps/v1', 'web')] },
  { uid: 'uid-canary-1', ownerReferences: [ref('Rollout', 'argoproj.io/v1alpha1', 'canary')] },
  { uid: 'uid-plain', ownerReferences: [] },
  { uid: 'uid-nightly-1', ownerReferences: [ref('CronJob', 'batch/v1', 'nightly')] },
  { uid: 'uid-batch', ownerReferences: [] },
]);

describe('resolveOwners', () => {
  const cases: [string, OwnerReferenceView[] | undefined, string, string | undefined][] = [
    ['a bare Pod is its own workload', undefined, 'Pod/p', undefined],
    [
      'Deployment through its ReplicaSet',
      [ref('ReplicaSet', 'apps/v1', 'web-abc')],
      'Deployment/web',
      'ReplicaSet/web-abc',
    ],
    [
      'Argo Rollout through its ReplicaSet',
      [ref('ReplicaSet', 'apps/v1', 'canary-1')],
      'Rollout/canary',
      'ReplicaSet/canary-1',
    ],
    ['a bare ReplicaSet', [ref('ReplicaSet', 'apps/v1', 'plain')], 'ReplicaSet/plain', undefined],
    [
      'CronJob through its Job',
      [ref('Job', 'batch/v1', 'nightly-1')],
      'CronJob/nightly',
      'Job/nightly-1',
    ],
    ['a bare Job', [ref('Job', 'batch/v1', 'batch')], 'Job/batch', undefined],
    ['StatefulSet in one step', [ref('StatefulSet', 'apps/v1', 'db')], 'StatefulSet/db', undefined],
    ['DaemonSet in one step', [ref('DaemonSet', 'apps/v1', 'agent')], 'DaemonSet/agent', undefined],
    [
      'ReplicationController in one step',
      [ref('ReplicationController', 'v1', 'legacy')],
      'ReplicationController/legacy',
      undefined,
    ],
    [
      'a custom controller kind',
      [ref('Workflow', 'argoproj.io/v1alpha1', 'wf')],
      'Workflow/wf',
      undefined,
    ],
    [
      'a ReplicaSet that was not listed stays the workload',
      [ref('ReplicaSet', 'apps/v1', 'gone')],
      'ReplicaSet/gone',
      undefined,
    ],
    [
      'the controller reference wins over other owners',
      [ref('ConfigMap', 'v1', 'cm', false), ref('StatefulSet', 'apps/v1', 'db')],
      'StatefulSet/db',
      undefined,
    ],
    [
      'a lone owner without the controller flag still counts',
      [ref('DaemonSet', 'apps/v1', 'agent', false)],
      'DaemonSet/agent',
      undefined,
    ],
    [
      'several owners, none the controller: a bare Pod',
      [ref('A', 'x/v1', 'a', false), ref('B', 'x/v1', 'b', false)],
      'Pod/p',
      undefined,
    ],
  ];
  for (const [title, refs, workload, controller] of cases) {
    it(title, () => {
      const owners = resolveOwners(pod(refs), index);
      assert.equal(`${owners.workload.kind}/${owners.workload.name}`, workload);
      assert.equal(owners.workload.namespace, 'ns');
      assert.equal(
        owners.controller && `${owners.controller.kind}/${owners.controller.name}`,
        controller,
      );
    });
  }

  it('carries the workload uid and apiVersion from the owner reference', () => {
    const owners = resolveOwners(pod([ref('ReplicaSet', 'apps/v1', 'web-abc')]), index);
    assert.deepEqual(owners.workload, {
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      name: 'web',
      namespace: 'ns',
      uid: 'uid-web',
    });
  });
});
