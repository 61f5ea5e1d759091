import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyFixes, MAX_PATCH_ATTEMPTS } from './apply-fixes.ts';
import {
  harness,
  live,
  NOW,
  pod,
  REG,
  V1,
  V2,
  workloadRef,
} from '../../../test/support/fix-live-fixtures.ts';
import { concludeFix } from './conclude-fix.ts';
import { planFixes } from './fix-live.ts';

const web = workloadRef('Deployment', 'web');
const IMAGE = `${REG}/team/app:dev`;
const request = { scope: { namespace: 'prod' }, strategy: 'pin' as const, dryRun: false };

describe('planFixes + applyFixes: pin', () => {
  it('pins a stale Deployment to the current digest, records it, and a second run does nothing', async () => {
    const h = harness({ pods: [pod('web-1', web, V1), pod('web-2', web, V2)] }, [
      live('Deployment', 'web'),
    ]);
    const plan = await planFixes(h.deps, request);
    assert.equal(plan.fixes.length, 1);
    const [fix] = plan.fixes;
    assert.deepEqual(fix?.containers, [
      {
        container: 'app',
        containerKind: 'regular',
        verdict: 'mixed',
        from: IMAGE,
        to: `${IMAGE}@${V2}`,
        current: V2,
        pullPolicy: undefined,
      },
    ]);
    const results = await applyFixes(plan, { writer: h.writer, now: () => NOW });
    assert.deepEqual(
      results.map((r) => [r.outcome, r.attempts, r.event?.reason]),
      [['applied', 1, 'KubeFreshPinned']],
    );
    const stored = h.writer.stored(web);
    assert.equal(stored?.containers[0]?.image, `${IMAGE}@${V2}`);
    assert.equal(stored?.annotations['kube-fresh.io/fixed-by'], 'pin');
    assert.deepEqual(JSON.parse(stored?.annotations['kube-fresh.io/pinned'] ?? ''), {
      app: { from: IMAGE, to: `${IMAGE}@${V2}`, at: '2026-11-25T12:00:00Z' },
    });
    assert.deepEqual(stored?.templateAnnotations, {});
    assert.equal(
      h.writer.events[0]?.event.message,
      `kube-fresh pinned: container app: ${IMAGE} → ${IMAGE}@${V2}`,
    );
    assert.equal(concludeFix(plan, results).status, 'done');

    // The rollout replaced the Pods: they run the pinned image.
    h.reader.setState({ pods: [pod('web-3', web, V2, { image: `${IMAGE}@${V2}` })] });
    const reads = h.writer.calls.length;
    const again = await planFixes(h.deps, request);
    assert.deepEqual([again.fixes.length, again.skipped.length, again.upToDate], [0, 0, 1]);
    assert.equal(h.writer.calls.length, reads, 'nothing fresh is read or patched');
  });

  it('mid-rollout, a template already pinned to the current digest is left alone', async () => {
    const pinned = `${IMAGE}@${V2}`;
    const h = harness({ pods: [pod('old', web, V1), pod('new', web, V2, { image: pinned })] }, [
      live('Deployment', 'web', { image: pinned }),
    ]);
    const plan = await planFixes(h.deps, request);
    assert.equal(plan.fixes.length, 0);
    assert.match(plan.unchanged[0]?.message ?? '', /^already pinned to sha256:222222222222/);
    assert.equal(concludeFix(plan, []).status, 'done');
  });

  it('re-pinning a pinned-behind container keeps the first original image', async () => {
    const previous = JSON.stringify({ app: { from: IMAGE, to: `${IMAGE}@${V1}`, at: 'x' } });
    const h = harness({ pods: [pod('web-1', web, V1, { image: `${IMAGE}@${V1}` })] }, [
      live(
        'Deployment',
        'web',
        { image: `${IMAGE}@${V1}` },
        { annotations: { 'kube-fresh.io/pinned': previous } },
      ),
    ]);
    const plan = await planFixes(h.deps, request);
    assert.equal(plan.fixes[0]?.containers[0]?.verdict, 'pinned-behind');
    await applyFixes(plan, { writer: h.writer });
    const pinned = JSON.parse(
      h.writer.stored(web)?.annotations['kube-fresh.io/pinned'] ?? '',
    ) as Record<string, { from: string; to: string }>;
    assert.deepEqual([pinned.app?.from, pinned.app?.to], [IMAGE, `${IMAGE}@${V2}`]);
  });

  it('an untagged image becomes name:latest@digest with IfNotPresent, unless Always was declared', async () => {
    const untagged = `${REG}/team/app`;
    const pods = [
      pod('a-1', workloadRef('Deployment', 'a'), V1, { image: untagged, policy: 'Always' }),
    ];
    pods.push(
      pod('b-1', workloadRef('Deployment', 'b'), V1, { image: untagged, policy: 'Always' }),
    );
    const h = harness({ pods }, [
      live('Deployment', 'a', { image: untagged, imagePullPolicy: 'Always' }),
      live('Deployment', 'b', {
        image: untagged,
        imagePullPolicy: 'Always',
        pullPolicyDeclared: true,
      }),
    ]);
    const plan = await planFixes(h.deps, request);
    const byName = new Map(plan.fixes.map((f) => [f.workload.name, f.containers[0]]));
    assert.equal(byName.get('a')?.to, `${untagged}:latest@${V2}`);
    assert.deepEqual(byName.get('a')?.pullPolicy, { from: 'Always', to: 'IfNotPresent' });
    assert.equal(byName.get('b')?.pullPolicy, undefined);
    assert.match(plan.fixes[0]?.notes.join('\n') ?? '', /imagePullPolicy Always → IfNotPresent/);
  });

  it('a dry run is sent as such and records no Event', async () => {
    const h = harness({ pods: [pod('web-1', web, V1)] }, [live('Deployment', 'web')]);
    const plan = await planFixes(h.deps, { ...request, dryRun: true });
    const results = await applyFixes(plan, { writer: h.writer });
    assert.equal(results[0]?.outcome, 'dry-run');
    assert.ok(h.writer.calls.some((c) => c.method === 'patchWorkload' && c.dryRun));
    assert.equal(h.writer.stored(web)?.containers[0]?.image, IMAGE);
    assert.deepEqual(h.writer.events, []);
  });
});

