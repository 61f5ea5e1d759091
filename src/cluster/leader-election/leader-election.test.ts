// client-go's Lease algorithm on a fake clock and an in-memory Lease with real optimistic
// concurrency: acquire, renew, takeover only after LeaseDuration of unchanged record, stepping
// down past RenewDeadline, conflicts, and release.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { FakeElectionClock, settle } from './fake-election-clock.ts';
import { FakeLeasePort } from './fake-lease-port.ts';
import { registerLeaderMetric } from './leader-metric.ts';
import { formatMicroTime, type LeaseRecord } from './lease-port.ts';
import {
  checkDurations,
  startLeaderElection,
  type ElectionDurations,
  type LeaderElection,
} from './leader-election.ts';

const NS = 'kube-fresh';
const NAME = 'kube-fresh-controller';

interface Candidate {
  readonly election: LeaderElection;
  readonly events: string[];
}

function candidate(
  port: FakeLeasePort,
  clock: FakeElectionClock,
  identity: string,
  durations?: Partial<ElectionDurations>,
): Candidate {
  const events: string[] = [];
  const election = startLeaderElection({
    lease: port,
    namespace: NS,
    name: NAME,
    identity,
    durations,
    clock,
    random: () => 0, // jitter off: retries exactly every RetryPeriod
    onStartedLeading: () => events.push('started'),
    onStoppedLeading: () => events.push('stopped'),
  });
  return { election, events };
}

function heldBy(holder: string, renewTime: string, transitions = 0): LeaseRecord {
  return {
    holderIdentity: holder,
    leaseDurationSeconds: 15,
    acquireTime: renewTime,
    renewTime,
    leaseTransitions: transitions,
  };
}

