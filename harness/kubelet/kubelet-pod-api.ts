// The two Pod reads and writes the kubelet stand-in makes besides status: binding an unscheduled
// Pod to its node (what the scheduler would do, via pods/binding) and re-reading a container's
// pull policy for a restart.
import type { KubeAdminClient, KubeObject } from './kube-admin-client.ts';

export interface SpecContainer {
  readonly name: string;
  readonly image?: string;
  readonly imagePullPolicy?: string;
  readonly restartPolicy?: string;
}

export type PodObject = KubeObject & {
  spec?: {
    nodeName?: string;
    initContainers?: SpecContainer[];
    containers?: SpecContainer[];
    ephemeralContainers?: SpecContainer[];
  };
};

/** Returns the Pod once it is bound to `node`; fails if the scheduler put it elsewhere. */
export async function bindPod(
  admin: KubeAdminClient,
  namespace: string,
  name: string,
  node: string,
): Promise<PodObject> {
  const path = `/api/v1/namespaces/${namespace}/pods/${name}`;
  let pod = await admin.get<PodObject>(path);
  if (pod.spec?.nodeName === undefined || pod.spec.nodeName === '') {
    await admin.create(`${path}/binding`, {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name },
      target: { apiVersion: 'v1', kind: 'Node', name: node },
    });
    pod = await admin.get<PodObject>(path);
  }
  if (pod.spec?.nodeName !== node) {
    throw new Error(
      `pod ${namespace}/${name} is bound to ${String(pod.spec?.nodeName)}, not ${node}`,
    );
  }
  return pod;
}

export async function readPullPolicy(
  admin: KubeAdminClient,
  pod: { readonly namespace: string; readonly name: string },
  container: string,
): Promise<string | undefined> {
  const object = await admin.get<PodObject>(`/api/v1/namespaces/${pod.namespace}/pods/${pod.name}`);
  const all = [...(object.spec?.initContainers ?? []), ...(object.spec?.containers ?? [])];
  return all.find((c) => c.name === container)?.imagePullPolicy;
}
