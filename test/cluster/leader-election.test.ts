// Leader election against the Go-built kube-apiserver: two electors in one process with short
// durations. Exactly one leads; a graceful stop hands over at the standby's next retry; a leader
// that goes silent is replaced only after the lease duration; a leader cut off from the API
// server stops leading past its renew deadline and leads again once the server is back.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createKubeApi } from '../../src/cluster/connection/kube-api.ts';
import {
  resolveConnection,
  type ResolvedConnection,
} from '../../src/cluster/connection/kubeconfig-loader.ts';
import { DEFAULT_BUDGET } from '../../src/cluster/connection/request-budget.ts';
import { KubeLeasePort } from '../../src/cluster/leader-election/kube-lease-port.ts';
import type { LeasePort, LeaseResult } from '../../src/cluster/leader-election/lease-port.ts';
import {
  startLeaderElection,
  type ElectionDurations,
  type LeaderElection,
} from '../../src/cluster/leader-election/leader-election.ts';
import { startControlPlane, type ControlPlane } from '../../harness/control-plane/control-plane.ts';
import { startTcpSwitch } from '../support/tcp-switch.ts';

const NS = 'default';

function leasePort(connection: ResolvedConnection): KubeLeasePort {
  const api = createKubeApi(connection, {
    budget: DEFAULT_BUDGET,
    timeoutMs: 1_000,
    userAgent: 'kube-fresh-test',
    env: {},
  });
  return new KubeLeasePort(api.coordination);
}

interface Timeline {
  readonly events: { who: string; what: 'started' | 'stopped'; at: number }[];
  /** Fails if two identities were ever leading at once. */
  assertOneLeaderAtATime(): void;
}

function timeline(): Timeline {
  const events: Timeline['events'] = [];
  return {
    events,
    assertOneLeaderAtATime: () => {
      const leading = new Set<string>();
      for (const event of events) {
        if (event.what === 'started') {
          assert.deepEqual([...leading], [], `${event.who} started while others led`);
          leading.add(event.who);
        } else leading.delete(event.who);
      }
    },
  };
}

function elect(
  port: LeasePort,
  name: string,
  who: string,
  durations: ElectionDurations,
  log: Timeline,
): LeaderElection {
  return startLeaderElection({
    lease: port,
    namespace: NS,
    name,
    identity: who,
    durations,
    onStartedLeading: () => log.events.push({ who, what: 'started', at: Date.now() }),
    onStoppedLeading: () => log.events.push({ who, what: 'stopped', at: Date.now() }),
  });
}

async function eventually(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A LeasePort that can be made to go silent, as a killed process does; records its last renewal. */
function killable(inner: LeasePort): LeasePort & { kill(): void; lastRenewTime(): string } {
  let dead = false;
  let lastRenew = '';
  const wrap = async (call: () => Promise<LeaseResult>): Promise<LeaseResult> => {
    if (dead) return { ok: false, reason: 'failed', message: 'killed' };
    const result = await call();
    if (result.ok) lastRenew = result.lease.record.renewTime;
    return result;
  };
  return {
    get: (ns, name) => wrap(() => inner.get(ns, name)),
    create: (ns, name, record) => wrap(() => inner.create(ns, name, record)),
    update: (ns, name, record, rv) => wrap(() => inner.update(ns, name, record, rv)),
    kill: () => void (dead = true),
    lastRenewTime: () => lastRenew,
  };
}

describe('leader election on a real kube-apiserver', { timeout: 300_000 }, () => {
  let cp: ControlPlane;
  let connection: ResolvedConnection;
  before(async () => {
    cp = await startControlPlane({ controllers: false });
    connection = await resolveConnection({ kubeconfigFlag: cp.kubeconfigPath });
  });
  after(() => cp?.stop());

  it('exactly one leads; a graceful stop hands over well before the lease duration', async () => {
    // A long lease: a takeover by expiry would take ≥ 30 s, a release-driven one one retry.
    const durations = { leaseDurationMs: 30_000, renewDeadlineMs: 20_000, retryPeriodMs: 500 };
    const log = timeline();
    const port = leasePort(connection);
    const a = elect(port, 'graceful', 'a', durations, log);
    const b = elect(port, 'graceful', 'b', durations, log);
    await eventually('a leader', () => a.isLeader() || b.isLeader());
    await pause(2_000);
    assert.equal(Number(a.isLeader()) + Number(b.isLeader()), 1);
    const [leader, standby] = a.isLeader() ? [a, b] : [b, a];
    const stopped = Date.now();
    await leader.stop();
    await eventually('the standby to lead', () => standby.isLeader());
    const handover = Date.now() - stopped;
    console.log(`graceful handover took ${handover} ms (retry period 500 ms)`);
    assert.ok(handover < 15_000, `handover took ${handover} ms`);
    const lease = await port.get(NS, 'graceful');
    assert.ok(lease.ok);
    assert.equal(lease.lease.record.leaseTransitions, 1);
    assert.match(lease.lease.record.renewTime, /\.\d{6}Z$/);
    await standby.stop();
    log.assertOneLeaderAtATime();
  });

  it('a silent leader is replaced only after the lease duration', async () => {
    const durations = { leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 500 };
    const log = timeline();
    const pa = killable(leasePort(connection));
    const pb = killable(leasePort(connection));
    const a = elect(pa, 'silent', 'a', durations, log);
    await eventually('a to lead', () => a.isLeader());
    const b = elect(pb, 'silent', 'b', durations, log);
    await pause(1_500);
    assert.equal(b.isLeader(), false);
    pa.kill();
    await eventually('b to take over', () => b.isLeader());
    const lease = await pb.get(NS, 'silent');
    assert.ok(lease.ok);
    assert.equal(lease.lease.record.holderIdentity, 'b');
    const silentFor = Date.parse(lease.lease.record.acquireTime) - Date.parse(pa.lastRenewTime());
    console.log(`takeover ${silentFor} ms after the silent leader's last renewal (lease 3 s)`);
    assert.ok(silentFor >= 3_000, `taken over after only ${silentFor} ms`);
    await Promise.all([a.stop(), b.stop()]);
  });

  it('a leader cut off from the API server stops leading, and leads again when it is back', async () => {
    const url = new URL(cp.server);
    const proxy = await startTcpSwitch(Number(url.port));
    after(() => proxy.stop());
    const viaProxy = {
      ...connection,
      cluster: { ...connection.cluster, server: `https://${proxy.address}` },
    };
    const durations = { leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 500 };
    const log = timeline();
    const a = elect(leasePort(viaProxy), 'outage', 'a', durations, log);
    await eventually('a to lead', () => a.isLeader());
    proxy.setUp(false);
    const cut = Date.now();
    await eventually('a to stop leading', () => !a.isLeader());
    const steppedDown = Date.now() - cut;
    console.log(`stopped leading ${steppedDown} ms after the API server became unreachable`);
    proxy.setUp(true);
    await eventually('a to lead again', () => a.isLeader());
    assert.deepEqual(
      log.events.map((e) => e.what),
      ['started', 'stopped', 'started'],
    );
    await a.stop();
  });
});
