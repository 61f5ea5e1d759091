// client-node models → the snapshot's trimmed views. Pure; type-only imports of client-node.
// client-node deserialises metav1.Time into Date objects and leaves MicroTime as strings
// (dependencies.md §1), so every timestamp goes through isoTime().

import type {
  CoreV1Event,
  V1Container,
  V1ContainerState,
  V1ContainerStatus,
  V1EphemeralContainer,
  V1Node,
  V1Pod,
  V1ServiceAccount,
} from '@kubernetes/client-node';
import type {
  ContainerKind,
  ContainerState,
  ContainerStatusView,
  SnapshotContainer,
  SnapshotEvent,
  SnapshotNode,
  SnapshotPod,
  SnapshotServiceAccount,
} from './cluster-snapshot.ts';
import type { ResolvedOwners } from '../owner-resolution.ts';

export function isoTime(value: Date | string | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
  return value;
}

export function podView(pod: V1Pod, owners: ResolvedOwners): SnapshotPod {
  const meta = pod.metadata ?? {};
  const spec = pod.spec ?? { containers: [] };
  const status = pod.status ?? {};
  const containers: SnapshotContainer[] = [
    ...containerViews('init', spec.initContainers, status.initContainerStatuses),
    ...containerViews('regular', spec.containers, status.containerStatuses),
    ...containerViews('ephemeral', spec.ephemeralContainers, status.ephemeralContainerStatuses),
  ];
  return {
    namespace: meta.namespace ?? '',
    name: meta.name ?? '',
    uid: meta.uid ?? '',
    labels: meta.labels ?? {},
    createdAt: isoTime(meta.creationTimestamp),
    nodeName: spec.nodeName,
    phase: status.phase,
    terminating: meta.deletionTimestamp !== undefined && meta.deletionTimestamp !== null,
    serviceAccountName: spec.serviceAccountName ?? 'default',
    imagePullSecrets: names(spec.imagePullSecrets),
    containers,
    workload: owners.workload,
    controller: owners.controller,
  };
}

/** LocalObjectReference lists (imagePullSecrets) → their names. */
function names(refs: readonly { name?: string }[] | undefined): string[] {
  return (refs ?? []).flatMap((ref) => (ref.name ? [ref.name] : []));
}

function containerViews(
  kind: ContainerKind,
  specs: readonly (V1Container | V1EphemeralContainer)[] | undefined,
  statuses: readonly V1ContainerStatus[] | undefined,
): SnapshotContainer[] {
  return (specs ?? []).map((container) => {
    const status = statuses?.find((s) => s.name === container.name);
    return {
      kind,
      name: container.name,
      image: container.image ?? '',
      imagePullPolicy: container.imagePullPolicy,
      restartPolicy: container.restartPolicy,
      status: status === undefined ? undefined : statusView(status),
    };
  });
}

function statusView(status: V1ContainerStatus): ContainerStatusView {
  return {
    image: status.image,
    imageID: status.imageID,
    containerID: status.containerID,
    ready: status.ready,
    started: status.started,
    restartCount: status.restartCount,
    current: stateView(status.state),
    last:
      status.lastState?.running || status.lastState?.terminated || status.lastState?.waiting
        ? stateView(status.lastState)
        : undefined,
  };
}

function stateView(state: V1ContainerState | undefined): ContainerState {
  const blank = {
    reason: undefined,
    message: undefined,
    startedAt: undefined,
    finishedAt: undefined,
    exitCode: undefined,
  };
  if (state?.waiting) {
    return {
      ...blank,
      state: 'waiting',
      reason: state.waiting.reason,
      message: state.waiting.message,
    };
  }
  if (state?.running)
    return { ...blank, state: 'running', startedAt: isoTime(state.running.startedAt) };
  if (state?.terminated) {
    const t = state.terminated;
    return {
      state: 'terminated',
      reason: t.reason,
      message: t.message,
      startedAt: isoTime(t.startedAt),
      finishedAt: isoTime(t.finishedAt),
      exitCode: t.exitCode,
    };
  }
  return { ...blank, state: 'unknown' };
}

export function nodeView(node: V1Node): SnapshotNode {
  const info = node.status?.nodeInfo;
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  return {
    name: node.metadata?.name ?? '',
    architecture: info?.architecture,
    operatingSystem: info?.operatingSystem,
    kernelVersion: info?.kernelVersion,
    kubeletVersion: info?.kubeletVersion,
    containerRuntimeVersion: info?.containerRuntimeVersion,
    ready: ready === undefined ? undefined : ready.status === 'True',
    images: (node.status?.images ?? []).map((image) => ({
      names: image.names ?? [],
      sizeBytes: image.sizeBytes,
    })),
  };
}

export function eventView(event: CoreV1Event): SnapshotEvent {
  const involved = event.involvedObject;
  return {
    namespace: event.metadata.namespace ?? '',
    name: event.metadata.name ?? '',
    reason: event.reason,
    message: event.message,
    type: event.type,
    count: event.count ?? event.series?.count,
    firstTimestamp: isoTime(event.firstTimestamp),
    lastTimestamp: isoTime(event.lastTimestamp ?? event.series?.lastObservedTime),
    eventTime: isoTime(event.eventTime),
    involvedObject: {
      kind: involved.kind,
      name: involved.name,
      namespace: involved.namespace,
      uid: involved.uid,
      fieldPath: involved.fieldPath,
    },
    source: { component: event.source?.component, host: event.source?.host },
    reportingController: event.reportingComponent || undefined,
    reportingInstance: event.reportingInstance || undefined,
  };
}

export function serviceAccountView(account: V1ServiceAccount): SnapshotServiceAccount {
  return {
    namespace: account.metadata?.namespace ?? '',
    name: account.metadata?.name ?? '',
    imagePullSecrets: names(account.imagePullSecrets),
  };
}
