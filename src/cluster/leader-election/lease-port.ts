// The narrow port leader election needs: get, create and update one coordination.k8s.io/v1
// Lease. Outcomes are values: 404 and 409 are part of the algorithm, and any other failure is
// "try again later", never an exception.

/** The fields of `Lease.spec` client-go's LeaseLock reads and writes. */
export interface LeaseRecord {
  /** Empty when released. */
  readonly holderIdentity: string;
  readonly leaseDurationSeconds: number;
  /** MicroTime: RFC 3339 with exactly 6 fractional digits (the API server refuses fewer). */
  readonly acquireTime: string;
  readonly renewTime: string;
  readonly leaseTransitions: number;
}

export interface LeaseObject {
  readonly record: LeaseRecord;
  /** The optimistic-concurrency precondition for the next update. */
  readonly resourceVersion: string;
}

export type LeaseResult =
  | { readonly ok: true; readonly lease: LeaseObject }
  | {
      readonly ok: false;
      /** not-found: 404 on get. conflict: 409 on create/update (someone else wrote first). */
      readonly reason: 'not-found' | 'conflict' | 'failed';
      readonly message: string;
    };

export interface LeasePort {
  get(namespace: string, name: string): Promise<LeaseResult>;
  create(namespace: string, name: string, record: LeaseRecord): Promise<LeaseResult>;
  /** Replaces the spec if the Lease still has `resourceVersion`; 409 otherwise. */
  update(
    namespace: string,
    name: string,
    record: LeaseRecord,
    resourceVersion: string,
  ): Promise<LeaseResult>;
}

/** `2026-11-25T11:44:07.807000Z`: MicroTime as metav1 serialises it (6 fractional digits). */
export function formatMicroTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** A stable text form of a record: "unchanged" in the algorithm means this string is equal. */
export function recordKey(record: LeaseRecord): string {
  return JSON.stringify([
    record.holderIdentity,
    record.leaseDurationSeconds,
    record.acquireTime,
    record.renewTime,
    record.leaseTransitions,
  ]);
}