describe('startLeaderElection', () => {
  it('creates a missing Lease and leads at once, then renews every RetryPeriod', async () => {
    const clock = new FakeElectionClock();
    const port = new FakeLeasePort();
    const a = candidate(port, clock, 'a');
    await settle();
    assert.equal(a.election.isLeader(), true);
    assert.deepEqual(a.events, ['started']);
    const created = port.peek(NS, NAME);
    assert.equal(created?.holderIdentity, 'a');
    assert.equal(created?.leaseDurationSeconds, 15);
    assert.equal(created?.leaseTransitions, 0);
    assert.match(created?.renewTime ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    await clock.advance(2_000);
    const renewed = port.peek(NS, NAME);
    assert.notEqual(renewed?.renewTime, created?.renewTime);
    assert.equal(renewed?.acquireTime, created?.acquireTime);
    assert.equal(renewed?.leaseTransitions, 0);
    // The fast path: one update per renewal, no read.
    assert.deepEqual(port.calls.slice(-1), ['update kube-fresh-controller a']);
    await a.election.stop();
  });

  it('takes over only after the record stayed unchanged for LeaseDuration of local time', async () => {
    const clock = new FakeElectionClock();
    const port = new FakeLeasePort();
    // A dead leader's record whose renewTime is an hour old: irrelevant, only local time counts.
    port.put(NS, NAME, heldBy('dead', formatMicroTime(clock.wallNow() - 3_600_000), 4));
    const b = candidate(port, clock, 'b');
    await settle();
    assert.equal(b.election.isLeader(), false);
    await clock.advance(14_000);
    assert.equal(b.election.isLeader(), false, 'not before 15 s of an unchanged record');
    await clock.advance(2_000);
    assert.equal(b.election.isLeader(), true);
    const taken = port.peek(NS, NAME);
    assert.equal(taken?.holderIdentity, 'b');
    assert.equal(taken?.leaseTransitions, 5);
    assert.equal(taken?.acquireTime, formatMicroTime(clock.wallNow()));
    await b.election.stop();
  });

  it('restarts the wait whenever the holder renews', async () => {
    const clock = new FakeElectionClock();
    const port = new FakeLeasePort();
    port.put(NS, NAME, heldBy('other', formatMicroTime(clock.wallNow())));
    const b = candidate(port, clock, 'b');
    await clock.advance(10_000);
    port.put(NS, NAME, heldBy('other', formatMicroTime(clock.wallNow())));
    await clock.advance(12_000); // 22 s after start, 12 s after the renewal
    assert.equal(b.election.isLeader(), false);
    await clock.advance(6_000);
    assert.equal(b.election.isLeader(), true);
    await b.election.stop();
  });

  it('of two candidates for a missing Lease exactly one leads (409 for the other)', async () => {
    const clock = new FakeElectionClock();
    const port = new FakeLeasePort();
    const a = candidate(port, clock, 'a');
    const b = candidate(port, clock, 'b');
    await settle();
    for (let i = 0; i < 20; i++) {
      assert.equal(Number(a.election.isLeader()) + Number(b.election.isLeader()), 1);
      await clock.advance(1_000);
    }
    assert.deepEqual([...a.events, ...b.events], ['started']);
    await Promise.all([a.election.stop(), b.election.stop()]);
  });

  it('stops leading once renewals fail for RenewDeadline, and leads again when the API is back', async () => {
    const clock = new FakeElectionClock();
    const port = new FakeLeasePort();
    const a = candidate(port, clock, 'a');
    await settle();
    port.down = true;
    await clock.advance(2_000 + 9_900); // the renewal round started at 2 s; its deadline is 12 s
    assert.equal(a.election.isLeader(), true);
    await clock.advance(100);
    assert.equal(a.election.isLeader(), false);
    assert.deepEqual(a.events, ['started', 'stopped']);
    port.down = false;
    await clock.advance(2_000);
    assert.equal(a.election.isLeader(), true);
    assert.deepEqual(a.events, ['started', 'stopped', 'started']);
    assert.equal(port.peek(NS, NAME)?.leaseTransitions, 0, 'still the same holder');
    await a.election.stop();
  });

  it('steps down at the deadline even while a renewal hangs', async () => {
    const clock = new FakeElectionClock();
    const port = new FakeLeasePort();
    const a = candidate(port, clock, 'a');
    await settle();
    port.hang();
    await clock.advance(2_000 + 10_000);
    assert.equal(a.election.isLeader(), false);
    port.down = true;
    port.unhang();
    await a.election.stop();
  });

  it('a leader whose Lease was taken (409 on renew) stops leading and never overwrites it', async () => {
    const clock = new FakeElectionClock();
    const port = new FakeLeasePort();
    const a = candidate(port, clock, 'a');
    await settle();
    const intruder = heldBy('b', formatMicroTime(clock.wallNow()), 1);
    port.put(NS, NAME, intruder);
    // b keeps its record fresh; a's fast path gets 409 and the slow path sees a valid lease.
    for (let t = 0; t < 13; t++) {
      await clock.advance(1_000);
      port.put(NS, NAME, { ...intruder, renewTime: formatMicroTime(clock.wallNow()) });
    }
    assert.equal(a.election.isLeader(), false);
    assert.deepEqual(a.events, ['started', 'stopped']);
    assert.equal(port.peek(NS, NAME)?.holderIdentity, 'b');
    await a.election.stop();
    assert.equal(
      port.peek(NS, NAME)?.holderIdentity,
      'b',
      'stop() does not release a lease it lost',
    );
  });

  it('stop() releases the Lease so a standby takes over at its next retry', async () => {
    const clock = new FakeElectionClock();
    const port = new FakeLeasePort();
    const a = candidate(port, clock, 'a');
    await settle();
    const b = candidate(port, clock, 'b');
    await clock.advance(4_000);
    assert.equal(b.election.isLeader(), false);
    await a.election.stop();
    assert.equal(a.election.isLeader(), false);
    assert.deepEqual(a.events, ['started', 'stopped']);
    const released = port.peek(NS, NAME);
    assert.equal(released?.holderIdentity, '');
    assert.equal(released?.leaseDurationSeconds, 1);
    await clock.advance(2_000);
    assert.equal(b.election.isLeader(), true);
    assert.equal(port.peek(NS, NAME)?.leaseTransitions, 1);
    await b.election.stop();
  });

  it('stop() of a standby leaves the Lease alone and calls no callback', async () => {
    const clock = new FakeElectionClock();
    const port = new FakeLeasePort();
    const a = candidate(port, clock, 'a');
    await settle();
    const b = candidate(port, clock, 'b');
    await settle();
    const before = port.peek(NS, NAME);
    await b.election.stop();
    assert.deepEqual(port.peek(NS, NAME), before);
    assert.deepEqual(b.events, []);
    await a.election.stop();
  });

  it('refuses durations client-go would refuse', () => {
    const ok = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };
    assert.deepEqual(checkDurations(ok), ok);
    assert.throws(() => checkDurations({ ...ok, renewDeadlineMs: 15_000 }), /lease duration >/);
    assert.throws(() => checkDurations({ ...ok, retryPeriodMs: 9_000 }), /1.2 × retry period/);
    assert.throws(() => checkDurations({ ...ok, leaseDurationMs: 15_500 }), /whole seconds/);
  });

  it('exports kube_fresh_leader as 1 while leading and 0 otherwise', async () => {
    const clock = new FakeElectionClock();
    const port = new FakeLeasePort();
    const a = candidate(port, clock, 'a');
    const metrics = new Registry();
    registerLeaderMetric(metrics, a.election);
    await settle();
    assert.match(await metrics.metrics(), /^kube_fresh_leader 1$/m);
    await a.election.stop();
    assert.match(await metrics.metrics(), /^kube_fresh_leader 0$/m);
  });
});

describe('formatMicroTime', () => {
  it('writes 6 fractional digits, as the API server requires', () => {
    assert.equal(
      formatMicroTime(Date.UTC(2026, 10, 25, 11, 44, 7, 807)),
      '2026-11-25T11:44:07.807000Z',
    );
    assert.equal(formatMicroTime(Date.UTC(2026, 0, 1)), '2026-01-01T00:00:00.000000Z');
  });
});
