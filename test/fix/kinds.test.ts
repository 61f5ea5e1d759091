// `kube-fresh fix` (built binary) on every kind at once, against a real control plane and
// registry: StatefulSet, DaemonSet, a bare ReplicaSet (with the Pods to delete), a CronJob (its
// jobTemplate), an Argo Rollout once its CRD is installed (and the report when it is not), and the
// manual step for a bare Pod and a bare Job.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  eventsAbout,
  podTemplate,
  startFixWorld,
  templateContainer,
  type FixWorld,
  type Workload,
} from './fix-support.ts';
import { installRollouts, jobTemplate } from './workload-fixtures.ts';

const NS = 'kinds';
const APPS = `/apis/apps/v1/namespaces/${NS}`;
const BATCH = `/apis/batch/v1/namespaces/${NS}`;
const ROLLOUTS = `/apis/argoproj.io/v1alpha1/namespaces/${NS}/rollouts`;

interface FixJson {
  plan: Array<{ kind: string; name: string; containers: Array<{ to: string }>; notes: string[] }>;
  results: Array<{
    kind: string;
    name: string;
    outcome: string;
    reason?: string;
    message: string;
    command?: string | null;
    event?: { reason: string; recorded: boolean } | null;
  }>;
  summary: { planned: number; applied: number; notFixed: number; status: string };
}

const PATHS: Record<string, string> = {
  StatefulSet: `${APPS}/statefulsets/db`,
  DaemonSet: `${APPS}/daemonsets/agent`,
  ReplicaSet: `${APPS}/replicasets/legacy`,
  CronJob: `${BATCH}/cronjobs/nightly`,
  Rollout: `${ROLLOUTS}/canary`,
};

