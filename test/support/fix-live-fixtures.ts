// Test fixtures for the live `fix` use case: Pods as the cluster reader reports them, the live
// workloads the fake writer holds, and a registry that says what each tag points to now.

import type { Digest } from '../../src/core/digest.ts';
import type { ImageReference } from '../../src/core/image-reference.ts';
import type {
  ConfigDigestResult,
  ImageResolver,
  PlatformsResult,
  TagResolution,
} from '../../src/core/image-resolver.ts';
import type { SnapshotPod, WorkloadRef } from '../../src/cluster/read/cluster-snapshot.ts';
import {
  FakeClusterReader,
  type FakeClusterState,
} from '../../src/cluster/read/fake-cluster-reader.ts';
import { FakeWorkloadWriter } from '../../src/cluster/write/fake-workload-writer.ts';
import type { LiveWorkload, TemplateContainer } from '../../src/cluster/write/workload-writer.ts';
import type { FixDeps } from '../../src/usecases/fix-live/fix-live.ts';

export const digest = (c: string): Digest => `sha256:${c.repeat(64)}` as Digest;
export const REG = 'reg.test:5000';
export const V1 = digest('1');
export const V2 = digest('2');
export const NOW = new Date('2026-11-25T12:00:00Z');

/** Every tag points to V2; `down` makes the registry unreachable. */
export class TagsAtV2 implements ImageResolver {
  down = false;
  resolveTag(ref: ImageReference): Promise<TagResolution> {
    if (this.down)
      return Promise.resolve({
        ok: false,
        failure: {
          kind: 'unreachable',
          registry: REG,
          repository: ref.path,
          message: 'cannot reach reg.test',
        },
      });
    return Promise.resolve({
      ok: true,
      value: {
        digest: V2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        size: 1,
        credentialSource: { kind: 'anonymous', detail: '' },
      },
    });
  }
  platforms(): Promise<PlatformsResult> {
    return Promise.resolve({ ok: true, platforms: [] });
  }
  configDigest(): Promise<ConfigDigestResult> {
    return Promise.resolve({ ok: true, configDigest: digest('c') });
  }
}

export function workloadRef(kind: string, name: string): WorkloadRef {
  const apiVersion =
    kind === 'Pod' ? 'v1' : kind === 'Job' || kind === 'CronJob' ? 'batch/v1' : 'apps/v1';
  return { kind, apiVersion, name, namespace: 'prod', uid: `uid-${kind}-${name}` };
}

export interface PodOptions {
  readonly image?: string;
  readonly policy?: string;
  readonly createdAt?: string;
}

/** A running Pod of `workload` whose container `app` runs `running`. */
export function pod(
  name: string,
  workload: WorkloadRef,
  running: Digest,
  options: PodOptions = {},
): SnapshotPod {
  const image = options.image ?? `${REG}/team/app:dev`;
  return {
    namespace: 'prod',
    name,
    uid: `uid-${name}`,
    labels: { app: workload.name },
    createdAt: options.createdAt ?? '2026-11-25T10:00:00Z',
    nodeName: 'node-a',
    phase: 'Running',
    serviceAccountName: 'default',
    imagePullSecrets: [],
    workload,
    controller: undefined,
    containers: [
      {
        kind: 'regular',
        name: 'app',
        image,
        imagePullPolicy: options.policy ?? 'IfNotPresent',
        restartPolicy: undefined,
        status: {
          image,
          imageID: `${REG}/team/app@${running}`,
          containerID: 'containerd://x',
          ready: true,
          started: true,
          restartCount: 0,
          current: {
            state: 'running',
            reason: undefined,
            message: undefined,
            startedAt: '2026-11-25T10:00:05Z',
            finishedAt: undefined,
            exitCode: undefined,
          },
          last: undefined,
        },
      },
    ],
  };
}

export function live(
  kind: string,
  name: string,
  container: Partial<TemplateContainer> = {},
  extra: Partial<LiveWorkload> = {},
): LiveWorkload {
  return {
    ref: { kind, namespace: 'prod', name },
    apiVersion: workloadRef(kind, name).apiVersion,
    uid: `uid-${kind}-${name}`,
    resourceVersion: '7',
    labels: {},
    annotations: {},
    ownerReferences: [],
    hasTemplate: true,
    containers: [
      {
        kind: 'regular',
        name: 'app',
        image: `${REG}/team/app:dev`,
        imagePullPolicy: 'IfNotPresent',
        pullPolicyDeclared: false,
        ...container,
      },
    ],
    templateAnnotations: {},
    updateStrategy: undefined,
    paused: false,
    raw: {},
    ...extra,
  };
}

export interface Harness {
  readonly reader: FakeClusterReader;
  readonly writer: FakeWorkloadWriter;
  readonly resolver: TagsAtV2;
  readonly deps: FixDeps;
}

export function harness(state: FakeClusterState, workloads: readonly LiveWorkload[]): Harness {
  const reader = new FakeClusterReader(state);
  const writer = new FakeWorkloadWriter(workloads);
  const resolver = new TagsAtV2();
  const deps: FixDeps = {
    writer,
    now: () => NOW,
    check: {
      reader,
      openRegistry: () => Promise.resolve({ resolver, close: () => Promise.resolve() }),
    },
  };
  return { reader, writer, resolver, deps };
}
