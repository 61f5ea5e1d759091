import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  parseWorkloadArgument,
  podMatchesSelector,
  workloadKindInfo,
  workloadPath,
} from './workload-kinds.ts';

describe('parseWorkloadArgument', () => {
  const accepted: [string, string, string][] = [
    ['deploy/web', 'Deployment', 'web'],
    ['Deployment/web', 'Deployment', 'web'],
    ['deployments.apps/web', 'Deployment', 'web'],
    ['sts/db-0.x', 'StatefulSet', 'db-0.x'],
    ['ds/agent', 'DaemonSet', 'agent'],
    ['cj/nightly', 'CronJob', 'nightly'],
    ['jobs.batch/batch', 'Job', 'batch'],
    ['rs/web-5d9f', 'ReplicaSet', 'web-5d9f'],
    ['rc/legacy', 'ReplicationController', 'legacy'],
    ['rollouts.argoproj.io/canary', 'Rollout', 'canary'],
    ['po/web-5d9f-x2x', 'Pod', 'web-5d9f-x2x'],
  ];
  for (const [text, kind, name] of accepted) {
    it(`reads ${text}`, () =>
      assert.deepEqual(parseWorkloadArgument(text), { ok: true, selector: { kind, name } }));
  }
  const refused: [string, RegExp][] = [
    ['web', /expected TYPE\/NAME/],
    ['deploy/', /expected TYPE\/NAME/],
    [
      'service/web',
      /unknown workload type "service" \(known: deploy, sts, ds, rs, rc, job, cj, ro, po\)|unknown workload type "service"/,
    ],
    ['deployments.batch/web', /unknown workload type/],
    ['deploy/Web', /not a valid Kubernetes object name/],
  ];
  for (const [text, message] of refused) {
    it(`refuses ${text}`, () => {
      const parsed = parseWorkloadArgument(text);
      assert.equal(parsed.ok, false);
      if (!parsed.ok) assert.match(parsed.message, message);
    });
  }
});

describe('workload paths and matching', () => {
  it('builds API paths for core and grouped kinds', () => {
    assert.equal(workloadPath(workloadKindInfo('Pod')!, 'ns', 'p'), '/api/v1/namespaces/ns/pods/p');
    assert.equal(
      workloadPath(workloadKindInfo('Rollout')!, 'ns', 'r'),
      '/apis/argoproj.io/v1alpha1/namespaces/ns/rollouts/r',
    );
  });

  it('matches Pods by their workload or direct controller, in the selector namespace', () => {
    const ref = (kind: string, name: string) => ({
      kind,
      name,
      apiVersion: 'v',
      namespace: 'ns',
      uid: 'u',
    });
    const pod = {
      namespace: 'ns',
      name: 'web-1',
      workload: ref('Deployment', 'web'),
      controller: ref('ReplicaSet', 'web-1a'),
    };
    assert.equal(podMatchesSelector(pod, { kind: 'Deployment', name: 'web' }, 'ns'), true);
    assert.equal(podMatchesSelector(pod, { kind: 'ReplicaSet', name: 'web-1a' }, 'ns'), true);
    assert.equal(podMatchesSelector(pod, { kind: 'Pod', name: 'web-1' }, 'ns'), true);
    assert.equal(podMatchesSelector(pod, { kind: 'Deployment', name: 'web' }, 'other'), false);
    assert.equal(podMatchesSelector(pod, { kind: 'StatefulSet', name: 'web' }, 'ns'), false);
  });
});
