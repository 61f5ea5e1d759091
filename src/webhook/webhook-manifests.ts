// The registration objects for `kube-fresh webhook manifests`: a MutatingWebhookConfiguration
// (pin) and a ValidatingWebhookConfiguration (policy, one webhook per label value). Every webhook
// fails open (failurePolicy Ignore), has no side effects (dryRun is safe), skips the excluded
// namespaces by selector; the mutating one is re-invoked if later plugins add images (IfNeeded)
// and is not called at all for Pods whose images are all pinned (matchConditions).

export type ClientTarget =
  | { readonly url: string }
  | {
      readonly service: {
        readonly namespace: string;
        readonly name: string;
        readonly port: number;
      };
    };

export interface ManifestSettings {
  readonly name: string;
  readonly target: ClientTarget;
  readonly caPem: string;
  readonly timeoutSeconds: number;
  readonly excludedNamespaces: readonly string[];
  /** The namespace label whose value (warn | deny) selects the validate policy. */
  readonly policyLabel: string;
}

const PINNED = (list: string, image = 'c.image'): string =>
  `(!has(object.spec.${list}) || object.spec.${list}.all(c, ${image}.contains('@sha256:')))`;

/** CEL: call the webhook only when some image has no digest (an error → failurePolicy Ignore). */
export const NOT_FULLY_PINNED =
  `!(${PINNED('containers')} && ${PINNED('initContainers')} && ${PINNED('ephemeralContainers')}` +
  ` && (!has(object.spec.volumes) || object.spec.volumes.all(v, !has(v.image) || !has(v.image.reference) || v.image.reference.contains('@sha256:'))))`;

const POD_RULES = [
  {
    apiGroups: [''],
    apiVersions: ['v1'],
    operations: ['CREATE'],
    resources: ['pods'],
    scope: 'Namespaced',
  },
  {
    apiGroups: [''],
    apiVersions: ['v1'],
    operations: ['UPDATE'],
    resources: ['pods/ephemeralcontainers'],
    scope: 'Namespaced',
  },
];

export function webhookManifests(settings: ManifestSettings): unknown[] {
  const common = {
    admissionReviewVersions: ['v1'],
    sideEffects: 'None',
    failurePolicy: 'Ignore',
    timeoutSeconds: settings.timeoutSeconds,
    rules: POD_RULES,
  };
  const notExcluded = {
    key: 'kubernetes.io/metadata.name',
    operator: 'NotIn',
    values: [...settings.excludedNamespaces],
  };
  const withExclusions = (extra: object[] = []): object => ({
    matchExpressions: [...(settings.excludedNamespaces.length > 0 ? [notExcluded] : []), ...extra],
  });
  const policy = (mode: 'warn' | 'deny'): object => ({
    name: `${mode}.policy.kube-fresh.io`,
    clientConfig: clientConfig(settings, `/validate/${mode}`),
    ...common,
    matchPolicy: 'Equivalent',
    namespaceSelector: withExclusions([
      { key: settings.policyLabel, operator: 'In', values: [mode] },
    ]),
  });
  return [
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: { name: settings.name, labels: { 'app.kubernetes.io/name': 'kube-fresh' } },
      webhooks: [
        {
          name: 'pin.kube-fresh.io',
          clientConfig: clientConfig(settings, '/mutate'),
          ...common,
          matchPolicy: 'Equivalent',
          reinvocationPolicy: 'IfNeeded',
          namespaceSelector: withExclusions(),
          matchConditions: [{ name: 'not-fully-pinned', expression: NOT_FULLY_PINNED }],
        },
      ],
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: settings.name, labels: { 'app.kubernetes.io/name': 'kube-fresh' } },
      webhooks: [policy('warn'), policy('deny')],
    },
  ];
}

function clientConfig(settings: ManifestSettings, path: string): object {
  const caBundle = Buffer.from(settings.caPem).toString('base64');
  if ('url' in settings.target) {
    return { url: `${settings.target.url.replace(/\/+$/, '')}${path}`, caBundle };
  }
  return { service: { ...settings.target.service, path }, caBundle };
}
