// The keep-fresh loop's leader gate and policy, over the hand-written cluster fakes: a standby
// judges and reports metrics but writes nothing (no patch, no Event); once it leads, the stale
// `pin` workload is pinned through fix's flow and the `report` one only gets Events, once each.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WatchedWorkload } from '../../cluster/watch/cluster-watches.ts';
import {
  harness,
  live,
  pod,
  REG,
  V1,
  V2,
  workloadRef,
} from '../../../test/support/fix-live-fixtures.ts';
import { KeepFresh, type KeepFreshMetrics } from './keep-fresh.ts';
import type { Leadership } from './leadership.ts';
import { TagTracker } from './tag-tracker.ts';

function watched(name: string, policy: string): WatchedWorkload {
  return {
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    namespace: 'prod',
    name,
    uid: `uid-Deployment-${name}`,
    resourceVersion: '1',
    labels: {},
    annotations: { 'kube-fresh.io/policy': policy },
    generation: 1,
    observedGeneration: 1,
    progressDeadlineExceeded: false,
    replicas: 1,
    updatedReplicas: 1,
    availableReplicas: 1,
  };
}

const silent = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
};

async function until(probe: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('KeepFresh', () => {
  it('writes nothing while standing by, then pins and reports once leading', async () => {
    const web = workloadRef('Deployment', 'web');
    const api = workloadRef('Deployment', 'api');
    const h = harness({ pods: [pod('web-1', web, V1), pod('api-1', api, V1)] }, [
      live('Deployment', 'web'),
      live('Deployment', 'api'),
    ]);
    const objects = new Map([
      ['web', watched('web', 'pin')],
      ['api', watched('api', 'report')],
    ]);
    const verdicts: Array<ReadonlyMap<string, Readonly<Record<string, number>>>> = [];
    const pins: string[] = [];
    const metrics: KeepFreshMetrics = {
      verdicts: (counts) => verdicts.push(counts),
      nodesAtRisk: () => undefined,
      tagsTracked: () => undefined,
      tagMoved: () => undefined,
      pin: (result) => pins.push(result),
      notificationToPin: () => undefined,
      pass: () => undefined,
    };
    let leading = false;
    const listeners: Array<(leading: boolean) => void> = [];
    const leadership: Leadership = {
      isLeader: () => leading,
      onChange: (l) => void listeners.push(l),
      stop: () => Promise.resolve(),
    };
    const tracker = new TagTracker({ resolver: h.resolver });
    const loop = new KeepFresh({
      live: {
        reader: () => h.reader,
        unsynced: () => [],
        workload: (kind, ns, name) =>
          kind === 'Deployment' && ns === 'prod' ? objects.get(name) : undefined,
        namespace: () => undefined,
      },
      writer: h.writer,
      tracker,
      leadership,
      metrics,
      log: silent,
      settings: {
        namespace: 'prod',
        defaultPolicy: 'report',
        pollIntervalMs: 3_600_000,
        dryRun: false,
        maxConcurrentRollouts: 3,
        minPinIntervalMs: 0,
        debounceMs: 0,
      },
    });
    loop.start();
    try {
      await until(() => loop.passes >= 1, 'a first pass');
      loop.schedule(0);
      await until(() => loop.passes >= 2, 'a second pass');
      assert.deepEqual(verdicts.at(-1)?.get('prod'), { stale: 2 });
      assert.deepEqual(h.writer.calls, [], 'a standby neither reads for a patch nor writes');
      assert.deepEqual(pins, []);

      leading = true;
      for (const l of listeners) l(true);
      const image = `${REG}/team/app:dev`;
      await until(
        () => h.writer.stored(web)?.containers[0]?.image === `${image}@${V2}`,
        'web pinned',
      );
      await until(
        () => h.writer.events.filter((e) => e.event.reason === 'StaleReplicas').length === 2,
        'StaleReplicas on both',
      );
      const passes = loop.passes;
      loop.schedule(0);
      await until(() => loop.passes > passes, 'another pass');
      const reasons = h.writer.events.map((e) => `${e.ref.name}:${e.event.reason}`).sort();
      assert.deepEqual(reasons, ['api:StaleReplicas', 'web:Pinned', 'web:StaleReplicas']);
      assert.equal(h.writer.stored(api)?.containers[0]?.image, image, 'report: untouched');
      assert.deepEqual(pins, ['applied']);
    } finally {
      await loop.stop();
      tracker.stop();
    }
  });
});
