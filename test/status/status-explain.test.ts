// `kube-fresh status` and `explain` (built binary) against a real control plane and a real
// registry, with stand-in kubelets that decide pull vs cached like the real image manager.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startControlPlane, type ControlPlane } from '../../harness/control-plane/control-plane.ts';
import { runCli } from '../support/run-cli.ts';
import { startRegistry, type TestRegistry } from '../../harness/registry/registry.ts';
import { spreadDeployment, tellStory, type Story } from './story.ts';

interface StatusJson {
  workloads: Array<{
    namespace: string;
    workload: { kind: string; name: string };
    container: string;
    verdict: string;
    current?: string;
    running: Array<{ digest: string; pods: number; nodes: string[]; verdict: string }>;
    nodeRisks: Array<{ node: string; risk: string; cachedDigest?: string }>;
    replicas: Array<{
      pod: { name: string };
      verdict: { verdict: string; reason?: string; failureKind?: string };
    }>;
  }>;
  summary: { verdicts: Record<string, number>; tags: number; nodesAtRisk: number };
}

const NS = 'shop';

describe('status and explain on a real control plane and registry', { timeout: 120_000 }, () => {
  let cp: ControlPlane;
  let registry: TestRegistry;
  let story: Story;
  let v1: string;
  let v2: string;
  const kube = (...args: string[]): string[] => ['--kubeconfig', cp.kubeconfigPath, ...args];

  before(async () => {
    [cp, registry] = await Promise.all([startControlPlane(), startRegistry('plain')]);
    story = tellStory(cp, registry);
    await cp.createNamespace(NS);
    await story.addNode('node-a');
    await story.addNode('node-b');
    const image = `${registry.host}/shop/web:stable`;
    v1 = (await story.push('shop/web', 'stable')).digest;
    await cp.admin.create(
      `/apis/apps/v1/namespaces/${NS}/deployments`,
      spreadDeployment(NS, 'web', image, 2),
    );
    await story.runScheduledPods(NS, 2); // both nodes pull v1
    v2 = (await story.push('shop/web', 'stable')).digest; // the tag moves
    await story.addNode('node-c');
    await cp.admin.patch(`/apis/apps/v1/namespaces/${NS}/deployments/web`, {
      spec: { replicas: 3 },
    });
    await story.runScheduledPods(NS, 3); // the third replica lands on node-c and pulls v2
  });
  after(async () => {
    await registry?.pusher.close();
    await Promise.all([cp?.stop(), registry?.stop()]);
  });

  it('reports the Deployment as mixed, with the nodes caching the old image, asking the registry once', async () => {
    const before = (await registry.manifestRequests()).length;
    const result = await runCli(['status', ...kube('-n', NS, '-o', 'json', '--exit-code')]);
    assert.equal(result.code, 1, result.stderr);
    const report = JSON.parse(result.stdout) as StatusJson;
    const web = report.workloads.find((w) => w.workload.name === 'web');
    assert.ok(web, result.stdout);
    assert.equal(web.workload.kind, 'Deployment');
    assert.equal(web.verdict, 'mixed');
    assert.equal(web.current, v2);
    assert.deepEqual(
      web.running.map((r) => [r.digest, r.pods, r.nodes, r.verdict]),
      [
        [v1, 2, ['node-a', 'node-b'], 'stale'],
        [v2, 1, ['node-c'], 'fresh'],
      ],
    );
    assert.deepEqual(
      web.nodeRisks
        .filter((r) => r.risk === 'old-image-cached')
        .map((r) => [r.node, r.cachedDigest]),
      [
        ['node-a', v1],
        ['node-b', v1],
      ],
    );
    assert.equal(report.summary.nodesAtRisk, 2);
    const requests = (await registry.manifestRequests()).slice(before);
    assert.deepEqual(
      requests.map((r) => `${r.method} ${r.path}`),
      ['HEAD /v2/shop/web/manifests/stable'],
    );
  });

  it('prints a kubectl-style table, a node-cache warning and a summary', async () => {
    const result = await runCli(['status', ...kube('-n', NS)]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stdout,
      /^NAMESPACE\s+WORKLOAD\s+CONTAINER\s+IMAGE\s+POLICY\s+VERDICT\s+RUNNING\s+CURRENT\n/,
    );
    const hex = (d: string): string => d.slice(7, 19);
    assert.match(
      result.stdout,
      new RegExp(
        `shop\\s+deployment/web\\s+app\\s+${registry.host.replace('.', '\\.')}/shop/web:stable\\s+IfNotPresent\\s+mixed\\s+${hex(v1)}×2 ${hex(v2)}×1\\s+${hex(v2)}`,
      ),
    );
    assert.match(
      result.stdout,
      /! shop\/deployment\/web app: a new Pod scheduled on node-a would start the old image/,
    );
    assert.match(
      result.stdout,
      /1 workload container in 1 workload \(3 pods\): 1 mixed; 2 nodes cache an old image\. Registry: 1 tag, 1 lookup\./,
    );
    const wide = await runCli(['status', ...kube('-n', NS, '-o', 'wide')]);
    assert.match(wide.stdout, /NODES\s+OLD-IMAGE-CACHED-ON/);
    assert.match(wide.stdout, /node-a,node-b,node-c\s+node-a,node-b/);
  });

  it('explains the workload: policy, who runs what, the kubelet events, the cause and the fixes', async () => {
    const result = await runCli(['explain', ...kube('-n', NS, 'deploy/web')]);
    assert.equal(result.code, 0, result.stderr);
    const out = result.stdout;
    assert.match(out, /^deployment\/web in namespace shop/);
    assert.match(
      out,
      /pull policy\s+IfNotPresent — default: tag "stable" is not "latest", so IfNotPresent/,
    );
    assert.match(out, new RegExp(`tag now\\s+${v2}`));
    assert.match(out, /verdict\s+MIXED/);
    assert.match(out, /Successfully pulled image/);
    assert.match(out, /kube-fresh fix -n shop deployment\/web/);
    assert.match(out, /kube-fresh fix --strategy pull-always -n shop deployment\/web/);
  });

  it('explains one Pod within its workload, marking it', async () => {
    const pods = await cp.admin.listAll<{ metadata: { name: string }; spec: { nodeName: string } }>(
      `/api/v1/namespaces/${NS}/pods`,
    );
    const onC = pods.find((p) => p.spec.nodeName === 'node-c');
    assert.ok(onC);
    const result = await runCli(['explain', ...kube('-n', NS, onC.metadata.name, '-o', 'json')]);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as {
      pod: string;
      workload: { kind: string; name: string };
      containers: Array<{ pods: Array<{ pod: string }> }>;
    };
    assert.equal(report.pod, onC.metadata.name);
    assert.deepEqual([report.workload.kind, report.workload.name], ['Deployment', 'web']);
    assert.equal(report.containers[0]?.pods.length, 3);
  });

  it('a cached scale-up Pod says "already present on machine" and the explanation names it', async () => {
    await cp.admin.patch(`/apis/apps/v1/namespaces/${NS}/deployments/web`, {
      spec: { replicas: 4 },
    });
    await story.addNode('node-d');
    await story.nodes.get('node-d')?.preload(`${registry.host}/shop/web:stable`, {
      digest: v1,
      configDigest: 'sha256:' + '0'.repeat(64),
      sizeBytes: 1,
    });
    await story.runScheduledPods(NS, 4);
    const result = await runCli(['explain', ...kube('-n', NS, 'deploy/web')]);
    assert.match(result.stdout, /already present on machine/);
    assert.match(
      result.stdout.replace(/\s+/g, ' '),
      /the kubelet found \S+ already in the node's image cache \(its Event: Container image "\S+" already present on machine/,
    );
  });

  it('a registry that is down makes the verdict unknown, with the reason, and --exit-code stays 0', async () => {
    const gone = await startRegistry('plain');
    const host = gone.host;
    await gone.pusher.close();
    await gone.stop();
    await cp.admin.create(`/api/v1/namespaces/${NS}/pods`, {
      metadata: { name: 'orphan' },
      spec: { nodeName: 'node-a', containers: [{ name: 'app', image: `${host}/shop/gone:v1` }] },
    });
    await story.nodes.get('node-a')?.preload(`${host}/shop/gone:v1`, {
      digest: v1,
      configDigest: 'sha256:' + '1'.repeat(64),
      sizeBytes: 1,
    });
    await story.nodes.get('node-a')?.startPod(NS, 'orphan');
    const result = await runCli([
      'status',
      ...kube('-n', NS, 'pod/orphan', '-o', 'json', '--exit-code'),
    ]);
    assert.equal(result.code, 0, result.stderr);
    const [orphan] = (JSON.parse(result.stdout) as StatusJson).workloads;
    assert.equal(orphan?.verdict, 'unknown');
    assert.equal(orphan?.replicas[0]?.verdict.failureKind, 'unreachable');
  });

  it('usage and cluster errors have their exit codes', async () => {
    const badKind = await runCli(['status', ...kube('-n', NS, 'thing/x')]);
    assert.equal(badKind.code, 2);
    assert.match(badKind.stderr, /unknown workload type "thing"/);
    const missing = await runCli(['explain', ...kube('-n', NS, 'deploy/nope')]);
    assert.equal(missing.code, 3);
    assert.match(missing.stderr, /not.found|NotFound|does not exist/i);
  });
});
