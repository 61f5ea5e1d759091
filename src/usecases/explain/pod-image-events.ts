// The kubelet's image Events of one container (semantics doc §2.3), classified. Message formats
// changed over releases, so they are matched loosely.

import type { ContainerKind, SnapshotEvent } from '../../cluster/read/cluster-snapshot.ts';

export type ImageEventKind =
  'pulling' | 'pulled' | 'cached' | 'failed' | 'backoff' | 'never-pull' | 'inspect-failed';

export interface ImageEvent {
  readonly kind: ImageEventKind;
  readonly reason: string;
  readonly message: string;
  readonly at: string | undefined;
  readonly count: number;
  readonly node: string | undefined;
}

const FIELD: Readonly<Record<ContainerKind, string>> = {
  regular: 'spec.containers',
  init: 'spec.initContainers',
  ephemeral: 'spec.ephemeralContainers',
};

export function imageEventsFor(
  events: readonly SnapshotEvent[],
  pod: { namespace: string; name: string },
  container: { name: string; kind: ContainerKind },
): ImageEvent[] {
  const fieldPath = `${FIELD[container.kind]}{${container.name}}`;
  return events
    .filter(
      (e) =>
        e.involvedObject.name === pod.name &&
        (e.involvedObject.namespace ?? e.namespace) === pod.namespace,
    )
    .filter((e) => e.involvedObject.fieldPath === fieldPath)
    .flatMap((e) => {
      const kind = classify(e.reason ?? '', e.message ?? '');
      if (kind === undefined) return [];
      const at = e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp;
      return [
        {
          kind,
          reason: e.reason ?? '',
          message: e.message ?? '',
          at,
          count: e.count ?? 1,
          node: e.source.host ?? e.reportingInstance,
        },
      ];
    })
    .sort((a, b) => (a.at ?? '').localeCompare(b.at ?? ''));
}

function classify(reason: string, message: string): ImageEventKind | undefined {
  if (reason === 'Pulling') return 'pulling';
  if (reason === 'Pulled') return /already present on machine/.test(message) ? 'cached' : 'pulled';
  if (reason === 'ErrImageNeverPull') return 'never-pull';
  if (reason === 'InspectFailed') return 'inspect-failed';
  if (reason === 'BackOff' && /pulling image/i.test(message)) return 'backoff';
  if (reason === 'Failed' && /pull|image/i.test(message)) return 'failed';
  return undefined;
}
