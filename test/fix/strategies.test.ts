// Live `fix` strategies and safety against a real control plane and registry: restart (and its
// refusal under IfNotPresent), pull-always, a read-only user's clear forbidden error, a real
// concurrent update between the read and the patch, and the confirmation prompt on a terminal.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openCliSession } from '../../src/cli/cli-session.ts';
import type { WorkloadWriter } from '../../src/cluster/write/workload-writer.ts';
import { applyFixes, planFixes } from '../../src/usecases/fix-live/fix-live.ts';
import {
  deployment,
  driveRollout,
  eventsAbout,
  runInTerminal,
  sink,
  startFixWorld,
  templateContainer,
  type FixWorld,
  type Workload,
} from './fix-support.ts';

const NS = 'strategies';
const PATH = `/apis/apps/v1/namespaces/${NS}/deployments`;
const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

describe(
  'fix strategies and safety (real control plane and registry)',
  { timeout: 120_000 },
  () => {
    let world: FixWorld;
    const image = (name: string): string => `${world.registry.host}/team/${name}:v1`;
    const get = (name: string): Promise<Workload> =>
      world.cp.admin.get<Workload>(`${PATH}/${name}`);

    before(async () => {
      world = await startFixWorld(['node-a']);
      await world.cp.createNamespace(NS);
      await world.story.push('team/tool', 'latest');
      for (const name of ['cached', 'race', 'guarded'])
        await world.story.push(`team/${name}`, 'v1');
      // No tag: Kubernetes defaults it to Always, so a restart does pull the moved tag.
      await world.cp.admin.create(PATH, deployment('tool', `${world.registry.host}/team/tool`, 1));
      for (const name of ['cached', 'race', 'guarded'])
        await world.cp.admin.create(PATH, deployment(name, image(name), 1));
      await world.story.runScheduledPods(NS, 4);
      await world.story.push('team/tool', 'latest');
      for (const name of ['cached', 'race', 'guarded'])
        await world.story.push(`team/${name}`, 'v1');
    });
    after(() => world?.stop());

    it('restart bumps restartedAt as kubectl does; the new Pod pulls and a second run has nothing to do', async () => {
      const result = await world.fix([
        '-n',
        NS,
        '--strategy',
        'restart',
        '--yes',
        'deployment/tool',
      ]);
      assert.equal(result.code, 0, result.stderr + result.stdout);
      const tool = await get('tool');
      const at = tool.spec.template?.metadata?.annotations?.[RESTARTED_AT] ?? '';
      assert.match(at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.ok(Math.abs(Date.parse(at) - Date.now()) < 60_000);
      assert.equal(tool.metadata.annotations?.['kube-fresh.io/fixed-by'], 'restart');
      assert.equal(templateContainer(tool).image, `${world.registry.host}/team/tool`);
      assert.deepEqual(
        (await eventsAbout(world.cp, NS, 'tool')).map((e) => e.reason),
        ['KubeFreshRestarted'],
      );
      await driveRollout(world, NS, async () => {
        const status = await world.status(NS, 'deployment/tool');
        return status.workloads.length === 1 && status.workloads[0]?.verdict === 'fresh';
      });
      const again = await world.fix([
        '-n',
        NS,
        '--strategy',
        'restart',
        '--yes',
        'deployment/tool',
      ]);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /^Nothing to fix/);
    });

    it('restart is refused under IfNotPresent, with the reason, and changes nothing', async () => {
      const before = (await get('cached')).metadata.generation;
      const result = await world.fix([
        '-n',
        NS,
        '--strategy',
        'restart',
        '--yes',
        'deployment/cached',
      ]);
      assert.equal(result.code, 1, result.stderr);
      assert.match(
        result.stdout,
        /strategies\/deployment\/cached app: refused: a restart would not help: the Pods' imagePullPolicy is IfNotPresent .* use --strategy pin/,
      );
      assert.equal((await get('cached')).metadata.generation, before);
    });

    it('pull-always sets Always, restarts, and warns about the registry dependency', async () => {
      const result = await world.fix([
        '-n',
        NS,
        '--strategy',
        'pull-always',
        '--yes',
        'deployment/cached',
      ]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(
        result.stderr,
        /warning: imagePullPolicy: Always makes every container start ask the registry/,
      );
      const cached = await get('cached');
      assert.equal(templateContainer(cached).imagePullPolicy, 'Always');
      assert.equal(templateContainer(cached).image, image('cached'));
      assert.ok(cached.spec.template?.metadata?.annotations?.[RESTARTED_AT]);
      assert.deepEqual(
        (await eventsAbout(world.cp, NS, 'cached')).map((e) => e.reason),
        ['KubeFreshPullAlways'],
      );
    });

    it('a user who may read but not patch gets a clear forbidden error (exit 3) and nothing changes', async () => {
      const viewer = await world.cp.createUser('viewer', {
        rules: [
          {
            apiGroups: ['', 'apps', 'batch'],
            resources: [
              'pods',
              'nodes',
              'events',
              'serviceaccounts',
              'replicasets',
              'jobs',
              'deployments',
            ],
            verbs: ['get', 'list', 'watch'],
          },
        ],
      });
      const before = (await get('guarded')).metadata.generation;
      const result = await world.fix(
        ['-n', NS, '--yes', 'deployment/guarded'],
        viewer.kubeconfigPath,
      );
      assert.equal(result.code, 3, result.stderr);
      assert.match(
        result.stderr,
        /error: not allowed to patch Deployment "guarded" in namespace "strategies": .*User "viewer" cannot patch resource "deployments" in API group "apps" in the namespace "strategies" \(context "kube-fresh-test-viewer", server https:\/\/127\.0\.0\.1:\d+\)\nhint: ask for the RBAC permission/,
      );
      assert.match(result.stdout, /failed\s+strategies\/deployment\/guarded: not allowed to patch/);
      assert.equal((await get('guarded')).metadata.generation, before);
    });

    it('another writer updating the object between the read and the patch keeps both changes', async () => {
      const io = {
        stdout: sink(),
        stderr: sink(),
        env: { HOME: '/nonexistent' },
        programName: 'kube-fresh',
      };
      const session = await openCliSession(
        { kubeconfig: world.cp.kubeconfigPath, namespace: NS },
        io,
      );
      let raced = false;
      const real = session.fix.writer;
      const racing: WorkloadWriter = {
        target: real.target,
        getWorkload: async (ref) => {
          const read = await real.getWorkload(ref);
          if (!raced) {
            raced = true; // someone scales and labels it right after our read
            await world.cp.admin.patch(`${PATH}/race`, {
              metadata: { labels: { team: 'payments' } },
              spec: { replicas: 2 },
            });
          }
          return read;
        },
        patchWorkload: (read, change, options) => real.patchWorkload(read, change, options),
        recordEvent: (workload, event) => real.recordEvent(workload, event),
        rolloutsInstalled: () => real.rolloutsInstalled(),
      };
      try {
        const deps = { ...session.fix, writer: racing };
        const scope = { namespace: NS, workloads: [{ kind: 'Deployment', name: 'race' }] };
        const plan = await planFixes(deps, { scope, strategy: 'pin', dryRun: false });
        const results = await applyFixes(plan, { writer: racing });
        // At least one 409 and a recompute; the Deployment controller's own status writes after
        // the scale can cost another round, which is the real-world case too.
        assert.equal(results[0]?.outcome, 'applied', results[0]?.message);
        assert.ok((results[0]?.attempts ?? 0) >= 2, `attempts: ${results[0]?.attempts}`);
      } finally {
        await session.close();
      }
      const race = await get('race');
      assert.equal(race.spec.replicas, 2);
      assert.equal(race.metadata.labels?.team, 'payments');
      assert.match(
        templateContainer(race).image,
        new RegExp(`^${image('race')}@sha256:[0-9a-f]{64}$`),
      );
    });

    it('on a terminal it asks first: "n" changes nothing, "y" applies', async () => {
      const args = ['fix', '--kubeconfig', world.cp.kubeconfigPath, '-n', NS, 'deployment/guarded'];
      const declined = await runInTerminal(args, 'n\n');
      assert.equal(declined.code, 1, declined.stderr);
      assert.match(declined.stderr, /Apply this change\? \[y\/N\] /);
      assert.match(
        declined.stdout,
        /declined\s+strategies\/deployment\/guarded: not applied: declined at the prompt/,
      );
      assert.equal(templateContainer(await get('guarded')).image, image('guarded'));
      const accepted = await runInTerminal(args, 'y\n');
      assert.equal(accepted.code, 0, accepted.stderr);
      assert.match(templateContainer(await get('guarded')).image, /@sha256:[0-9a-f]{64}$/);
    });
  },
);
