import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyFixes } from './apply-fixes.ts';
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
import { planFixes, type FixStrategy } from './fix-live.ts';

const web = workloadRef('Deployment', 'web');
const IMAGE = `${REG}/team/app:dev`;
const scope = { namespace: 'prod' };
const plan = (h: ReturnType<typeof harness>, strategy: FixStrategy) =>
  planFixes(h.deps, { scope, strategy, dryRun: false });

describe('restart and pull-always', () => {
  it('restart bumps restartedAt when the Pods pull on every start', async () => {
    const h = harness({ pods: [pod('web-1', web, V1, { policy: 'Always' })] }, [
      live('Deployment', 'web', { imagePullPolicy: 'Always' }),
    ]);
    const planned = await plan(h, 'restart');
    const results = await applyFixes(planned, { writer: h.writer });
    assert.equal(results[0]?.event?.reason, 'KubeFreshRestarted');
    const stored = h.writer.stored(web);
    assert.deepEqual(stored?.templateAnnotations, {
      'kubectl.kubernetes.io/restartedAt': '2026-11-25T12:00:00Z',
    });
    assert.equal(stored?.annotations['kube-fresh.io/fixed-by'], 'restart');
    assert.equal(stored?.annotations['kube-fresh.io/pinned'], undefined);
    assert.equal(stored?.containers[0]?.image, IMAGE);
  });

  it('restart is refused, with the reason, under IfNotPresent', async () => {
    const h = harness({ pods: [pod('web-1', web, V1)] }, [live('Deployment', 'web')]);
    const planned = await plan(h, 'restart');
    assert.equal(planned.fixes.length, 0);
    assert.equal(planned.skipped[0]?.reason, 'refused');
    assert.match(
      planned.skipped[0]?.message ?? '',
      /^a restart would not help: the Pods' imagePullPolicy is IfNotPresent \(default: tag "dev" is not "latest", so IfNotPresent\), so new Pods on nodes that cached the tag start the old image again; use --strategy pin$/,
    );
    assert.equal(concludeFix(planned, []).status, 'incomplete');
  });

  it('a restart already rolling (restartedAt newer than the stale Pods) is not repeated', async () => {
    const h = harness({ pods: [pod('web-1', web, V1, { policy: 'Always' })] }, [
      live(
        'Deployment',
        'web',
        { imagePullPolicy: 'Always' },
        {
          templateAnnotations: { 'kubectl.kubernetes.io/restartedAt': '2026-11-25T11:00:00Z' },
        },
      ),
    ]);
    const planned = await plan(h, 'restart');
    assert.equal(planned.fixes.length, 0);
    assert.match(
      planned.unchanged[0]?.message ?? '',
      /^already restarted at 2026-11-25T11:00:00Z: the rollout is replacing the Pods that run an older image$/,
    );
  });

  it('pull-always sets Always and restarts, with the registry warning', async () => {
    const h = harness({ pods: [pod('web-1', web, V1)] }, [live('Deployment', 'web')]);
    const planned = await plan(h, 'pull-always');
    assert.match(planned.warnings.join('\n'), /every container start ask the registry/);
    await applyFixes(planned, { writer: h.writer, now: () => NOW });
    const stored = h.writer.stored(web);
    assert.equal(stored?.containers[0]?.imagePullPolicy, 'Always');
    assert.equal(stored?.containers[0]?.image, IMAGE);
    assert.ok(stored?.templateAnnotations['kubectl.kubernetes.io/restartedAt']);
    assert.equal(h.writer.events[0]?.event.reason, 'KubeFreshPullAlways');
  });

  it('restart and pull-always refuse an image pinned to an old digest', async () => {
    const pinned = `${IMAGE}@${V1}`;
    for (const strategy of ['restart', 'pull-always'] as const) {
      const h = harness({ pods: [pod('web-1', web, V1, { image: pinned, policy: 'Always' })] }, [
        live('Deployment', 'web', { image: pinned, imagePullPolicy: 'Always' }),
      ]);
      const planned = await plan(h, strategy);
      assert.deepEqual(
        [planned.fixes.length, planned.skipped[0]?.reason],
        [0, 'refused'],
        strategy,
      );
      assert.match(
        planned.skipped[0]?.message ?? '',
        /pinned to sha256:111111111111.*use --strategy pin/,
      );
    }
  });
});

