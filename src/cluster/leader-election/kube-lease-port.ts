// LeasePort over client-node's CoordinationV1Api (build it with the controller's KubeApi, so it
// shares TLS, auth, the request budget and the per-request timeout). MicroTime fields are written
// as strings with 6 fractional digits: client-node would serialise a Date with 3, which the API
// server refuses (dependencies.md, "Lease MicroTime").

import {
  ApiException,
  type CoordinationV1Api,
  type V1Lease,
  type V1MicroTime,
} from '@kubernetes/client-node';
import {
  formatMicroTime,
  type LeasePort,
  type LeaseRecord,
  type LeaseResult,
} from './lease-port.ts';

export class KubeLeasePort implements LeasePort {
  readonly #api: CoordinationV1Api;

  constructor(api: CoordinationV1Api) {
    this.#api = api;
  }

  get(namespace: string, name: string): Promise<LeaseResult> {
    return answer(this.#api.readNamespacedLease({ namespace, name }));
  }

  create(namespace: string, name: string, record: LeaseRecord): Promise<LeaseResult> {
    return answer(
      this.#api.createNamespacedLease({ namespace, body: leaseBody(namespace, name, record) }),
    );
  }

  update(
    namespace: string,
    name: string,
    record: LeaseRecord,
    resourceVersion: string,
  ): Promise<LeaseResult> {
    return answer(
      this.#api.replaceNamespacedLease({
        namespace,
        name,
        body: leaseBody(namespace, name, record, resourceVersion),
      }),
    );
  }
}

function leaseBody(
  namespace: string,
  name: string,
  record: LeaseRecord,
  resourceVersion?: string,
): V1Lease {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name, namespace, ...(resourceVersion === undefined ? {} : { resourceVersion }) },
    spec: {
      holderIdentity: record.holderIdentity,
      leaseDurationSeconds: record.leaseDurationSeconds,
      acquireTime: record.acquireTime as unknown as V1MicroTime,
      renewTime: record.renewTime as unknown as V1MicroTime,
      leaseTransitions: record.leaseTransitions,
    },
  };
}

async function answer(request: Promise<V1Lease>): Promise<LeaseResult> {
  try {
    const lease = await request;
    return {
      ok: true,
      lease: { record: toRecord(lease), resourceVersion: lease.metadata?.resourceVersion ?? '' },
    };
  } catch (error) {
    if (error instanceof ApiException) {
      const code = (error as ApiException<unknown>).code;
      const reason = code === 404 ? 'not-found' : code === 409 ? 'conflict' : 'failed';
      return { ok: false, reason, message: `HTTP ${code}` };
    }
    return {
      ok: false,
      reason: 'failed',
      message: error instanceof Error ? error.message : String(error),
    };
  }
}

function toRecord(lease: V1Lease): LeaseRecord {
  const spec = lease.spec ?? {};
  return {
    holderIdentity: spec.holderIdentity ?? '',
    leaseDurationSeconds: spec.leaseDurationSeconds ?? 0,
    acquireTime: microTime(spec.acquireTime),
    renewTime: microTime(spec.renewTime),
    leaseTransitions: spec.leaseTransitions ?? 0,
  };
}

/** client-node 1.4 leaves MicroTime fields as the server's strings; a Date is normalised too. */
function microTime(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Date) return formatMicroTime(value.getTime());
  return '';
}
