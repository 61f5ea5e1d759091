// The stale-image story on REAL nodes: kubelet v1.35 + Debian's containerd on this machine
// (hack/node), a loopback registry, and the built kube-fresh binary. It checks what the real
// kubelet and containerd do after a tag moved — the facts the stand-in kubelets of test/status
// imitate — and that status, explain and fix report and cure it. Skipped (with the reason) where
// hack/node/preflight.sh says real nodes cannot run; under CI=true that is a failure instead.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  podEvents,
  setSchedulable,
  waitFor,
  waitForNodeImage,
  waitForPod,
  waitForPodEvent,
  waitForRollout,
  waitForRunningPods,
  type PodView,
} from '../../harness/cluster-waits.ts';
import {
  realNodeGate,
  startRealNodes,
  stopRealNodes,
  type RealNodeCluster,
} from '../support/real-nodes.ts';
import { runCli, type CliResult } from '../support/run-cli.ts';

interface ReplicaJson {
  pod: { name: string; node: string };
  imageID: string;
  runtimeImage: string;
  state: { state: string; reason?: string; message?: string };
  verdict: { verdict: string; reason?: string };
}
interface WorkloadJson {
  workload: { kind: string; name: string };
  image: string;
  verdict: string;
  current?: string;
  running: Array<{ digest: string; pods: number; nodes: string[]; verdict: string }>;
  nodeRisks: Array<{ node: string; risk: string; cachedDigest?: string }>;
  replicas: ReplicaJson[];
}
interface StatusJson {
  workloads: WorkloadJson[];
  summary: { nodesAtRisk: number };
}

const STORY = 'story';
const POLICIES = 'policies';
const gate = await realNodeGate();

