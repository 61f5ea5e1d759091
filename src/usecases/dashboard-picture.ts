// The picture the dashboard shows: one judged status report plus what its pages need beside it
// (the Pods' Events for each Pod's story, the Nodes' cached images, which workloads a GitOps
// tool manages) and the history of tag moves and pins. `kube-fresh ui` takes it as a one-shot
// snapshot with the status flow; the controller will keep one live.

import type { GitOpsManager } from '../core/gitops-management.ts';
import { gitOpsManagerOf } from '../core/gitops-management.ts';
import type {
  SnapshotEvent,
  SnapshotNode,
  SnapshotScope,
} from '../cluster/read/cluster-snapshot.ts';
import type { LiveWorkload, WorkloadObjectRef } from '../cluster/write/workload-writer.ts';
import { judgeSnapshot, type CheckDeps, type StatusReport } from './check-workloads.ts';

export type { GitOpsManager } from '../core/gitops-management.ts';
export type { SnapshotEvent, SnapshotNode } from '../cluster/read/cluster-snapshot.ts';

/** Something the controller saw happen; the snapshot source has none. */
export interface HistoryEntry {
  readonly at: string;
  readonly kind: 'tag-moved' | 'pinned';
  /** The tag (`registry/repo:tag`) that moved, or the image that was pinned. */
  readonly image: string;
  readonly from: string | undefined;
  readonly to: string;
  /** The workload pinned (absent for a tag move, which concerns every user of the tag). */
  readonly workload?: { readonly namespace: string; readonly kind: string; readonly name: string };
}

export interface PictureContent {
  readonly report: StatusReport;
  readonly events: readonly SnapshotEvent[];
  readonly nodes: readonly SnapshotNode[];
  /** Keyed by workloadKey(); a workload missing here is not managed (or could not be read). */
  readonly gitOps: Readonly<Record<string, GitOpsManager>>;
  readonly history: readonly HistoryEntry[];
}

export interface Picture extends PictureContent {
  /** Grows by one with every new picture, so pages know theirs is outdated. */
  readonly version: number;
  readonly source: 'snapshot' | 'controller';
}

export interface PictureDeps extends CheckDeps {
  /** Reads a workload object, for the GitOps labels and annotations on it; optional. */
  readonly readWorkload?: (ref: WorkloadObjectRef) => Promise<LiveWorkload>;
}

/** `namespace/Kind/name`, the dashboard's key and URL path of a workload. */
export function workloadKey(w: { namespace: string; kind: string; name: string }): string {
  return `${w.namespace}/${w.kind}/${w.name}`;
}

/** Reads and judges the cluster once, as `status` does, and keeps what the pages need. */
export async function takeSnapshotPicture(
  deps: PictureDeps,
  scope: SnapshotScope,
): Promise<PictureContent> {
  deps.progress?.('reading the cluster');
  const snapshot = await deps.reader.readSnapshot(scope);
  const report = await judgeSnapshot(snapshot, deps);
  const gitOps = await readGitOps(report, deps.readWorkload);
  return { report, events: snapshot.events, nodes: snapshot.nodes, gitOps, history: [] };
}

const WORKLOAD_READS_IN_FLIGHT = 8;

async function readGitOps(
  report: StatusReport,
  readWorkload: PictureDeps['readWorkload'],
): Promise<Record<string, GitOpsManager>> {
  if (readWorkload === undefined) return {};
  const refs = new Map<string, WorkloadObjectRef>();
  for (const w of report.workloads) {
    if (w.workload.kind === 'Pod') continue;
    const ref = { kind: w.workload.kind, namespace: w.namespace, name: w.workload.name };
    refs.set(workloadKey(ref), ref);
  }
  const gitOps: Record<string, GitOpsManager> = {};
  const queue = [...refs.entries()];
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      const [key, ref] = next;
      try {
        const manager = gitOpsManagerOf(await readWorkload(ref));
        if (manager !== undefined) gitOps[key] = manager;
      } catch {
        // No read on this kind (RBAC, a custom controller): the column says nothing for it.
      }
    }
  };
  await Promise.all(Array.from({ length: WORKLOAD_READS_IN_FLIGHT }, worker));
  return gitOps;
}
