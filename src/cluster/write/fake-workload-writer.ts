// A hand-written WorkloadWriter for use-case tests: workloads held in memory with a resourceVersion
// that every write bumps, the API server's 409 when a patch names an old one, another writer that
// can be injected between a read and a patch, recorded calls, and failure injection.

import { ClusterError, type ClusterFailure, type ClusterTarget } from '../cluster-error.ts';
import { FAKE_TARGET } from '../read/fake-cluster-reader.ts';
import type {
  LiveWorkload,
  PatchOptions,
  PatchOutcome,
  WorkloadChange,
  WorkloadEvent,
  WorkloadObjectRef,
  WorkloadWriter,
} from './workload-writer.ts';

export type FakeWriterCall =
  | { readonly method: 'getWorkload'; readonly ref: WorkloadObjectRef }
  | {
      readonly method: 'patchWorkload';
      readonly ref: WorkloadObjectRef;
      readonly resourceVersion: string;
      readonly change: WorkloadChange;
      readonly dryRun: boolean;
    }
  | {
      readonly method: 'recordEvent';
      readonly ref: WorkloadObjectRef;
      readonly event: WorkloadEvent;
    };

export class FakeWorkloadWriter implements WorkloadWriter {
  readonly calls: FakeWriterCall[] = [];
  readonly events: { ref: WorkloadObjectRef; event: WorkloadEvent }[] = [];
  /** Runs after every read, before the caller can patch: another writer's chance to interfere. */
  afterRead: ((ref: WorkloadObjectRef) => void) | undefined;
  rollouts = true;
  readonly #objects = new Map<string, LiveWorkload>();
  readonly #failures = new Map<string, ClusterError>();
  #version = 100;

  constructor(
    workloads: readonly LiveWorkload[] = [],
    readonly target: ClusterTarget = FAKE_TARGET,
  ) {
    for (const workload of workloads) this.#objects.set(key(workload.ref), workload);
  }

  /** The object as stored now. */
  stored(ref: WorkloadObjectRef): LiveWorkload | undefined {
    return this.#objects.get(key(ref));
  }

  /** Another writer's update (e.g. a scale or a label change): bumps the resourceVersion. */
  modify(ref: WorkloadObjectRef, update: (w: LiveWorkload) => Partial<LiveWorkload>): void {
    const current = this.#objects.get(key(ref));
    if (current === undefined) throw new Error(`no ${key(ref)} in the fake`);
    this.#store({ ...current, ...update(current) });
  }

  /** `method` on `ref` fails like the real writer would, e.g. with `forbidden`. */
  failOn(
    method: 'getWorkload' | 'patchWorkload',
    ref: WorkloadObjectRef,
    failure: ClusterFailure,
  ): void {
    const verb = method === 'getWorkload' ? 'get' : 'patch';
    this.#failures.set(
      `${method}:${key(ref)}`,
      new ClusterError(failure, `not allowed to ${verb} ${ref.kind} "${ref.name}"`, this.target),
    );
  }

  getWorkload(ref: WorkloadObjectRef): Promise<LiveWorkload> {
    this.calls.push({ method: 'getWorkload', ref });
    const failure = this.#failures.get(`getWorkload:${key(ref)}`);
    if (failure !== undefined) return Promise.reject(failure);
    const found = this.#objects.get(key(ref));
    if (found === undefined)
      return Promise.reject(new ClusterError('not-found', `${key(ref)} not found`, this.target));
    this.afterRead?.(ref);
    return Promise.resolve(found);
  }

  patchWorkload(
    read: LiveWorkload,
    change: WorkloadChange,
    options: PatchOptions,
  ): Promise<PatchOutcome> {
    const ref = read.ref;
    this.calls.push({
      method: 'patchWorkload',
      ref,
      resourceVersion: read.resourceVersion,
      change,
      dryRun: options.dryRun,
    });
    const failure = this.#failures.get(`patchWorkload:${key(ref)}`);
    if (failure !== undefined) return Promise.reject(failure);
    const current = this.#objects.get(key(ref));
    if (current === undefined)
      return Promise.reject(new ClusterError('not-found', `${key(ref)} not found`, this.target));
    if (current.resourceVersion !== read.resourceVersion)
      return Promise.resolve({ outcome: 'conflict' });
    const patched = applyChange(current, change);
    if (options.dryRun) return Promise.resolve({ outcome: 'patched', workload: patched });
    return Promise.resolve({ outcome: 'patched', workload: this.#store(patched) });
  }

  recordEvent(workload: LiveWorkload, event: WorkloadEvent): Promise<void> {
    this.calls.push({ method: 'recordEvent', ref: workload.ref, event });
    this.events.push({ ref: workload.ref, event });
    return Promise.resolve();
  }

  rolloutsInstalled(): Promise<boolean> {
    return Promise.resolve(this.rollouts);
  }

  #store(workload: LiveWorkload): LiveWorkload {
    const stored = { ...workload, resourceVersion: String(++this.#version) };
    this.#objects.set(key(workload.ref), stored);
    return stored;
  }
}

/** What the API server's merge would store: only the named fields change. */
function applyChange(current: LiveWorkload, change: WorkloadChange): LiveWorkload {
  return {
    ...current,
    annotations: { ...current.annotations, ...change.annotations },
    templateAnnotations: { ...current.templateAnnotations, ...change.templateAnnotations },
    containers: current.containers.map((c) => {
      const edit = change.containers.find((e) => e.name === c.name && e.kind === c.kind);
      return edit === undefined
        ? c
        : {
            ...c,
            image: edit.image ?? c.image,
            imagePullPolicy: edit.imagePullPolicy ?? c.imagePullPolicy,
          };
    }),
  };
}

function key(ref: WorkloadObjectRef): string {
  return `${ref.namespace}/${ref.kind}/${ref.name}`;
}
