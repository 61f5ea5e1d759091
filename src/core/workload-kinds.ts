// The workload kinds kube-fresh understands, the names kubectl accepts for them (`deploy/web`,
// `sts/db`, `deployment.apps/web`), and where each lives in the API: the grammar is policy shared by
// every front door, so it lives in core (pure).

/** The object that owns a Pod in the user's terms: Deployment, not ReplicaSet. */
export interface WorkloadRef {
  /** Deployment, StatefulSet, DaemonSet, CronJob, Job, ReplicaSet, ReplicationController,
   *  Rollout, Pod (a bare Pod is its own workload), or any custom controller kind. */
  readonly kind: string;
  readonly apiVersion: string;
  readonly name: string;
  readonly namespace: string;
  readonly uid: string;
}

/** A workload named by the user (`deploy/web`), before its uid is known. */
export interface WorkloadSelector {
  readonly kind: string;
  readonly name: string;
  /** Defaults to the scope's namespace, else the context's. */
  readonly namespace?: string | undefined;
}

export interface WorkloadKindInfo {
  readonly kind: string;
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly aliases: readonly string[];
}

export const WORKLOAD_KINDS: readonly WorkloadKindInfo[] = [
  { kind: 'Pod', group: '', version: 'v1', plural: 'pods', aliases: ['pod', 'po'] },
  {
    kind: 'Deployment',
    group: 'apps',
    version: 'v1',
    plural: 'deployments',
    aliases: ['deployment', 'deploy'],
  },
  {
    kind: 'StatefulSet',
    group: 'apps',
    version: 'v1',
    plural: 'statefulsets',
    aliases: ['statefulset', 'sts'],
  },
  {
    kind: 'DaemonSet',
    group: 'apps',
    version: 'v1',
    plural: 'daemonsets',
    aliases: ['daemonset', 'ds'],
  },
  {
    kind: 'ReplicaSet',
    group: 'apps',
    version: 'v1',
    plural: 'replicasets',
    aliases: ['replicaset', 'rs'],
  },
  {
    kind: 'ReplicationController',
    group: '',
    version: 'v1',
    plural: 'replicationcontrollers',
    aliases: ['replicationcontroller', 'rc'],
  },
  { kind: 'Job', group: 'batch', version: 'v1', plural: 'jobs', aliases: ['job'] },
  {
    kind: 'CronJob',
    group: 'batch',
    version: 'v1',
    plural: 'cronjobs',
    aliases: ['cronjob', 'cj'],
  },
  // Argo Rollouts: its ReplicaSets carry a controller ownerReference to the Rollout.
  {
    kind: 'Rollout',
    group: 'argoproj.io',
    version: 'v1alpha1',
    plural: 'rollouts',
    aliases: ['rollout', 'ro'],
  },
];

export function workloadKindInfo(kind: string): WorkloadKindInfo | undefined {
  return WORKLOAD_KINDS.find((info) => info.kind === kind);
}

/** `/api/v1/namespaces/NS/pods/NAME`, `/apis/apps/v1/namespaces/NS/deployments/NAME`, … */
export function workloadPath(info: WorkloadKindInfo, namespace: string, name: string): string {
  const base = info.group === '' ? `/api/${info.version}` : `/apis/${info.group}/${info.version}`;
  return `${base}/namespaces/${encodeURIComponent(namespace)}/${info.plural}/${encodeURIComponent(name)}`;
}

export type ParsedWorkload =
  | { readonly ok: true; readonly selector: WorkloadSelector }
  | { readonly ok: false; readonly message: string };

const NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/** Parses kubectl's `TYPE/NAME` form; the type is case-insensitive, plural or short, with group. */
export function parseWorkloadArgument(text: string): ParsedWorkload {
  const slash = text.indexOf('/');
  if (slash <= 0 || slash === text.length - 1) {
    return {
      ok: false,
      message: `expected TYPE/NAME (e.g. deploy/web), not ${JSON.stringify(text)}`,
    };
  }
  const typeText = text.slice(0, slash).toLowerCase();
  const name = text.slice(slash + 1);
  const info = WORKLOAD_KINDS.find((candidate) => matchesType(candidate, typeText));
  if (info === undefined) {
    const known = WORKLOAD_KINDS.map((k) => k.aliases[1] ?? k.aliases[0]).join(', ');
    return {
      ok: false,
      message: `unknown workload type ${JSON.stringify(typeText)} (known: ${known})`,
    };
  }
  if (!NAME.test(name)) {
    return { ok: false, message: `${JSON.stringify(name)} is not a valid Kubernetes object name` };
  }
  return { ok: true, selector: { kind: info.kind, name } };
}

function matchesType(info: WorkloadKindInfo, typeText: string): boolean {
  const names = [...info.aliases, info.plural];
  if (names.includes(typeText)) return true;
  const dot = typeText.indexOf('.');
  return (
    dot > 0 && typeText.slice(dot + 1) === info.group && names.includes(typeText.slice(0, dot))
  );
}

/** True when the Pod belongs to the selected workload (a Pod selector names the Pod itself). */
export function podMatchesSelector(
  pod: {
    readonly namespace: string;
    readonly name: string;
    readonly workload: WorkloadRef;
    readonly controller: WorkloadRef | undefined;
  },
  selector: WorkloadSelector,
  namespace: string,
): boolean {
  if (pod.namespace !== namespace) return false;
  if (selector.kind === 'Pod') return pod.name === selector.name;
  const owners = [pod.workload, pod.controller];
  return owners.some(
    (o) => o !== undefined && o.kind === selector.kind && o.name === selector.name,
  );
}
