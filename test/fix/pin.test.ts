// `kube-fresh fix` (built binary), the pin strategy on a Deployment, against a real control plane
// and registry with stand-in kubelets: the non-terminal refusal, a dry run that changes nothing,
// the pin itself (template, annotations, Event), the rollout it starts ending fresh, a second run
// that does nothing, a re-pin after the tag moves again, and the GitOps warning.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  deployment,
  driveRollout,
  eventsAbout,
  startFixWorld,
  templateContainer,
  type FixWorld,
  type Workload,
} from './fix-support.ts';

const NS = 'pin';
const PATH = `/apis/apps/v1/namespaces/${NS}/deployments`;

interface FixJson {
  plan: Array<{
    kind: string;
    name: string;
    containers: Array<{ from: string; to: string; verdict: string }>;
  }>;
  results: Array<{
    kind: string;
    name: string;
    outcome: string;
    message: string;
    event: { reason: string } | null;
  }>;
  warnings: string[];
  summary: { planned: number; applied: number; dryRunAccepted: number; status: string };
}

describe(
  'fix --strategy pin on a Deployment (real control plane and registry)',
  { timeout: 120_000 },
  () => {
    let world: FixWorld;
    let image: string;
    let v1: string;
    let v2: string;
    const web = (): Promise<Workload> => world.cp.admin.get<Workload>(`${PATH}/web`);

    before(async () => {
      world = await startFixWorld(['node-a', 'node-b']);
      await world.cp.createNamespace(NS);
      image = `${world.registry.host}/shop/web:stable`;
      v1 = (await world.story.push('shop/web', 'stable')).digest;
      await world.cp.admin.create(PATH, deployment('web', image, 2));
      await world.cp.admin.create(
        PATH,
        deployment('synced', `${world.registry.host}/shop/synced:stable`, 1, {
          annotations: { 'argocd.argoproj.io/tracking-id': 'shop:apps/Deployment:pin/synced' },
        }),
      );
      await world.story.push('shop/synced', 'stable');
      await world.story.runScheduledPods(NS, 3); // every node pulls v1
      v2 = (await world.story.push('shop/web', 'stable')).digest; // the tag moves
      await world.story.push('shop/synced', 'stable');
    });
    after(() => world?.stop());

    it('refuses to patch without a terminal unless --yes or --dry-run', async () => {
      const before = (await web()).metadata.generation;
      const result = await world.fix(['-n', NS, 'deployment/web']);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /not a terminal: pass --yes to apply, or --dry-run to preview/);
      assert.equal((await web()).metadata.generation, before);
    });

    it('--dry-run shows the plan, the server accepts it, and nothing changes', async () => {
      const before = await web();
      const result = await world.fix(['-n', NS, 'deployment/web', '--dry-run', '-o', 'json']);
      assert.equal(result.code, 0, result.stderr);
      const report = JSON.parse(result.stdout) as FixJson;
      assert.deepEqual(
        report.plan[0]?.containers.map((c) => [c.from, c.to, c.verdict]),
        [[image, `${image}@${v2}`, 'stale']],
      );
      assert.equal(report.results[0]?.outcome, 'dry-run');
      assert.equal(report.summary.dryRunAccepted, 1);
      const after = await web();
      assert.equal(after.metadata.generation, before.metadata.generation);
      assert.equal(templateContainer(after).image, image);
      assert.deepEqual(await eventsAbout(world.cp, NS, 'web'), []);
    });

    it('pins the template to the current digest, records it, and the rollout ends fresh', async () => {
      const result = await world.fix(['-n', NS, 'deployment/web', '--yes']);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /Plan: pin 1 workload \(1 container\)/);
      assert.ok(result.stdout.includes(`app  ${image} → ${image}@${v2} (stale)`), result.stdout);
      assert.match(
        result.stdout,
        /patched\s+pin\/deployment\/web: patched: the rollout has started \(resourceVersion \d+ → \d+; Event KubeFreshPinned\)/,
      );
      const object = await web();
      assert.equal(templateContainer(object).image, `${image}@${v2}`);
      assert.equal(templateContainer(object).imagePullPolicy, 'IfNotPresent');
      assert.equal(object.metadata.annotations?.['kube-fresh.io/fixed-by'], 'pin');
      const managers = (object.metadata as { managedFields?: Array<{ manager: string }> })
        .managedFields;
      assert.ok(
        managers?.some((m) => m.manager === 'kube-fresh'),
        'field manager kube-fresh',
      );
      const pinned = JSON.parse(
        object.metadata.annotations?.['kube-fresh.io/pinned'] ?? '{}',
      ) as Record<string, { from: string; to: string; at: string }>;
      assert.equal(pinned.app?.from, image);
      assert.equal(pinned.app?.to, `${image}@${v2}`);
      assert.ok(Math.abs(Date.parse(pinned.app?.at ?? '') - Date.now()) < 60_000, pinned.app?.at);
      const [event, ...more] = await eventsAbout(world.cp, NS, 'web');
      assert.equal(more.length, 0);
      assert.equal(event?.reason, 'KubeFreshPinned');
      assert.equal(event?.type, 'Normal');
      assert.equal(event?.involvedObject.kind, 'Deployment');
      assert.equal(event?.involvedObject.uid, object.metadata.uid);
      assert.equal(event?.reportingComponent, 'kube-fresh');
      assert.ok(
        event?.message.includes(`container app: ${image} → ${image}@${v2}`),
        event?.message,
      );

      await driveRollout(world, NS, async () => {
        const status = await world.status(NS, 'deployment/web');
        return status.workloads.length === 1 && status.workloads[0]?.verdict === 'pinned';
      });
    });

    it('a second run finds nothing to fix and patches nothing', async () => {
      const before = (await web()).metadata.generation;
      const result = await world.fix(['-n', NS, 'deployment/web', '--yes']);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^Nothing to fix: 1 workload container fresh or pinned\.\n$/);
      assert.equal((await web()).metadata.generation, before);
      assert.equal((await eventsAbout(world.cp, NS, 'web')).length, 1);
    });

    it('after the tag moves again, re-pins and keeps the first original image', async () => {
      const v3 = (await world.story.push('shop/web', 'stable')).digest;
      const result = await world.fix(['-n', NS, 'deployment/web', '--yes', '-o', 'json']);
      assert.equal(result.code, 0, result.stderr);
      const report = JSON.parse(result.stdout) as FixJson;
      assert.deepEqual(
        report.plan[0]?.containers.map((c) => [c.from, c.to, c.verdict]),
        [[`${image}@${v2}`, `${image}@${v3}`, 'pinned-behind']],
      );
      const object = await web();
      assert.equal(templateContainer(object).image, `${image}@${v3}`);
      const pinned = JSON.parse(
        object.metadata.annotations?.['kube-fresh.io/pinned'] ?? '{}',
      ) as Record<string, { from: string; to: string }>;
      assert.deepEqual([pinned.app?.from, pinned.app?.to], [image, `${image}@${v3}`]);
      assert.notEqual(v3, v1);
    });

    it('warns that Argo CD will revert a live patch, and still patches', async () => {
      const result = await world.fix(['-n', NS, 'deployment/synced', '--yes']);
      assert.equal(result.code, 0, result.stderr);
      assert.match(
        result.stdout,
        /! managed by Argo CD \(application shop\): the next sync reverts a live patch; pin the source with kube-fresh pin --write <manifests>/,
      );
      const synced = await world.cp.admin.get<Workload>(`${PATH}/synced`);
      assert.match(templateContainer(synced).image, /@sha256:[0-9a-f]{64}$/);
    });
  },
);
