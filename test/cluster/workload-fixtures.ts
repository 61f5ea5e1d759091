// The workloads of owner-resolution.test.ts, one of each kind kube-fresh resolves. Each Pod
// template carries `app: <workload>` so the test can find the Pods a controller made.
import { randomUUID } from 'node:crypto';
import type { KubeAdminClient, KubeObject } from '../../harness/kubelet/kube-admin-client.ts';

const IMAGE = 'registry.example.com/team/app:1.4';

const template = (app: string, restartPolicy = 'Always') => ({
  metadata: { labels: { app } },
  spec: { restartPolicy, containers: [{ name: 'app', image: IMAGE }] },
});
const selector = (app: string) => ({ matchLabels: { app } });

/** apiextensions.k8s.io/v1 CRD for argoproj.io/v1alpha1 Rollout, schema left open. */
export const ROLLOUT_CRD = {
  metadata: { name: 'rollouts.argoproj.io' },
  spec: {
    group: 'argoproj.io',
    scope: 'Namespaced',
    names: { kind: 'Rollout', plural: 'rollouts', singular: 'rollout', shortNames: ['ro'] },
    versions: [
      {
        name: 'v1alpha1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        },
      },
    ],
  },
};

type Step = (admin: KubeAdminClient) => Promise<unknown>;

export function workloadFixtures(ns: string): Step[] {
  const apps = `/apis/apps/v1/namespaces/${ns}`;
  const batch = `/apis/batch/v1/namespaces/${ns}`;
  return [
    (a) =>
      a.create(`${apps}/deployments`, {
        metadata: { name: 'web' },
        spec: { replicas: 2, selector: selector('web'), template: template('web') },
      }),
    (a) =>
      a.create(`${apps}/statefulsets`, {
        metadata: { name: 'db' },
        spec: {
          replicas: 1,
          serviceName: 'db',
          selector: selector('db'),
          template: template('db'),
        },
      }),
    (a) =>
      a.create(`${apps}/daemonsets`, {
        metadata: { name: 'agent' },
        spec: { selector: selector('agent'), template: template('agent') },
      }),
    (a) =>
      a.create(`${batch}/jobs`, {
        metadata: { name: 'batch' },
        spec: { template: template('batch', 'Never') },
      }),
    cronJobWithJob(ns),
    (a) =>
      a.create(`${apps}/replicasets`, {
        metadata: { name: 'plain-rs' },
        spec: { replicas: 1, selector: selector('plain-rs'), template: template('plain-rs') },
      }),
    (a) =>
      a.create(`/api/v1/namespaces/${ns}/replicationcontrollers`, {
        metadata: { name: 'legacy' },
        spec: { replicas: 1, selector: { app: 'legacy' }, template: template('legacy') },
      }),
    rolloutWithReplicaSet(ns),
    (a) =>
      a.create(`/api/v1/namespaces/${ns}/pods`, {
        metadata: { name: 'solo', labels: { app: 'solo' } },
        spec: template('solo').spec,
      }),
  ];
}

/**
 * A suspended CronJob and a Job owned by it, as the CronJob controller would create at a schedule
 * tick (waiting for a real `* * * * *` tick would cost up to a minute).
 */
function cronJobWithJob(ns: string): Step {
  return async (admin) => {
    const batch = `/apis/batch/v1/namespaces/${ns}`;
    const cron = await admin.create<KubeObject>(`${batch}/cronjobs`, {
      metadata: { name: 'nightly' },
      spec: {
        schedule: '0 3 * * *',
        suspend: true,
        jobTemplate: { spec: { template: template('nightly', 'Never') } },
      },
    });
    await admin.create(`${batch}/jobs`, {
      metadata: {
        name: 'nightly-29000000',
        ownerReferences: [
          {
            apiVersion: 'batch/v1',
            kind: 'CronJob',
            name: 'nightly',
            uid: cron.metadata?.uid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: { template: template('nightly', 'Never') },
    });
  };
}

/** Argo Rollouts manages ReplicaSets with a controller ownerReference to the Rollout. */
function rolloutWithReplicaSet(ns: string): Step {
  return async (admin) => {
    const rollout = await admin.create<KubeObject>(
      `/apis/argoproj.io/v1alpha1/namespaces/${ns}/rollouts`,
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Rollout',
        metadata: { name: 'canary' },
        spec: { replicas: 1, selector: selector('canary'), template: template('canary') },
      },
    );
    const hash = randomUUID().slice(0, 10);
    await admin.create(`/apis/apps/v1/namespaces/${ns}/replicasets`, {
      metadata: {
        name: `canary-${hash}`,
        labels: { app: 'canary', 'rollouts-pod-template-hash': hash },
        ownerReferences: [
          {
            apiVersion: 'argoproj.io/v1alpha1',
            kind: 'Rollout',
            name: 'canary',
            uid: rollout.metadata?.uid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'canary', 'rollouts-pod-template-hash': hash } },
        template: {
          metadata: { labels: { app: 'canary', 'rollouts-pod-template-hash': hash } },
          spec: template('canary').spec,
        },
      },
    });
  };
}
