// An in-memory LeasePort with the API server's optimistic concurrency (resourceVersion, 409 on a
// stale update, 409 on creating an existing Lease) and switches for outages and hung requests.

import type { LeaseObject, LeasePort, LeaseRecord, LeaseResult } from './lease-port.ts';

export class FakeLeasePort implements LeasePort {
  readonly #leases = new Map<string, LeaseObject>();
  #version = 0;
  /** When set, every call answers `failed` (the API server is unreachable). */
  down = false;
  /** When set, every call waits until `hang` is cleared (a black-holed connection). */
  #hung: (() => void)[] | undefined;
  readonly calls: string[] = [];

  async get(namespace: string, name: string): Promise<LeaseResult> {
    return this.#call(`get ${name}`, () => {
      const lease = this.#leases.get(`${namespace}/${name}`);
      return lease === undefined
        ? { ok: false, reason: 'not-found', message: 'leases not found' }
        : { ok: true, lease };
    });
  }

  async create(namespace: string, name: string, record: LeaseRecord): Promise<LeaseResult> {
    return this.#call(`create ${name} ${record.holderIdentity}`, () => {
      const key = `${namespace}/${name}`;
      if (this.#leases.has(key)) {
        return { ok: false, reason: 'conflict', message: 'leases already exists' };
      }
      return { ok: true, lease: this.#store(key, record) };
    });
  }

  async update(
    namespace: string,
    name: string,
    record: LeaseRecord,
    resourceVersion: string,
  ): Promise<LeaseResult> {
    return this.#call(`update ${name} ${record.holderIdentity}`, () => {
      const key = `${namespace}/${name}`;
      const current = this.#leases.get(key);
      if (current === undefined) return { ok: false, reason: 'not-found', message: 'not found' };
      if (current.resourceVersion !== resourceVersion) {
        return { ok: false, reason: 'conflict', message: 'the object has been modified' };
      }
      return { ok: true, lease: this.#store(key, record) };
    });
  }

  /** What the API server holds now (tests read and write it directly, as another client). */
  peek(namespace: string, name: string): LeaseRecord | undefined {
    return this.#leases.get(`${namespace}/${name}`)?.record;
  }

  put(namespace: string, name: string, record: LeaseRecord): void {
    this.#store(`${namespace}/${name}`, record);
  }

  hang(): void {
    this.#hung ??= [];
  }

  /** Lets hung calls go on (they then see the current `down` state). */
  unhang(): void {
    const waiting = this.#hung ?? [];
    this.#hung = undefined;
    for (const release of waiting) release();
  }

  #store(key: string, record: LeaseRecord): LeaseObject {
    const lease = { record, resourceVersion: String(++this.#version) };
    this.#leases.set(key, lease);
    return lease;
  }

  async #call(what: string, answer: () => LeaseResult): Promise<LeaseResult> {
    this.calls.push(what);
    if (this.#hung !== undefined) {
      const hung = this.#hung;
      await new Promise<void>((resolve) => hung.push(resolve));
    }
    if (this.down) return { ok: false, reason: 'failed', message: 'connection refused' };
    return answer();
  }
}
