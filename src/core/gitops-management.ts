// Is an object managed by a GitOps controller that will undo a live patch? Read from the labels
// and annotations Argo CD and Flux stamp on what they apply. Argo CD's label-only tracking
// (`app.kubernetes.io/instance`) is not enough on its own: Helm charts set that label too.

export interface GitOpsManager {
  readonly tool: 'Argo CD' | 'Flux';
  /** What manages it, e.g. `application shop` or `Kustomization flux-system/apps`. */
  readonly source: string;
}

const ARGO_TRACKING_ID = 'argocd.argoproj.io/tracking-id';
const ARGO_INSTANCE = 'argocd.argoproj.io/instance';
const FLUX_KUSTOMIZATION = 'kustomize.toolkit.fluxcd.io';
const FLUX_HELM_RELEASE = 'helm.toolkit.fluxcd.io';

export function gitOpsManagerOf(object: {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}): GitOpsManager | undefined {
  const { labels, annotations } = object;
  const trackingId = annotations[ARGO_TRACKING_ID];
  if (trackingId !== undefined) {
    // `<application>:<group>/<kind>:<namespace>/<name>`; the application may be `<ns>_<app>`.
    const application = trackingId.split(':')[0] ?? trackingId;
    return { tool: 'Argo CD', source: `application ${application.replace('_', '/')}` };
  }
  const instance = labels[ARGO_INSTANCE];
  if (instance !== undefined) return { tool: 'Argo CD', source: `application ${instance}` };
  for (const [prefix, kind] of [
    [FLUX_KUSTOMIZATION, 'Kustomization'],
    [FLUX_HELM_RELEASE, 'HelmRelease'],
  ] as const) {
    const name = labels[`${prefix}/name`];
    if (name === undefined) continue;
    const namespace = labels[`${prefix}/namespace`];
    return {
      tool: 'Flux',
      source: `${kind} ${namespace === undefined ? '' : `${namespace}/`}${name}`,
    };
  }
  return undefined;
}

/** The warning `fix` prints for a managed object. */
export function gitOpsWarning(manager: GitOpsManager): string {
  return `managed by ${manager.tool} (${manager.source}): the next sync reverts a live patch; pin the source with kube-fresh pin --write <manifests>`;
}
