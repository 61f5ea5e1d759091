// Leader election over a coordination.k8s.io/v1 Lease: a port of client-go's
// tools/leaderelection (LeaderElector.tryAcquireOrRenew, acquire, renew, release) with its
// LeaseLock, for replicas where only the leader may write. The rules that make it safe:
// - a Lease held by someone else is taken over only after its record has stayed unchanged for its
//   leaseDurationSeconds of *local* time, counted from when this process last saw it change (never
//   from renewTime, so clock skew between replicas does not matter);
// - every write carries the read resourceVersion, so of two candidates exactly one wins (409);
// - a leader that cannot renew within RenewDeadline stops leading at once, before the Lease
//   (LeaseDuration > RenewDeadline + RetryPeriod) can expire for the others;
// - on stop, a leader releases the Lease (empty holder, 1 s duration) so a standby takes over at
//   its next retry instead of after LeaseDuration.
// Unlike client-go's Run, this keeps campaigning after losing the lease, so a leader cut off from
// the API server leads again once it is back (if nobody else took over meanwhile).

import { UsageError } from '../../core/errors.ts';
import type { Logger } from '../../telemetry/logger.ts';
import { systemClock, type ElectionClock } from './election-clock.ts';
import {
  formatMicroTime,
  recordKey,
  type LeaseObject,
  type LeasePort,
  type LeaseRecord,
} from './lease-port.ts';

export interface ElectionDurations {
  /** How long a standby waits on an unchanged record before taking over (client-go: 15 s). */
  readonly leaseDurationMs: number;
  /** How long a leader keeps retrying a failing renewal before it stops leading (10 s). */
  readonly renewDeadlineMs: number;
  /** Time between tries (2 s; jittered by up to 1.2× while not leading). */
  readonly retryPeriodMs: number;
}

export const DEFAULT_ELECTION_DURATIONS: ElectionDurations = {
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
};

/** client-go's JitterFactor for the acquire loop. */
const JITTER_FACTOR = 1.2;

export interface LeaderElectionOptions {
  readonly lease: LeasePort;
  readonly namespace: string;
  readonly name: string;
  /** Unique per replica (e.g. Pod name + random suffix). */
  readonly identity: string;
  readonly durations?: Partial<ElectionDurations>;
  /** Called when this replica becomes leader (again, after a loss). */
  onStartedLeading(): void;
  /** Called when a leader stops leading: renewal failed past the deadline, or stop(). */
  onStoppedLeading(): void;
  readonly logger?: Logger;
  readonly clock?: ElectionClock;
  readonly random?: () => number;
}

export interface LeaderElection {
  isLeader(): boolean;
  /** Stops campaigning; a leader releases the Lease and gets onStoppedLeading. */
  stop(): Promise<void>;
}

/** Starts campaigning at once; throws a UsageError for durations client-go would refuse. */
export function startLeaderElection(options: LeaderElectionOptions): LeaderElection {
  const durations = checkDurations({ ...DEFAULT_ELECTION_DURATIONS, ...options.durations });
  const elector = new LeaderElector(options, durations);
  elector.start();
  return { isLeader: () => elector.leading, stop: () => elector.stop() };
}

/** client-go's NewLeaderElector checks, plus whole seconds (the Lease stores seconds). */
export function checkDurations(d: ElectionDurations): ElectionDurations {
  const problems: string[] = [];
  if (d.leaseDurationMs <= d.renewDeadlineMs) problems.push('lease duration > renew deadline');
  if (d.renewDeadlineMs <= JITTER_FACTOR * d.retryPeriodMs) {
    problems.push(`renew deadline > ${JITTER_FACTOR} × retry period`);
  }
  if (d.retryPeriodMs <= 0) problems.push('retry period > 0');
  if (d.leaseDurationMs < 1_000 || d.leaseDurationMs % 1_000 !== 0) {
    problems.push('lease duration in whole seconds');
  }
  if (problems.length > 0) {
    throw new UsageError(`leader election durations must satisfy: ${problems.join(', ')}`);
  }
  return d;
}

class LeaderElector {
  leading = false;
  readonly #o: LeaderElectionOptions;
  readonly #d: ElectionDurations;
  readonly #clock: ElectionClock;
  readonly #stopping = new AbortController();
  #loop: Promise<void> = Promise.resolve();
  #stopped: Promise<void> | undefined;
  /** The last record seen, when it was first seen (local clock), and the object it came in. */
  #observed: { record: LeaseRecord; key: string; at: number } | undefined;
  #lastLease: LeaseObject | undefined;
  /** Bumped to disown attempts cut off by a deadline or by stop(). */
  #generation = 0;

