// bench/webhook: Pod-create latency through the real kube-apiserver without the webhook, with it
// and a warm cache, and with it and a cold cache (--cache-ttl 1ms: every admission asks the
// registry). Each phase: N sequential creates + N creates 8 at a time, client-side latency
// p50/p99; the webhook's own handling time from its JSON logs; registry manifest requests from
// the registry's access log. The webhook runs as the built binary in its own process.
// Run: npm run bench:webhook [-- --creates 300 --tags 10]
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { ensureServingCert } from '../../src/webhook/serving-cert.ts';
import { webhookManifests } from '../../src/webhook/webhook-manifests.ts';
import { startControlPlane, type ControlPlane } from '../../harness/control-plane/control-plane.ts';
import { BUILT_BIN } from '../../test/support/run-cli.ts';
import { startRegistry } from '../../harness/registry/registry.ts';

const { values } = parseArgs({
  options: {
    creates: { type: 'string', default: '300' },
    tags: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '8' },
  },
});
const CREATES = Number(values.creates);
const TAGS = Number(values.tags);
const CONCURRENCY = Number(values.concurrency);

interface Webhook {
  readonly port: number;
  readonly child: ChildProcess;
  readonly handlingMs: number[];
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startWebhookProcess(
  pki: { certFile: string; keyFile: string },
  kubeconfig: string,
  cacheTtl: string,
): Promise<Webhook> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      BUILT_BIN,
      'webhook',
      '--listen',
      `127.0.0.1:${port}`,
      '--metrics-listen',
      '127.0.0.1:0',
      '--tls-cert-file',
      pki.certFile,
      '--tls-key-file',
      pki.keyFile,
      '--kubeconfig',
      kubeconfig,
      '--cache-ttl',
      cacheTtl,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const handlingMs: number[] = [];
  let ready = false;
  let buffered = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      if (line.includes('"webhook serving"')) ready = true;
      const ms = /"endpoint":"mutate".*"ms":([\d.]+)/.exec(line)?.[1];
      if (ms !== undefined) handlingMs.push(Number(ms));
    }
  });
  while (!ready) await new Promise((r) => setTimeout(r, 50));
  return { port, child, handlingMs };
}

async function register(cp: ControlPlane, port: number, caPem: string): Promise<void> {
  await unregister(cp);
  const [mutating] = webhookManifests({
    name: 'kube-fresh',
    target: { url: `https://127.0.0.1:${port}` },
    caPem,
    timeoutSeconds: 5,
    excludedNamespaces: ['kube-system'],
    policyLabel: 'kube-fresh.io/admission-policy',
  });
  await cp.admin.create(
    '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations',
    mutating,
  );
}

async function unregister(cp: ControlPlane): Promise<void> {
  await cp.admin
    .delete('/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/kube-fresh')
    .catch(() => undefined);
}

/** Dry-run creates until the apiserver's view of the configuration matches `active`. */
async function settle(
  cp: ControlPlane,
  namespace: string,
  image: string,
  active: boolean,
): Promise<void> {
  for (;;) {
    const probe = await cp.admin.create<{ spec: { containers: Array<{ image: string }> } }>(
      `/api/v1/namespaces/${namespace}/pods?dryRun=All`,
      { metadata: { name: 'probe' }, spec: { containers: [{ name: 'app', image }] } },
    );
    if (probe.spec.containers[0]?.image.includes('@') === active) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

function summary(samples: readonly number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  return `p50 ${percentile(sorted, 50).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms (n=${sorted.length})`;
}

async function createPods(
  cp: ControlPlane,
  namespace: string,
  image: (i: number) => string,
  offset: number,
): Promise<{ sequential: number[]; concurrent: number[] }> {
  const once = async (i: number): Promise<number> => {
    const started = performance.now();
    await cp.admin.create(`/api/v1/namespaces/${namespace}/pods`, {
      metadata: { name: `p-${offset + i}` },
      spec: { containers: [{ name: 'app', image: image(i) }] },
    });
    return performance.now() - started;
  };
  const sequential: number[] = [];
  for (let i = 0; i < CREATES; i++) sequential.push(await once(i));
  const concurrent: number[] = [];
  let next = CREATES;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < 2 * CREATES) concurrent.push(await once(next++));
    }),
  );
  return { sequential, concurrent };
}

