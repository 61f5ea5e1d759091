// Benchmark for the manifest commands: a 10,000-document file through `lint` and through `pin`
// against the real test registry (warm: images pushed and one run done first), with wall time and
// peak RSS of the built CLI measured by /usr/bin/time. Baseline: a naive `yaml` Document
// round-trip, to show what byte preservation costs and what it saves (lines disturbed).
// Run: npm run build && npm run bench:manifests
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRegistry } from '../../harness/registry/registry.ts';

const DOCUMENTS = 10_000;
const DISTINCT_TAGS = 200;
const RUNS = 3;
const BIN = fileURLToPath(new URL('../../dist/cli/bin.js', import.meta.url));
const BASELINE = fileURLToPath(new URL('./naive-roundtrip.mjs', import.meta.url));

interface Measurement {
  readonly seconds: number;
  readonly maxRssMb: number;
}

function deployment(i: number, host: string): string {
  const tag = i % DISTINCT_TAGS;
  return `# Source: bench/templates/app-${i}.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-${i}
  labels: {app: app-${i}, tier: "backend"}
spec:
  replicas: ${(i % 5) + 1}
  template:
    spec:
      containers:
        - name: app # main container
          image: "${host}/bench/app:v${tag}"
          ports:
            - containerPort: 8080
        - name: sidecar
          image: ${host}/bench/sidecar:v${tag % 20}
          imagePullPolicy: IfNotPresent
`;
}

/**
 * Runs a command to completion. Asynchronous on purpose: the registry's log reaches this process
 * through a pipe, and a blocked event loop (spawnSync) would stall the registry.
 */
function run(
  args: readonly string[],
  cwd: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const [command, ...rest] = args;
  const child = spawn(command ?? '', rest, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const stdout = Buffer.concat(out).toString('utf8');
      resolve({ code, stdout, stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

async function checked(args: readonly string[], cwd: string): Promise<string> {
  const result = await run(args, cwd);
  if (result.code !== 0)
    throw new Error(`${args.join(' ')}: exit ${result.code}\n${result.stderr}`);
  return result.stdout;
}

/** Runs the command under /usr/bin/time; the median of RUNS runs by wall time. */
async function measure(args: readonly string[], cwd: string): Promise<Measurement> {
  const runs: Measurement[] = [];
  for (let i = 0; i < RUNS; i++) {
    const result = await run(['/usr/bin/time', '-f', '%e %M', ...args], cwd);
    // lint exits 1 when it finds something, which this input is made to contain.
    if (result.code !== 0 && result.code !== 1)
      throw new Error(`${args.join(' ')}: exit ${result.code}\n${result.stderr}`);
    const last = result.stderr.trim().split('\n').pop() ?? '';
    const [seconds, kb] = last.split(' ').map(Number);
    if (seconds === undefined || kb === undefined || Number.isNaN(kb))
      throw new Error(`no timing: ${result.stderr}`);
    runs.push({ seconds, maxRssMb: kb / 1024 });
  }
  runs.sort((a, b) => a.seconds - b.seconds);
  return runs[Math.floor(RUNS / 2)] as Measurement;
}

function changedLines(a: string, b: string): number {
  const x = a.split('\n');
  const y = b.split('\n');
  if (x.length !== y.length)
    return Math.abs(x.length - y.length) + x.filter((l, i) => l !== y[i]).length;
  return x.filter((line, i) => line !== y[i]).length;
}

const registry = await startRegistry('plain');
const dir = await mkdtemp(join(tmpdir(), 'kube-fresh-bench-'));
try {
  const host = registry.host;
  for (let t = 0; t < DISTINCT_TAGS; t++) await registry.pusher.pushImage('bench/app', `v${t}`);
  for (let t = 0; t < 20; t++) await registry.pusher.pushImage('bench/sidecar', `v${t}`);
  const text = Array.from({ length: DOCUMENTS }, (_, i) => deployment(i, host)).join('---\n');
  const file = join(dir, 'manifests.yaml');
  await writeFile(file, text);
  const node = process.execPath;
  const insecure = ['--insecure-registry', host];
  // Warm-up: registry caches and the OS page cache, as in a CI job that runs both.
  await checked([node, BIN, 'pin', ...insecure, 'manifests.yaml'], dir);

  const lint = await measure([node, BIN, 'lint', '-o', 'json', 'manifests.yaml'], dir);
  const before = (await registry.manifestRequests()).length;
  const pin = await measure([node, BIN, 'pin', ...insecure, 'manifests.yaml'], dir);
  const requestsPerRun = ((await registry.manifestRequests()).length - before) / RUNS;
  const pinned = await checked([node, BIN, 'pin', ...insecure, 'manifests.yaml'], dir);
  const digest = `sha256:${'0'.repeat(64)}`;
  const naive = await measure([node, BASELINE, 'manifests.yaml', 'naive.yaml', digest], dir);
  const naiveText = await readFile(join(dir, 'naive.yaml'), 'utf8');

  const imageLines = text.split('\n').filter((line) => /^\s*image: /.test(line)).length;
  console.log(
    `input: ${DOCUMENTS} documents, ${(text.length / 1e6).toFixed(1)} MB, ${imageLines} images, ${DISTINCT_TAGS + 20} distinct tags`,
  );
  console.log('| run | wall time (median of 3) | peak RSS | lines changed |');
  console.log('| --- | --- | --- | --- |');
  console.log(
    `| \`kube-fresh lint -o json\` | ${lint.seconds.toFixed(2)} s | ${lint.maxRssMb.toFixed(0)} MB | – |`,
  );
  console.log(
    `| \`kube-fresh pin\` (stdout; ${requestsPerRun} registry requests) | ${pin.seconds.toFixed(2)} s | ${pin.maxRssMb.toFixed(0)} MB | ${changedLines(text, pinned)} |`,
  );
  console.log(
    `| baseline: \`yaml\` parse + set + \`toString\` (no registry) | ${naive.seconds.toFixed(2)} s | ${naive.maxRssMb.toFixed(0)} MB | ${changedLines(text, naiveText)} |`,
  );
} finally {
  await registry.pusher.close();
  await registry.stop();
  await rm(dir, { recursive: true, force: true });
}