describe('real nodes: kubelet + containerd after a tag moved', { skip: gate.skip }, () => {
  let cluster: RealNodeCluster | undefined;
  let node1 = '';
  let node2 = '';
  let repo = ''; // REGISTRY/demo/app
  let tag = ''; // REGISTRY/demo/app:v1, the mutable tag of the story
  let d1 = ''; // v1 manifest digest
  let d2 = ''; // v2 manifest digest, pushed to the same tag
  let c1 = ''; // v1 config digest (containerd's image id)
  let firstPods: PodView[] = [];

  const c = (): RealNodeCluster => {
    assert.ok(cluster, 'the cluster did not start');
    return cluster;
  };
  const kf = (...args: string[]): Promise<CliResult> =>
    runCli([...args, '--kubeconfig', c().kubeconfigPath], {
      env: { HOME: '/nonexistent', DOCKER_CONFIG: undefined },
    });
  const status = async (
    ...args: string[]
  ): Promise<{ code: number | null; report: StatusJson }> => {
    const result = await kf('status', '-o', 'json', ...args);
    assert.ok(result.code === 0 || result.code === 1, `${result.code}: ${result.stderr}`);
    return { code: result.code, report: JSON.parse(result.stdout) as StatusJson };
  };
  const only = (report: StatusJson): WorkloadJson => {
    assert.equal(
      report.workloads.length,
      1,
      JSON.stringify(report.workloads.map((w) => w.workload)),
    );
    return report.workloads[0] as WorkloadJson;
  };
  const cs = (pod: PodView) => pod.status?.containerStatuses?.[0];
  const deploymentPath = `/apis/apps/v1/namespaces/${STORY}/deployments/app`;

  before(
    async () => {
      gate.assertAvailable();
      cluster = await startRealNodes(2);
      [node1 = '', node2 = ''] = cluster.nodes.map((n) => n.name);
      repo = `${cluster.registry}/demo/app`;
      tag = `${repo}:v1`;
      for (const name of [STORY, POLICIES])
        await cluster.admin.create('/api/v1/namespaces', { metadata: { name } });
    },
    { timeout: 300_000 },
  );
  after(() => stopRealNodes(cluster), { timeout: 300_000 });

  it('IfNotPresent: a Pod created after the tag moved, on the node that cached it, runs the OLD digest', async () => {
    const { admin } = c();
    d1 = await c().pushImage('app-v1', tag);
    c1 = await c().configDigest('demo/app', d1);
    await setSchedulable(admin, node2, false); // everything lands on node 1 for now
    await admin.create(`/apis/apps/v1/namespaces/${STORY}/deployments`, deployment(tag));
    firstPods = await waitForRunningPods(admin, STORY, 'app=app', 1);
    const first = firstPods[0] as PodView;
    assert.equal(first.spec.nodeName, node1);
    assert.equal(cs(first)?.imageID, `${repo}@${d1}`);
    assert.equal(cs(first)?.image, tag);
    await waitForPodEvent(admin, {
      namespace: STORY,
      pod: first.metadata.name,
      reason: 'Pulled',
      text: `Successfully pulled image "${tag}"`,
    });

    d2 = await c().pushImage('app-v2', tag); // the tag moves
    assert.notEqual(d2, d1);
    await admin.patch(deploymentPath, { spec: { replicas: 2 } });
    firstPods = await waitForRunningPods(admin, STORY, 'app=app', 2);
    const second = firstPods.find((p) => p.metadata.uid !== first.metadata.uid) as PodView;
    assert.equal(second.spec.nodeName, node1);
    assert.equal(cs(second)?.imageID, `${repo}@${d1}`, 'the new Pod runs the old digest');
    assert.equal(cs(second)?.image, tag);
    const cached = await waitForPodEvent(admin, {
      namespace: STORY,
      pod: second.metadata.name,
      reason: 'Pulled',
      text: 'already present on machine',
    });
    // The v1.35 wording (KubeletEnsureSecretPulledImages is on by default).
    assert.equal(
      cached.message,
      `Container image "${tag}" already present on machine and can be accessed by the pod`,
    );
    const events = await podEvents(admin, STORY, second.metadata.name);
    assert.ok(!events.some((e) => e.reason === 'Pulling'), 'the kubelet did not ask the registry');
    // containerd on node 1 still maps the tag to v1; the registry serves v2.
    assert.ok(
      (await c().containerdImages(node1)).some((i) => i.ref === tag && i.digest === d1),
      `containerd on ${node1} maps ${tag} to ${d1}`,
    );
  });

  it('kube-fresh status: stale, both Pods on the old digest, and the old image cached on node 1', async () => {
    // node.status.images is what kube-fresh reads for the cache risk; the kubelet lists a pull
    // there within ~40 s (it re-lists images every 30 s).
    await waitForNodeImage(c().admin, node1, { repository: repo, tag: 'v1', digest: d1 });
    const { code, report } = await status('-n', STORY, '--exit-code');
    assert.equal(code, 1, '--exit-code: something is stale');
    const app = only(report);
    assert.deepEqual([app.workload.kind, app.workload.name], ['Deployment', 'app']);
    assert.equal(app.verdict, 'stale');
    assert.equal(app.current, d2);
    assert.deepEqual(
      app.running.map((r) => [r.digest, r.pods, r.nodes, r.verdict]),
      [[d1, 2, [node1], 'stale']],
    );
    assert.deepEqual(
      app.nodeRisks.map((r) => [r.node, r.risk, r.cachedDigest]),
      [[node1, 'old-image-cached', d1]],
    );
    assert.equal(report.summary.nodesAtRisk, 1);
    assert.deepEqual(
      app.replicas.map((r) => [r.imageID, r.runtimeImage]),
      [
        [`${repo}@${d1}`, tag],
        [`${repo}@${d1}`, tag],
      ],
    );
  });

  it('kube-fresh explain names the kubelet\'s "already present on machine" Event as the cause', async () => {
    const result = await kf('explain', '-n', STORY, 'deploy/app');
    assert.equal(result.code, 0, result.stderr);
    const out = result.stdout.replace(/\s+/g, ' ');
    assert.match(out, /verdict STALE/);
    assert.match(out, new RegExp(`tag now ${d2}`));
    assert.match(
      out,
      /the kubelet found \S+ already in the node's image cache \(its Event: Container image "\S+" already present on machine and can be accessed by the pod\)/,
    );
    assert.match(out, new RegExp(`Node ${node1} caches \\S+ at the old ${d1.slice(0, 19)}`));
    assert.match(out, /kube-fresh fix -n story deployment\/app/);
  });

  it('a replica on a node with an empty cache pulls the NEW digest: one Deployment, two digests', async () => {
    const { admin } = c();
    await setSchedulable(admin, node1, false);
    await setSchedulable(admin, node2, true);
    await admin.patch(deploymentPath, { spec: { replicas: 3 } });
    const pods = await waitForRunningPods(admin, STORY, 'app=app', 3);
    await setSchedulable(admin, node1, true);
    const third = pods.find((p) => p.spec.nodeName === node2) as PodView;
    assert.equal(cs(third)?.imageID, `${repo}@${d2}`);
    await waitForPodEvent(admin, {
      namespace: STORY,
      pod: third.metadata.name,
      reason: 'Pulled',
      text: `Successfully pulled image "${tag}"`,
    });
    const app = only((await status('-n', STORY)).report);
    assert.equal(app.verdict, 'mixed');
    assert.deepEqual(
      app.running.map((r) => [r.digest, r.pods, r.nodes, r.verdict]),
      [
        [d1, 2, [node1], 'stale'],
        [d2, 1, [node2], 'fresh'],
      ],
    );
  });

  it('Always: the kubelet pulls, the Pod runs what the tag points to now, and containerd moves the tag', async () => {
    const { admin } = c();
    await admin.create(`/api/v1/namespaces/${POLICIES}/pods`, pod('always', tag, 'Always', node1));
    const always = await waitForPod(admin, POLICIES, 'always', (p) => cs(p)?.started === true);
    assert.equal(cs(always)?.imageID, `${repo}@${d2}`);
    await waitForPodEvent(admin, {
      namespace: POLICIES,
      pod: 'always',
      reason: 'Pulling',
      text: `Pulling image "${tag}"`,
    });
    await waitForPodEvent(admin, {
      namespace: POLICIES,
      pod: 'always',
      reason: 'Pulled',
      text: `Successfully pulled image "${tag}"`,
    });
    const report = only((await status('-n', POLICIES, 'pod/always')).report);
    assert.equal(report.verdict, 'fresh');
    assert.deepEqual(
      report.running.map((r) => [r.digest, r.verdict]),
      [[d2, 'fresh']],
    );
    assert.ok(
      (await c().containerdImages(node1)).some((i) => i.ref === tag && i.digest === d2),
      `containerd on ${node1} now maps ${tag} to ${d2}`,
    );
  });

  it('Never, image not on the node: the container waits with ErrImageNeverPull; status says unknown (no imageID)', async () => {
    const { admin } = c();
    // In the registry, on no node: only the node's cache matters under Never.
    const tool = `${c().registry}/demo/tool:v3`;
    await c().pushImage('app-v3', tool);
    await admin.create(`/api/v1/namespaces/${POLICIES}/pods`, pod('never', tool, 'Never', node1));
    const never = await waitForPod(
      admin,
      POLICIES,
      'never',
      (p) => cs(p)?.state?.waiting?.reason === 'ErrImageNeverPull',
    );
    const message = `Container image "${tool}" is not present with pull policy of Never`;
    assert.equal(cs(never)?.state?.waiting?.message, message);
    assert.equal(cs(never)?.imageID, '');
    await waitForPodEvent(admin, {
      namespace: POLICIES,
      pod: 'never',
      reason: 'ErrImageNeverPull',
      text: message,
    });
    const { code, report } = await status('-n', POLICIES, 'pod/never', '--exit-code');
    assert.equal(code, 0, 'unknown is neither stale nor mixed');
    const never0 = only(report);
    assert.equal(never0.verdict, 'unknown');
    const [replica] = never0.replicas;
    assert.deepEqual(replica?.verdict, {
      verdict: 'unknown',
      reason: 'no-image-id',
      message: 'no imageID yet: the container has not been created',
    });
    assert.deepEqual(
      [replica?.imageID, replica?.state.state, replica?.state.reason, replica?.state.message],
      ['', 'waiting', 'ErrImageNeverPull', message],
    );
  });

  it('old Pods after containerd moved the tag: imageID keeps the old digest; status.image turns into the old config digest only when the kubelet re-reads it', async () => {
    const { admin } = c();
    const names = new Set(
      firstPods.filter((p) => p.spec.nodeName === node1).map((p) => p.metadata.name),
    );
    assert.equal(names.size, 2);
    const oldPods = async (): Promise<PodView[]> =>
      (await waitForRunningPods(admin, STORY, 'app=app', 3)).filter((p) =>
        names.has(p.metadata.name),
      );
    // No PLEG event for these Pods since the Always pull moved the tag: the kubelet has not
    // re-read their CRI status, so `image` still shows the tag (hack/node/README.md, step 07).
    for (const p of await oldPods()) {
      assert.equal(cs(p)?.image, tag, p.metadata.name);
      assert.equal(cs(p)?.imageID, `${repo}@${d1}`, p.metadata.name);
    }
    // A kubelet restart re-reads every container: no tag points at their image any more, so
    // containerd reports the image id the container was created from — the old config digest.
    await c().restartKubelet(node1);
    const reread = await waitFor(
      `the old Pods' status.image to become ${c1} after the kubelet restart`,
      60_000,
      async () => {
        const pods = await oldPods();
        return pods.length === 2 && pods.every((p) => cs(p)?.image === c1) ? pods : undefined;
      },
      async () => JSON.stringify((await oldPods()).map((p) => cs(p)?.image)),
    );
    for (const p of reread) assert.equal(cs(p)?.imageID, `${repo}@${d1}`, p.metadata.name);
    // kube-fresh judges by imageID: still stale, with `runtimeImage` showing what the node said.
    const app = only((await status('-n', STORY, 'deploy/app')).report);
    assert.equal(app.verdict, 'mixed');
    const onNode1 = app.replicas.filter((r) => r.pod.node === node1);
    assert.deepEqual(
      onNode1.map((r) => [r.imageID, r.runtimeImage, r.verdict.verdict]),
      [
        [`${repo}@${d1}`, c1, 'stale'],
        [`${repo}@${d1}`, c1, 'stale'],
      ],
    );
  });

  it('kube-fresh fix --yes pins the template to tag@sha256:<v2>; after the real rollout status --exit-code is 0', async () => {
    const { admin } = c();
    const fix = await kf('fix', '-n', STORY, 'deploy/app', '--yes');
    assert.equal(fix.code, 0, `${fix.stdout}\n${fix.stderr}`);
    assert.match(fix.stdout, /patched\s+story\/deployment\/app/);
    const template = await admin.get<{
      spec: { template: { spec: { containers: Array<{ image: string }> } } };
    }>(deploymentPath);
    assert.equal(template.spec.template.spec.containers[0]?.image, `${tag}@${d2}`);
    const pods = await waitForRollout(admin, STORY, 'app');
    assert.deepEqual(
      pods.map((p) => cs(p)?.imageID),
      pods.map(() => `${repo}@${d2}`),
    );
    const final = await kf('status', '-n', STORY, '--exit-code');
    assert.equal(final.code, 0, `${final.stdout}\n${final.stderr}`);
    const app = only((await status('-n', STORY)).report);
    assert.equal(app.verdict, 'pinned');
    assert.deepEqual(
      app.running.map((r) => [r.digest, r.pods]),
      [[d2, 3]],
    );
  });
});

function deployment(image: string): unknown {
  const labels = { app: 'app' };
  return {
    metadata: { name: 'app', labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          terminationGracePeriodSeconds: 5,
          containers: [{ name: 'app', image, imagePullPolicy: 'IfNotPresent' }],
        },
      },
    },
  };
}

function pod(name: string, image: string, policy: string, node: string): unknown {
  return {
    metadata: { name },
    // nodeName: straight to that node's kubelet, past the scheduler and any cordon.
    spec: {
      nodeName: node,
      terminationGracePeriodSeconds: 5,
      containers: [{ name: 'app', image, imagePullPolicy: policy }],
    },
  };
}