describe('applyFixes: another writer between the read and the patch', () => {
  it('re-reads and recomputes, so both changes survive', async () => {
    const h = harness({ pods: [pod('web-1', web, V1)] }, [live('Deployment', 'web')]);
    const plan = await planFixes(h.deps, request);
    h.writer.modify(web, (w) => ({ labels: { ...w.labels, team: 'payments' } })); // a concurrent scale/label
    const results = await applyFixes(plan, { writer: h.writer });
    assert.deepEqual(
      results.map((r) => [r.outcome, r.attempts]),
      [['applied', 2]],
    );
    const patches = h.writer.calls.filter((c) => c.method === 'patchWorkload');
    assert.deepEqual(
      patches.map((c) => c.method === 'patchWorkload' && c.resourceVersion),
      ['7', '101'],
    );
    const stored = h.writer.stored(web);
    assert.equal(stored?.labels.team, 'payments');
    assert.equal(stored?.containers[0]?.image, `${IMAGE}@${V2}`);
  });

  it('gives up after a bounded number of conflicts, reporting it as not fixed', async () => {
    const h = harness({ pods: [pod('web-1', web, V1)] }, [live('Deployment', 'web')]);
    const plan = await planFixes(h.deps, request);
    let n = 0;
    const busy = (): void => h.writer.modify(web, () => ({ labels: { tick: String(n++) } }));
    busy();
    h.writer.afterRead = busy;
    const results = await applyFixes(plan, { writer: h.writer });
    assert.deepEqual(
      results.map((r) => [r.outcome, r.attempts]),
      [['conflict', MAX_PATCH_ATTEMPTS]],
    );
    assert.equal(h.writer.stored(web)?.containers[0]?.image, IMAGE);
    assert.equal(concludeFix(plan, results).status, 'incomplete');
  });

  it('when the other writer already pinned it, nothing more is patched', async () => {
    const h = harness({ pods: [pod('web-1', web, V1)] }, [live('Deployment', 'web')]);
    const plan = await planFixes(h.deps, request);
    h.writer.modify(web, (w) => ({
      containers: w.containers.map((c) => ({ ...c, image: `${IMAGE}@${V2}` })),
    }));
    const results = await applyFixes(plan, { writer: h.writer });
    assert.deepEqual(
      results.map((r) => [r.outcome, r.attempts]),
      [['unchanged', 1]],
    );
    assert.equal(concludeFix(plan, results).status, 'done');
  });
});

describe('access errors', () => {
  it('a refused patch is reported per workload; when nothing could be done the status is no-access', async () => {
    const h = harness({ pods: [pod('web-1', web, V1)] }, [live('Deployment', 'web')]);
    h.writer.failOn('patchWorkload', web, 'forbidden');
    const plan = await planFixes(h.deps, request);
    const results = await applyFixes(plan, { writer: h.writer });
    assert.equal(results[0]?.outcome, 'failed');
    const conclusion = concludeFix(plan, results);
    assert.equal(conclusion.status, 'no-access');
    assert.equal(conclusion.accessError?.failure, 'forbidden');
  });

  it('with another workload patched, a refusal makes the run incomplete instead', async () => {
    const api = workloadRef('Deployment', 'api');
    const h = harness({ pods: [pod('web-1', web, V1), pod('api-1', api, V1)] }, [
      live('Deployment', 'web'),
      live('Deployment', 'api'),
    ]);
    h.writer.failOn('patchWorkload', web, 'forbidden');
    const plan = await planFixes(h.deps, request);
    const results = await applyFixes(plan, { writer: h.writer });
    assert.deepEqual(results.map((r) => [r.workload.name, r.outcome]).sort(), [
      ['api', 'applied'],
      ['web', 'failed'],
    ]);
    assert.equal(concludeFix(plan, results).status, 'incomplete');
  });
});