  constructor(options: LeaderElectionOptions, durations: ElectionDurations) {
    this.#o = options;
    this.#d = durations;
    this.#clock = options.clock ?? systemClock;
  }

  start(): void {
    this.#loop = this.#run().catch((error: unknown) => {
      this.#o.logger?.error({ err: error, ...this.#where() }, 'leader election failed');
    });
  }

  stop(): Promise<void> {
    this.#stopped ??= this.#shutdown();
    return this.#stopped;
  }

  get #isStopping(): boolean {
    return this.#stopping.signal.aborted;
  }

  async #run(): Promise<void> {
    while (!this.#isStopping) {
      if (!(await this.#acquire())) return;
      this.#setLeading(true);
      await this.#renewWhileLeading();
      if (this.#isStopping) return; // stop() releases and reports
      this.#setLeading(false);
    }
  }

  /** Tries every RetryPeriod (jittered) until this replica holds the Lease, or stop(). */
  async #acquire(): Promise<boolean> {
    this.#o.logger?.info(this.#where(), 'attempting to acquire the leader lease');
    while (!this.#isStopping) {
      if (await this.#attempt(Number.POSITIVE_INFINITY)) return !this.#isStopping;
      const jitter = (this.#o.random ?? Math.random)() * JITTER_FACTOR;
      await this.#clock.sleep(this.#d.retryPeriodMs * (1 + jitter), this.#stopping.signal);
    }
    return false;
  }

  /** Renews every RetryPeriod; returns when a renewal round failed for RenewDeadline, or stop(). */
  async #renewWhileLeading(): Promise<void> {
    while (!this.#isStopping) {
      await this.#clock.sleep(this.#d.retryPeriodMs, this.#stopping.signal);
      if (this.#isStopping) return;
      if (!(await this.#renewRound())) {
        if (!this.#isStopping) this.#o.logger?.warn(this.#where(), 'failed to renew the lease');
        return;
      }
    }
  }

  /** client-go's PollUntilContextTimeout(RetryPeriod, RenewDeadline) around tryAcquireOrRenew. */
  async #renewRound(): Promise<boolean> {
    const deadline = this.#clock.now() + this.#d.renewDeadlineMs;
    while (!this.#isStopping) {
      if (await this.#attempt(deadline)) return true;
      const left = deadline - this.#clock.now();
      if (left <= 0) return false;
      await this.#clock.sleep(Math.min(this.#d.retryPeriodMs, left), this.#stopping.signal);
      if (this.#clock.now() >= deadline) return false;
    }
    return false;
  }

  /** One tryAcquireOrRenew, abandoned (and its late result ignored) at `deadline`. */
  async #attempt(deadline: number): Promise<boolean> {
    const generation = this.#generation;
    const attempt = this.#tryAcquireOrRenew(generation).catch((error: unknown) => {
      this.#o.logger?.warn({ err: error, ...this.#where() }, 'lease request failed');
      return false;
    });
    if (deadline === Number.POSITIVE_INFINITY) return attempt;
    const timer = new AbortController();
    const expired = this.#clock
      .sleep(deadline - this.#clock.now(), timer.signal)
      .then(() => 'expired' as const);
    const result = await Promise.race([attempt, expired]);
    timer.abort();
    if (result === 'expired') {
      this.#generation++;
      return false;
    }
    return result;
  }

  async #tryAcquireOrRenew(generation: number): Promise<boolean> {
    const { lease: port, namespace, name, identity } = this.#o;
    const now = formatMicroTime(this.#clock.wallNow());
    const fresh: LeaseRecord = {
      holderIdentity: identity,
      leaseDurationSeconds: this.#d.leaseDurationMs / 1_000,
      acquireTime: now,
      renewTime: now,
      leaseTransitions: 0,
    };
    // 1. Fast path: the leader updates the object it wrote last, assuming nobody else did.
    if (await this.#renewOptimistically(fresh, generation)) return true;
    // 2. Read the Lease, or create it.
    const got = await port.get(namespace, name);
    if (!got.ok) {
      if (got.reason !== 'not-found') return this.#failed('get', got.message);
      const created = await port.create(namespace, name, fresh);
      if (!created.ok) return this.#failed('create', created.message);
      return this.#observe(created.lease, generation);
    }
    if (generation !== this.#generation) return false;
    // 3. Restart the local clock only when the record changed.
    const current = got.lease.record;
    this.#lastLease = got.lease;
    if (recordKey(current) !== this.#observed?.key) this.#observe(got.lease, generation);
    if (current.holderIdentity !== '' && this.#valid() && !this.#heldByMe()) return false;
    // 4. Renew (keeping acquireTime and the transition count) or take over.
    const record = this.#heldByMe()
      ? { ...fresh, acquireTime: current.acquireTime, leaseTransitions: current.leaseTransitions }
      : { ...fresh, leaseTransitions: current.leaseTransitions + 1 };
    const updated = await port.update(namespace, name, record, got.lease.resourceVersion);
    if (!updated.ok) return this.#failed('update', updated.message);
    return this.#observe(updated.lease, generation);
  }

  async #renewOptimistically(fresh: LeaseRecord, generation: number): Promise<boolean> {
    const observed = this.#observed;
    const last = this.#lastLease;
    if (observed === undefined || last === undefined || !this.#heldByMe() || !this.#valid()) {
      return false;
    }
    const record = {
      ...fresh,
      acquireTime: observed.record.acquireTime,
      leaseTransitions: observed.record.leaseTransitions,
    };
    const { lease: port, namespace, name } = this.#o;
    const renewed = await port.update(namespace, name, record, last.resourceVersion);
    return renewed.ok && this.#observe(renewed.lease, generation);
  }

  #observe(lease: LeaseObject, generation: number): boolean {
    if (generation !== this.#generation) return false;
    this.#lastLease = lease;
    this.#observed = { record: lease.record, key: recordKey(lease.record), at: this.#clock.now() };
    return lease.record.holderIdentity === this.#o.identity;
  }

  #heldByMe(): boolean {
    return this.#observed?.record.holderIdentity === this.#o.identity;
  }

  /** The observed record has changed within its own leaseDurationSeconds (local time). */
  #valid(): boolean {
    const observed = this.#observed;
    if (observed === undefined) return false;
    return observed.at + observed.record.leaseDurationSeconds * 1_000 > this.#clock.now();
  }

  #failed(what: string, message: string): false {
    // 409 lands here too: another replica wrote first, which is the algorithm working.
    this.#o.logger?.debug({ ...this.#where(), message }, `lease ${what} did not succeed`);
    return false;
  }

  #setLeading(leading: boolean): void {
    if (this.leading === leading) return;
    this.leading = leading;
    this.#o.logger?.info(this.#where(), leading ? 'started leading' : 'stopped leading');
    try {
      if (leading) this.#o.onStartedLeading();
      else this.#o.onStoppedLeading();
    } catch (error) {
      this.#o.logger?.error({ err: error, ...this.#where() }, 'leader election callback threw');
    }
  }

  async #shutdown(): Promise<void> {
    this.#stopping.abort();
    // The loop finishes its request in flight (bounded: a hung request must not block exit).
    await this.#bounded(this.#loop);
    this.#generation++;
    // Leader work stops before the Lease is handed over, never after.
    this.#setLeading(false);
    if (this.#heldByMe()) {
      const released = await this.#bounded(this.#release());
      if (released !== true) this.#o.logger?.warn(this.#where(), 'could not release the lease');
    }
  }

  /** client-go's release: empty holder and a 1 s duration, if the Lease still names us. */
  async #release(): Promise<boolean> {
    const { lease: port, namespace, name, identity } = this.#o;
    const got = await port.get(namespace, name);
    if (!got.ok) return false;
    // Never clobber a Lease someone else has taken since we last looked.
    if (got.lease.record.holderIdentity !== identity) return true;
    const now = formatMicroTime(this.#clock.wallNow());
    const record: LeaseRecord = {
      holderIdentity: '',
      leaseDurationSeconds: 1,
      acquireTime: now,
      renewTime: now,
      leaseTransitions: got.lease.record.leaseTransitions,
    };
    const released = await port.update(namespace, name, record, got.lease.resourceVersion);
    if (released.ok) this.#o.logger?.info(this.#where(), 'released the lease');
    return released.ok;
  }

  async #bounded<T>(work: Promise<T>): Promise<T | 'timed out'> {
    const timer = new AbortController();
    const timeout = this.#clock
      .sleep(this.#d.renewDeadlineMs, timer.signal)
      .then(() => 'timed out' as const);
    const result = await Promise.race([work, timeout]);
    timer.abort();
    return result;
  }

  #where(): { lease: string; identity: string } {
    return { lease: `${this.#o.namespace}/${this.#o.name}`, identity: this.#o.identity };
  }
}