/** How many Pods of the namespace name a digest (every one, when the webhook saw every create). */
async function pinnedPods(cp: ControlPlane, namespace: string): Promise<string> {
  const pods = await cp.admin.listAll<{ spec: { containers: Array<{ image: string }> } }>(
    `/api/v1/namespaces/${namespace}/pods`,
  );
  const pinned = pods.filter((p) => p.spec.containers[0]?.image.includes('@sha256:') === true);
  return `${pinned.length} of ${pods.length} Pods pinned`;
}

async function main(): Promise<void> {
  const [cp, registry] = await Promise.all([
    startControlPlane({ controllers: false }),
    startRegistry('plain'),
  ]);
  const webhooks: Webhook[] = [];
  try {
    for (let t = 0; t < TAGS; t++) await registry.pusher.pushImage(`bench/app-${t}`, '1.0');
    const image = (i: number): string => `${registry.host}/bench/app-${i % TAGS}:1.0`;
    const dir = await mkdtemp(join(tmpdir(), 'kube-fresh-bench-webhook-'));
    const pki = await ensureServingCert(join(dir, 'pki'), ['127.0.0.1']);
    for (const ns of ['none', 'warm', 'cold']) await cp.createNamespace(ns);
    const warm = await startWebhookProcess(pki, cp.kubeconfigPath, '30s');
    const cold = await startWebhookProcess(pki, cp.kubeconfigPath, '1ms');
    webhooks.push(warm, cold);
    const requests = async (): Promise<number> =>
      (await registry.manifestRequests('kube-fresh')).length;

    console.log(
      `# bench/webhook: ${2 * CREATES} Pod creates per phase (${CREATES} sequential, ${CREATES} ${CONCURRENCY} at a time), ${TAGS} tags`,
    );
    const none = await createPods(cp, 'none', image, 0);
    console.log(
      `no webhook      sequential ${summary(none.sequential)}; concurrent ${summary(none.concurrent)}`,
    );

    const warmUpBefore = await requests();
    await register(cp, warm.port, pki.caPem);
    await settle(cp, 'warm', image(0), true);
    for (let t = 0; t < TAGS; t++) await settle(cp, 'warm', image(t), true); // warm every tag
    const warmBefore = await requests();
    console.log(
      `warm-up: ${warmBefore - warmUpBefore} registry manifest requests for ${TAGS} tags`,
    );
    warm.handlingMs.length = 0;
    const warmRun = await createPods(cp, 'warm', image, 0);
    console.log(
      `webhook, warm   sequential ${summary(warmRun.sequential)}; concurrent ${summary(warmRun.concurrent)}`,
    );
    console.log(
      `  webhook handling ${summary(warm.handlingMs)}; registry manifest requests ${(await requests()) - warmBefore}; ${await pinnedPods(cp, 'warm')}`,
    );

    await register(cp, cold.port, pki.caPem);
    await settle(cp, 'cold', image(0), true);
    const coldBefore = await requests();
    cold.handlingMs.length = 0;
    const coldRun = await createPods(cp, 'cold', image, 0);
    console.log(
      `webhook, cold   sequential ${summary(coldRun.sequential)}; concurrent ${summary(coldRun.concurrent)}`,
    );
    console.log(
      `  webhook handling ${summary(cold.handlingMs)}; registry manifest requests ${(await requests()) - coldBefore}; ${await pinnedPods(cp, 'cold')}`,
    );
    await unregister(cp);
  } finally {
    for (const w of webhooks) w.child.kill('SIGTERM');
    await registry.pusher.close();
    await Promise.all([cp.stop(), registry.stop()]);
  }
}

await main();