describe('targets fix does not patch', () => {
  it('bare Pods and Jobs get the manual step; other kinds are unsupported; nothing is read', async () => {
    const pods = [
      pod('debug', workloadRef('Pod', 'debug'), V1),
      pod('migrate-x', workloadRef('Job', 'migrate'), V1),
      pod('rc-x', workloadRef('ReplicationController', 'rc'), V1),
    ];
    const h = harness({ pods }, []);
    const planned = await plan(h, 'pin');
    const by = new Map(planned.skipped.map((s) => [s.workload.kind, s]));
    assert.equal(by.get('Pod')?.reason, 'manual');
    assert.match(by.get('Pod')?.message ?? '', new RegExp(`recreate it with image ${IMAGE}@${V2}`));
    assert.match(by.get('Pod')?.command ?? '', /kubectl -n prod get pod debug -o yaml/);
    assert.equal(by.get('Job')?.reason, 'manual');
    assert.equal(by.get('ReplicationController')?.reason, 'unsupported-kind');
    assert.deepEqual(h.writer.calls, []);
  });

  it('an unknown verdict is reported with its reason and nothing is read', async () => {
    const h = harness({ pods: [pod('web-1', web, V1)] }, [live('Deployment', 'web')]);
    h.resolver.down = true;
    const planned = await plan(h, 'pin');
    assert.deepEqual(
      planned.skipped.map((s) => [s.reason, s.message]),
      [['unknown', 'registry: cannot reach reg.test']],
    );
    assert.deepEqual(h.writer.calls, []);
  });

  it('a ReplicaSet controlled by a Deployment is refused; a bare one is patched with the Pods to delete', async () => {
    const owned = workloadRef('ReplicaSet', 'web-5d4f8');
    const bare = workloadRef('ReplicaSet', 'legacy');
    const h = harness(
      {
        pods: [pod('web-5d4f8-a', owned, V1), pod('legacy-b', bare, V1), pod('legacy-a', bare, V1)],
      },
      [
        live(
          'ReplicaSet',
          'web-5d4f8',
          {},
          {
            ownerReferences: [
              {
                apiVersion: 'apps/v1',
                kind: 'Deployment',
                name: 'web',
                uid: 'u',
                controller: true,
              },
            ],
          },
        ),
        live('ReplicaSet', 'legacy'),
      ],
    );
    const planned = await plan(h, 'pin');
    assert.equal(planned.skipped[0]?.reason, 'controlled');
    assert.match(planned.skipped[0]?.message ?? '', /fix deployment\/web instead/);
    assert.deepEqual(
      planned.fixes.map((f) => f.workload.name),
      ['legacy'],
    );
    assert.ok(
      planned.fixes[0]?.notes.some((n) =>
        n.endsWith('kubectl -n prod delete pod legacy-a legacy-b'),
      ),
    );
  });

  it('a named Rollout without its CRD is reported and the cluster is not read for it alone', async () => {
    const h = harness({ pods: [] }, []);
    h.writer.rollouts = false;
    const planned = await planFixes(h.deps, {
      scope: { namespace: 'prod', workloads: [{ kind: 'Rollout', name: 'canary' }] },
      strategy: 'pin',
      dryRun: false,
    });
    assert.deepEqual(
      planned.skipped.map((s) => [s.workload.name, s.reason]),
      [['canary', 'crd-missing']],
    );
    assert.match(planned.skipped[0]?.message ?? '', /^Argo Rollouts CRD not installed/);
    assert.deepEqual(h.reader.calls, []);
  });

  it('GitOps-managed objects carry the warning', async () => {
    const h = harness({ pods: [pod('web-1', web, V1)] }, [
      live(
        'Deployment',
        'web',
        {},
        {
          labels: {
            'kustomize.toolkit.fluxcd.io/name': 'apps',
            'kustomize.toolkit.fluxcd.io/namespace': 'flux-system',
          },
        },
      ),
    ]);
    const planned = await plan(h, 'pin');
    assert.deepEqual(planned.fixes[0]?.warnings, [
      'managed by Flux (Kustomization flux-system/apps): the next sync reverts a live patch; pin the source with kube-fresh pin --write <manifests>',
    ]);
  });
});
