// WorkloadWriter over @kubernetes/client-node, on the same KubeApi (transport, request budget,
// timeouts, credentials) as the reader. Workloads are read and patched through the generic
// `/apis/{group}/{version}/…` client, which returns raw JSON for every kind alike; the patch
// content type is set per call (client-node defaults to JSON Patch, which a merge body breaks).

import { hostname } from 'node:os';
import { randomInt } from 'node:crypto';
import { ApiException, setHeaderOptions } from '@kubernetes/client-node';
import { UsageError } from '../../core/errors.ts';
import { isNotFound, toClusterError } from '../connection/api-failure.ts';
import type { ClusterTarget } from '../cluster-error.ts';
import type { KubeApi } from '../connection/kube-api.ts';
import { workloadView } from './workload-object-view.ts';
import { buildPatchBody, PATCH_CONTENT_TYPES, patchStyleFor } from './workload-patch-body.ts';
import { workloadKindInfo, type WorkloadKindInfo } from '../../core/workload-kinds.ts';
import {
  FIELD_MANAGER,
  type LiveWorkload,
  type PatchOptions,
  type PatchOutcome,
  type WorkloadChange,
  type WorkloadEvent,
  type WorkloadObjectRef,
  type WorkloadWriter,
} from './workload-writer.ts';

const ROLLOUTS = { group: 'argoproj.io', version: 'v1alpha1', plural: 'rollouts' };
/** core/v1 Event messages beyond this are cut (events.k8s.io caps a note at 1 kB). */
const MAX_EVENT_MESSAGE = 1024;

export class KubeWorkloadWriter implements WorkloadWriter {
  readonly #api: KubeApi;
  readonly #instance: string;
  #rollouts: Promise<boolean> | undefined;

  constructor(api: KubeApi, instance: string = hostname()) {
    this.#api = api;
    this.#instance = instance;
  }

  get target(): ClusterTarget {
    return this.#api.target;
  }

  async getWorkload(ref: WorkloadObjectRef): Promise<LiveWorkload> {
    const info = groupedKind(ref.kind);
    try {
      const raw = (await this.#api.custom.getNamespacedCustomObject(location(info, ref))) as Record<
        string,
        unknown
      >;
      return workloadView(raw, ref);
    } catch (error) {
      throw toClusterError(error, `get ${describe(ref)}`, this.#api.target);
    }
  }

  async patchWorkload(
    read: LiveWorkload,
    change: WorkloadChange,
    options: PatchOptions,
  ): Promise<PatchOutcome> {
    const info = groupedKind(read.ref.kind);
    const style = patchStyleFor(read.apiVersion || `${info.group}/${info.version}`);
    try {
      const raw = (await this.#api.custom.patchNamespacedCustomObject(
        {
          ...location(info, read.ref),
          body: buildPatchBody(read, change, style),
          dryRun: options.dryRun ? 'All' : undefined,
          fieldManager: FIELD_MANAGER,
        },
        setHeaderOptions('Content-Type', PATCH_CONTENT_TYPES[style]),
      )) as Record<string, unknown>;
      return { outcome: 'patched', workload: workloadView(raw, read.ref) };
    } catch (error) {
      if (error instanceof ApiException && error.code === 409) return { outcome: 'conflict' };
      throw toClusterError(error, `patch ${describe(read.ref)}`, this.#api.target);
    }
  }

  async recordEvent(workload: LiveWorkload, event: WorkloadEvent): Promise<void> {
    const { namespace, name, kind } = workload.ref;
    const now = new Date();
    try {
      await this.#api.core.createNamespacedEvent({
        namespace,
        body: {
          metadata: { name: eventName(name, now), namespace },
          involvedObject: {
            kind,
            apiVersion: workload.apiVersion,
            name,
            namespace,
            uid: workload.uid,
            resourceVersion: workload.resourceVersion,
          },
          reason: event.reason,
          message: event.message.slice(0, MAX_EVENT_MESSAGE),
          type: event.type,
          source: { component: FIELD_MANAGER },
          reportingComponent: FIELD_MANAGER,
          reportingInstance: this.#instance,
          firstTimestamp: now,
          lastTimestamp: now,
          count: 1,
        },
      });
    } catch (error) {
      throw toClusterError(error, `create an Event in namespace "${namespace}"`, this.#api.target);
    }
  }

  /** One discovery GET per run; a 404 means the group/version is not served. */
  rolloutsInstalled(): Promise<boolean> {
    this.#rollouts ??= this.#discoverRollouts();
    return this.#rollouts;
  }

  async #discoverRollouts(): Promise<boolean> {
    try {
      const list = await this.#api.custom.getAPIResources({
        group: ROLLOUTS.group,
        version: ROLLOUTS.version,
      });
      return list.resources.some((r) => r.name === ROLLOUTS.plural);
    } catch (error) {
      if (isNotFound(error)) return false;
      throw toClusterError(
        error,
        `discover ${ROLLOUTS.group}/${ROLLOUTS.version}`,
        this.#api.target,
      );
    }
  }
}

function groupedKind(kind: string): WorkloadKindInfo {
  const info = workloadKindInfo(kind);
  // Core kinds (Pod, ReplicationController) are never patched by fix.
  if (info === undefined || info.group === '')
    throw new UsageError(`kube-fresh fix does not patch ${kind} objects`);
  return info;
}

function location(info: WorkloadKindInfo, ref: WorkloadObjectRef) {
  return {
    group: info.group,
    version: info.version,
    plural: info.plural,
    namespace: ref.namespace,
    name: ref.name,
  };
}

function describe(ref: WorkloadObjectRef): string {
  return `${ref.kind} "${ref.name}" in namespace "${ref.namespace}"`;
}

/** client-go's `<object>.<hex nanoseconds>`, plus randomness: two runs in one ms stay distinct. */
function eventName(objectName: string, now: Date): string {
  const stamp = BigInt(now.getTime()) * 1_000_000n + BigInt(randomInt(1_000_000));
  return `${objectName.slice(0, 230)}.${stamp.toString(16)}`;
}
