// `explain`: the story of one workload's images in plain language — what the spec asks for, which
// pull policy applies and why, what each Pod runs where and since when, what the kubelet said, what
// the tag points to now, the verdict and its cause, and the fixes with their trade-offs.

import { parseImageReference, familiarName } from '../../core/image-reference.ts';
import type {
  ClusterSnapshot,
  SnapshotScope,
  WorkloadRef,
  WorkloadSelector,
} from '../../cluster/read/cluster-snapshot.ts';
import { judgeSnapshot, type CheckDeps } from '../check-workloads.ts';
import type { LiveWorkload, WorkloadObjectRef } from '../../cluster/write/workload-writer.ts';
import { describeCause } from './describe-cause.ts';
import type { ContainerExplanation, ExplainReport } from './explain-report.ts';
import { policyAgainstTemplate } from './policy-against-template.ts';
import { fixOptionsFor } from './fix-options.ts';
import { imageEventsFor } from './pod-image-events.ts';
import type { WorkloadContainerReport } from '../workload-report.ts';

export type { ContainerExplanation, ExplainReport, PodExplanation } from './explain-report.ts';

export interface ExplainDeps extends CheckDeps {
  /** Reads the workload object, to tell a template's policy from one changed at admission. */
  readonly readWorkload?: (ref: WorkloadObjectRef) => Promise<LiveWorkload>;
}

export async function explainWorkload(
  deps: ExplainDeps,
  namespace: string,
  selector: WorkloadSelector,
): Promise<ExplainReport> {
  let askedPod: string | undefined;
  let scope: SnapshotScope = { namespace, workloads: [{ ...selector, namespace }] };
  if (selector.kind === 'Pod') {
    // A Pod is explained within its workload, so its siblings show whether replicas differ.
    askedPod = selector.name;
    const pod = await deps.reader.readPod(namespace, selector.name);
    if (pod.workload.kind !== 'Pod')
      scope = {
        namespace,
        workloads: [{ kind: pod.workload.kind, name: pod.workload.name, namespace }],
      };
  }
  deps.progress?.('reading the cluster');
  const snapshot = await deps.reader.readSnapshot(scope);
  const report = await judgeSnapshot(snapshot, deps);
  const workload = snapshot.pods[0]?.workload ?? {
    kind: selector.kind,
    name: selector.name,
    namespace,
    apiVersion: '',
    uid: '',
  };
  const live = await readTemplate(deps, workload);
  const withSource = (w: WorkloadContainerReport): WorkloadContainerReport => ({
    ...w,
    policy: policyAgainstTemplate(
      w.image,
      { name: w.container, kind: w.containerKind },
      w.policy,
      live,
    ),
  });
  return {
    target: report.target,
    workload,
    pod: askedPod,
    containers: explainContainers(report.workloads.map(withSource), snapshot.events),
    warnings: report.warnings,
  };
}

/** The workload object, when there is one and it can be read; explain works without it. */
async function readTemplate(
  deps: ExplainDeps,
  workload: WorkloadRef,
): Promise<LiveWorkload | undefined> {
  if (deps.readWorkload === undefined || workload.kind === 'Pod') return undefined;
  try {
    return await deps.readWorkload({
      kind: workload.kind,
      namespace: workload.namespace,
      name: workload.name,
    });
  } catch {
    return undefined; // e.g. no RBAC read on the workload kind: the Pod's own policy still stands
  }
}

/**
 * The story of already judged workload containers, told from the Events that were read with
 * them: the dashboard tells it from its picture without reading the cluster again.
 */
export function explainContainers(
  workloads: readonly WorkloadContainerReport[],
  events: ClusterSnapshot['events'],
): ContainerExplanation[] {
  return workloads.map((w) => explainContainer(w, events));
}

function explainContainer(
  w: WorkloadContainerReport,
  events: ClusterSnapshot['events'],
): ContainerExplanation {
  const parsed = parseImageReference(w.image);
  const ref = parsed.ok ? parsed.reference : undefined;
  const pods = w.replicas.map((r) => ({
    pod: r.pod.name,
    node: r.pod.node,
    running: r.imageID === '' ? undefined : r.imageID,
    runtimeImage: r.runtimeImage,
    nodePlatform: r.nodePlatform,
    kubeletVersion: r.kubeletVersion,
    pullSecrets: r.pullSecrets,
    since: r.startedAt,
    verdict: r.verdict,
    events: imageEventsFor(events, r.pod, { name: r.container, kind: r.containerKind }),
  }));
  return {
    container: w.container,
    containerKind: w.containerKind,
    image: w.image,
    repository: ref === undefined ? undefined : familiarName(ref),
    tag: ref?.tag ?? (ref !== undefined && ref.digest === undefined ? 'latest' : undefined),
    pinnedDigest: ref?.digest,
    policy: w.policy,
    current: w.current,
    verdict: w.verdict,
    cause: describeCause(w, pods),
    pods,
    nodeRisks: w.nodeRisks,
    fixes: fixOptionsFor(w),
  };
}
