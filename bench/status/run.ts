// bench/status: 5,000 Pods over 500 distinct tags on the real control plane, side by side in one
// run: `kube-fresh status -A`, a bare `kubectl get pods -A -o json` (the floor: just listing the
// Pods), and a kubectl + `xargs -P 8 skopeo inspect` script doing the same check. Reports wall
// time (median of 3), ratios, registry manifest requests and peak RSS.
// Run: npm run bench:status [-- --tags 500 --pods-per-tag 10]
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { parseArgs, promisify } from 'node:util';
import { startControlPlane } from '../../harness/control-plane/control-plane.ts';
import { BUILT_BIN } from '../../test/support/run-cli.ts';
import { startRegistry, type TestRegistry } from '../../harness/registry/registry.ts';
import { seedCluster } from './seed-cluster.ts';

const run = promisify(execFile);
const { values } = parseArgs({
  options: {
    tags: { type: 'string', default: '500' },
    'pods-per-tag': { type: 'string', default: '10' },
    runs: { type: 'string', default: '3' },
  },
});
const KUBECTL =
  ['/usr/lib/google-cloud-sdk/bin/kubectl.1.33', '/usr/bin/kubectl'].find((p) => existsSync(p)) ??
  'kubectl';

interface Measurement {
  readonly seconds: number;
  readonly rssMb: number;
  readonly stdout: string;
}

/** Runs under /usr/bin/time to read the peak RSS of the command (the largest process). */
async function timed(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<Measurement> {
  const started = process.hrtime.bigint();
  const { stdout, stderr } = await run('/usr/bin/time', ['-f', 'KFRSS %M', command, ...args], {
    env,
    maxBuffer: 512 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const rss = Number(/KFRSS (\d+)/.exec(stderr)?.[1] ?? 'NaN') / 1024;
  return { seconds, rssMb: rss, stdout };
}

async function median(times: number, work: () => Promise<Measurement>): Promise<Measurement> {
  const all: Measurement[] = [];
  for (let i = 0; i < times; i++) all.push(await work());
  all.sort((a, b) => a.seconds - b.seconds);
  return all[Math.floor(all.length / 2)] as Measurement;
}

async function manifestRequestsDuring(
  registry: TestRegistry,
  work: () => Promise<Measurement>,
): Promise<{ m: Measurement; requests: number }> {
  const before = (await registry.accessLog()).length;
  const m = await work();
  const during = (await registry.accessLog())
    .slice(before)
    .filter((e) => /^\/v2\/.+\/manifests\//.test(e.path));
  return { m, requests: during.length };
}

async function main(): Promise<void> {
  const tags = Number(values.tags);
  const podsPerTag = Number(values['pods-per-tag']);
  const runs = Number(values.runs);
  const [cp, registry] = await Promise.all([
    startControlPlane({ controllers: false }),
    startRegistry('plain'),
  ]);
  try {
    const seedStart = performance.now();
    const seeded = await seedCluster(cp, registry, {
      tags,
      podsPerTag,
      namespaces: 50,
      nodes: 20,
      moveEvery: 5,
    });
    console.error(
      `seeded ${seeded.pods} pods over ${tags} tags (${seeded.staleReplicas} stale replicas) in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`,
    );
    const env = { ...process.env, KUBECONFIG: cp.kubeconfigPath, HOME: '/nonexistent' };
    const ours = await manifestRequestsDuring(registry, () =>
      median(runs, () => timed(process.execPath, [BUILT_BIN, 'status', '-A'], env)),
    );
    const oursJson = await median(runs, () =>
      timed(process.execPath, [BUILT_BIN, 'status', '-A', '-o', 'json'], env),
    );
    const kubectl = await median(runs, () =>
      timed(KUBECTL, ['get', 'pods', '-A', '-o', 'json'], env),
    );
    const script = await manifestRequestsDuring(registry, () =>
      timed('bash', [new URL('./kubectl-skopeo.sh', import.meta.url).pathname, KUBECTL], env),
    );
    const report = JSON.parse(oursJson.stdout) as { summary: { verdicts: Record<string, number> } };
    report1(
      seeded.pods,
      tags,
      { ours, oursJson },
      kubectl,
      script,
      report.summary.verdicts,
      Number(script.m.stdout.trim()),
      seeded.staleReplicas,
    );
  } finally {
    await registry.pusher.close();
    await Promise.all([cp.stop(), registry.stop()]);
  }
}

function report1(
  pods: number,
  tags: number,
  { ours, oursJson }: { ours: { m: Measurement; requests: number }; oursJson: Measurement },
  kubectl: Measurement,
  script: { m: Measurement; requests: number },
  verdicts: Record<string, number>,
  scriptStale: number,
  seededStale: number,
): void {
  console.log(
    `\nbench/status: ${pods} Pods over ${tags} distinct tags, real kube-apiserver v1.35.4 + registry on loopback (${new Date().toISOString()})\n`,
  );
  console.log(
    '| command | wall time | vs kubectl get pods | peak RSS | registry manifest requests |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: |');
  const row = (name: string, m: Measurement, requests: string): void =>
    console.log(
      `| ${name} | ${m.seconds.toFixed(2)} s | ${(m.seconds / kubectl.seconds).toFixed(2)}× | ${m.rssMb.toFixed(0)} MB | ${requests} |`,
    );
  row('`kube-fresh status -A` (table)', ours.m, `${ours.requests / Number(values.runs)} per run`);
  row('`kube-fresh status -A -o json`', oursJson, 'same');
  row('`kubectl get pods -A -o json` (floor)', kubectl, '0');
  row('kubectl + `xargs -P 8 skopeo inspect` script', script.m, String(script.requests));
  console.log(
    `\nkube-fresh is ${(script.m.seconds / ours.m.seconds).toFixed(1)}× faster than the script; verdicts ${JSON.stringify(verdicts)}; the script counts ${scriptStale} stale containers (seeded: ${seededStale}).`,
  );
}

await main();