describe(
  'fix on every workload kind (real control plane and registry)',
  { timeout: 120_000 },
  () => {
    let world: FixWorld;
    const image = (name: string): string => `${world.registry.host}/kinds/${name}:v1`;
    const digests = new Map<string, string>();
    const push = async (name: string): Promise<void> => {
      digests.set(name, (await world.story.push(`kinds/${name}`, 'v1')).digest);
    };
    const selector = (app: string): unknown => ({ matchLabels: { app } });

    before(async () => {
      world = await startFixWorld(['node-a', 'node-b']);
      const { cp } = world;
      await cp.createNamespace(NS);
      for (const name of ['db', 'agent', 'legacy', 'nightly', 'migrate', 'debug', 'canary'])
        await push(name);
      await cp.admin.create(`${APPS}/statefulsets`, {
        metadata: { name: 'db' },
        spec: {
          serviceName: 'db',
          replicas: 1,
          selector: selector('db'),
          template: podTemplate('db', image('db')),
        },
      });
      await cp.admin.create(`${APPS}/daemonsets`, {
        metadata: { name: 'agent' },
        spec: { selector: selector('agent'), template: podTemplate('agent', image('agent')) },
      });
      await cp.admin.create(`${APPS}/replicasets`, {
        metadata: { name: 'legacy' },
        spec: {
          replicas: 2,
          selector: selector('legacy'),
          template: podTemplate('legacy', image('legacy')),
        },
      });
      const cron = await cp.admin.create<Workload>(`${BATCH}/cronjobs`, {
        metadata: { name: 'nightly' },
        spec: {
          schedule: '0 3 * * *',
          suspend: true,
          jobTemplate: { spec: { template: jobTemplate('nightly', image('nightly')) } },
        },
      });
      // A run of the CronJob, as its controller would create it.
      await cp.admin.create(`${BATCH}/jobs`, {
        metadata: {
          name: 'nightly-29000000',
          ownerReferences: [
            {
              apiVersion: 'batch/v1',
              kind: 'CronJob',
              name: 'nightly',
              uid: cron.metadata.uid,
              controller: true,
            },
          ],
        },
        spec: { template: jobTemplate('nightly', image('nightly')) },
      });
      await cp.admin.create(`${BATCH}/jobs`, {
        metadata: { name: 'migrate' },
        spec: { template: jobTemplate('migrate', image('migrate')) },
      });
      await cp.admin.create(`/api/v1/namespaces/${NS}/pods`, {
        metadata: { name: 'debug' },
        spec: { nodeName: 'node-a', containers: [{ name: 'app', image: image('debug') }] },
      });
      await world.story.runScheduledPods(NS, 8);
      for (const name of digests.keys()) if (name !== 'canary') await push(name); // every tag moves
    });
    after(() => world?.stop());

    it('reports a named Rollout as "Argo Rollouts CRD not installed" when the CRD is missing', async () => {
      const result = await world.fix(['-n', NS, 'rollout/canary', '--yes', '-o', 'json']);
      assert.equal(result.code, 1, result.stderr);
      const report = JSON.parse(result.stdout) as FixJson;
      assert.deepEqual(
        report.results.map((r) => [r.kind, r.name, r.outcome, r.reason]),
        [['Rollout', 'canary', 'not-fixed', 'crd-missing']],
      );
      assert.match(report.results[0]?.message ?? '', /Argo Rollouts CRD not installed/);
    });

    it('patches StatefulSet, DaemonSet, bare ReplicaSet, CronJob and Rollout; Pod and Job get the manual step', async () => {
      await installRollouts(world, NS, image('canary'));
      await world.story.runScheduledPods(NS, 9);
      await push('canary');
      const result = await world.fix(['-n', NS, '--yes', '-o', 'json']);
      assert.equal(result.code, 1, result.stderr); // the Pod and the Job could not be fixed
      const report = JSON.parse(result.stdout) as FixJson;
      const outcomes = Object.fromEntries(report.results.map((r) => [`${r.kind}/${r.name}`, r]));
      for (const [kind, path] of Object.entries(PATHS)) {
        const name = path.slice(path.lastIndexOf('/') + 1);
        assert.equal(outcomes[`${kind}/${name}`]?.outcome, 'applied', `${kind}: ${result.stdout}`);
        assert.equal(outcomes[`${kind}/${name}`]?.event?.reason, 'KubeFreshPinned');
        const object = await world.cp.admin.get<Workload>(path);
        assert.equal(templateContainer(object).image, `${image(name)}@${digests.get(name)}`, kind);
        assert.equal((await eventsAbout(world.cp, NS, name)).length, 1, kind);
      }
      assert.equal(report.summary.applied, 5);

      const notes = (kind: string): string[] =>
        report.plan.find((p) => p.kind === kind)?.notes ?? [];
      const legacyPods = (
        await world.cp.admin.listAll<{ metadata: { name: string } }>(
          `/api/v1/namespaces/${NS}/pods?labelSelector=app%3Dlegacy`,
        )
      )
        .map((p) => p.metadata.name)
        .sort();
      assert.equal(legacyPods.length, 2);
      assert.ok(
        notes('ReplicaSet').includes(
          `a ReplicaSet does not replace its Pods: the running Pods keep the old image until deleted: kubectl -n ${NS} delete pod ${legacyPods.join(' ')}`,
        ),
        notes('ReplicaSet').join('\n'),
      );
      assert.ok(notes('CronJob').some((n) => n.startsWith('affects the next runs')));

      const pod = outcomes['Pod/debug'];
      assert.deepEqual([pod?.outcome, pod?.reason], ['not-fixed', 'manual']);
      assert.match(
        pod?.message ?? '',
        /a bare Pod cannot be rolled forward: recreate it with image \S+:v1@sha256:/,
      );
      assert.match(
        pod?.command ?? '',
        /kubectl -n kinds get pod debug -o yaml > debug\.yaml .*kubectl replace --force -f debug\.yaml/,
      );
      const job = outcomes['Job/migrate'];
      assert.deepEqual([job?.outcome, job?.reason], ['not-fixed', 'manual']);
      assert.match(job?.message ?? '', /a Job's Pod template cannot be changed/);
      assert.equal(
        outcomes['Job/nightly-29000000'],
        undefined,
        'the CronJob run counts as the CronJob',
      );

      // Nothing moved: the second run sends no patch (the old Pods are a rollout under way).
      const again = await world.fix(['-n', NS, '--yes', '-o', 'json']);
      const second = JSON.parse(again.stdout) as FixJson;
      assert.equal(second.summary.planned, 0, again.stdout);
      assert.ok(
        second.results.every((r) => r.outcome !== 'applied'),
        again.stdout,
      );
      for (const path of Object.values(PATHS))
        assert.equal(
          (await eventsAbout(world.cp, NS, path.slice(path.lastIndexOf('/') + 1))).length,
          1,
        );
    });
  },
);
