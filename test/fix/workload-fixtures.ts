// Fixtures the kinds test needs beyond Deployments: a Job's Pod template, and Argo Rollouts — a
// minimal CRD (no controller), a Rollout, and the ReplicaSet its controller would have made.
import { waitUntil } from '../../harness/control-plane/control-plane-processes.ts';
import { podTemplate, type FixWorld, type Workload } from './fix-support.ts';

export function jobTemplate(app: string, image: string): unknown {
  const template = podTemplate(app, image) as { spec: Record<string, unknown> };
  return { ...template, spec: { ...template.spec, restartPolicy: 'Never' } };
}

export async function installRollouts(
  world: FixWorld,
  namespace: string,
  image: string,
): Promise<void> {
  const { cp } = world;
  const rollouts = `/apis/argoproj.io/v1alpha1/namespaces/${namespace}/rollouts`;
  await cp.admin.create('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', {
    metadata: { name: 'rollouts.argoproj.io' },
    spec: {
      group: 'argoproj.io',
      scope: 'Namespaced',
      names: { plural: 'rollouts', singular: 'rollout', kind: 'Rollout', shortNames: ['ro'] },
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
  });
  await waitUntil(
    'the Rollout CRD to be served',
    async () => {
      await cp.admin.get(rollouts);
      return true;
    },
    { timeoutMs: 20_000, intervalMs: 100 },
  );
  const rollout = await cp.admin.create<Workload>(rollouts, {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'canary' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'canary' } },
      template: podTemplate('canary', image),
      strategy: { canary: { steps: [{ setWeight: 50 }] } },
    },
  });
  await cp.admin.create(`/apis/apps/v1/namespaces/${namespace}/replicasets`, {
    metadata: {
      name: 'canary-5d4f8',
      ownerReferences: [
        {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'Rollout',
          name: 'canary',
          uid: rollout.metadata.uid,
          controller: true,
        },
      ],
    },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'canary' } },
      template: podTemplate('canary', image),
    },
  });
}
