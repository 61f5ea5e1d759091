// The lab's Deployment: one replica per node (required anti-affinity on the hostname), replaced one
// at a time (maxSurge 0, maxUnavailable 1) so that a rollout fits when every node already holds a
// replica. That placement is what makes the story deterministic: a new replica can only land on a
// node that has none, and a restart puts each replica back on the node that cached the old image.

export interface LabDeploymentOptions {
  readonly namespace: string;
  readonly image: string;
  readonly replicas: number;
  readonly name?: string;
  readonly containerName?: string;
  /** Unset lets the API server default it (IfNotPresent for a tag other than latest). */
  readonly pullPolicy?: string;
  /** Real test apps exit at once on SIGTERM; a short grace keeps a stuck one from holding a rollout. */
  readonly terminationGracePeriodSeconds?: number;
}

export function labDeployment(options: LabDeploymentOptions): Record<string, unknown> {
  const name = options.name ?? 'web';
  const labels = { app: name };
  const container = {
    name: options.containerName ?? name,
    image: options.image,
    ...(options.pullPolicy === undefined ? {} : { imagePullPolicy: options.pullPolicy }),
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: options.namespace, labels },
    spec: {
      replicas: options.replicas,
      selector: { matchLabels: labels },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } },
      template: {
        metadata: { labels },
        spec: {
          affinity: {
            podAntiAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [
                { labelSelector: { matchLabels: labels }, topologyKey: 'kubernetes.io/hostname' },
              ],
            },
          },
          ...(options.terminationGracePeriodSeconds === undefined
            ? {}
            : { terminationGracePeriodSeconds: options.terminationGracePeriodSeconds }),
          containers: [container],
        },
      },
    },
  };
}
