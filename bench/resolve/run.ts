// bench/resolve: kube-fresh resolve against `skopeo inspect`, side by side in one run, on a real
// loopback registry holding N distinct tags. Reports wall time, ratios, and manifest requests per
// image from the registry's own access log. Run: npm run bench:resolve [-- --tags 300 --mode token]
import { execFile, spawn } from 'node:child_process';
import { writeFile, mkdir } from 'node:fs/promises';
import { parseArgs, promisify } from 'node:util';
import { startFaultProxy } from '../../test/support/fault-proxy.ts';
import { BUILT_BIN } from '../../test/support/run-cli.ts';
import {
  startRegistry,
  TEST_PASSWORD,
  TEST_USER,
  type AccessLogEntry,
  type TestRegistry,
} from '../../harness/registry/registry.ts';

const run = promisify(execFile);
const { values } = parseArgs({
  options: {
    tags: { type: 'string', default: '300' },
    mode: { type: 'string', default: 'plain' },
    repos: { type: 'string', default: '30' },
  },
});
const tagCount = Number(values.tags);
const repoCount = Math.min(Number(values.repos), tagCount);
const mode = values.mode === 'token' ? 'token' : 'plain';

interface Row {
  readonly name: string;
  readonly seconds: number;
  readonly manifestRequests: number;
  readonly otherRequests: number;
}

async function main(): Promise<void> {
  const registry = await startRegistry(mode);
  try {
    const images = await seed(registry);
    const credsArgs = mode === 'token' ? [`--creds=${TEST_USER}:${TEST_PASSWORD}`] : [];
    const rows: Row[] = [];
    // kube-fresh is short enough to be noisy: report the median of five runs (same TTL-free process each time).
    const ours: Row[] = [];
    for (let i = 0; i < 5; i++)
      ours.push(
        await measure(registry, 'kube-fresh resolve (one process, all images; median of 5)', () =>
          kubeFresh(images),
        ),
      );
    ours.sort((a, b) => a.seconds - b.seconds);
    rows.push(ours[2] as Row);
    rows.push(
      await measure(registry, 'skopeo inspect, sequential', () =>
        skopeoSequential(images, credsArgs),
      ),
    );
    rows.push(
      await measure(registry, 'skopeo inspect, xargs -P 8', () =>
        skopeoParallel(images, credsArgs),
      ),
    );
    const startup = await timeToFirstRequest(registry, images[0] ?? '');
    report(rows, images.length, startup);
  } finally {
    await registry.pusher.close();
    await registry.stop();
  }
}

async function seed(registry: TestRegistry): Promise<string[]> {
  const images: string[] = [];
  for (let i = 0; i < tagCount; i++) {
    const repo = `bench/app-${i % repoCount}`;
    const tag = `t${i}`;
    await registry.pusher.pushImage(repo, tag);
    images.push(`${registry.host}/${repo}:${tag}`);
  }
  return images;
}

async function measure(
  registry: TestRegistry,
  name: string,
  work: () => Promise<void>,
): Promise<Row> {
  const before = await registry.accessLog();
  const started = process.hrtime.bigint();
  await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const during = (await registry.accessLog())
    .slice(before.length)
    .filter((e) => !e.userAgent.startsWith('test-image-pusher'));
  const manifests = during.filter(isManifestRequest);
  return {
    name,
    seconds,
    manifestRequests: manifests.length,
    otherRequests: during.length - manifests.length,
  };
}

function isManifestRequest(entry: AccessLogEntry): boolean {
  return /^\/v2\/.+\/manifests\//.test(entry.path);
}

async function kubeFresh(images: readonly string[]): Promise<void> {
  const env = mode === 'token' ? { DOCKER_CONFIG: await tokenDockerConfig() } : {};
  const { stdout } = await run(process.execPath, [BUILT_BIN, 'resolve', '-o', 'json', ...images], {
    env: { ...process.env, ...env, HOME: '/nonexistent' },
    maxBuffer: 64 * 1024 * 1024,
  });
  const results = JSON.parse(stdout) as Array<{ error?: unknown }>;
  if (results.some((r) => r.error !== undefined))
    throw new Error('kube-fresh failed to resolve some images');
}

async function tokenDockerConfig(): Promise<string> {
  const dir = '/tmp/kube-fresh-bench-docker';
  await mkdir(dir, { recursive: true });
  await writeFile(`${dir}/config.json`, JSON.stringify({ auths: {} }));
  return dir;
}

async function skopeoSequential(
  images: readonly string[],
  creds: readonly string[],
): Promise<void> {
  for (const image of images)
    await run('skopeo', [
      'inspect',
      '--tls-verify=false',
      ...creds,
      '--format',
      '{{.Digest}}',
      `docker://${image}`,
    ]);
}

function skopeoParallel(images: readonly string[], creds: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'xargs',
      [
        '-P',
        '8',
        '-I{}',
        'skopeo',
        'inspect',
        '--tls-verify=false',
        ...creds,
        '--format',
        '{{.Digest}}',
        'docker://{}',
      ],
      { stdio: ['pipe', 'ignore', 'inherit'] },
    );
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`xargs exited ${code}`)),
    );
    child.stdin.end(images.join('\n'));
  });
}

/** Milliseconds from spawning the CLI to its first request reaching the registry (median of 7). */
async function timeToFirstRequest(registry: TestRegistry, image: string): Promise<number> {
  const proxy = await startFaultProxy(registry.host);
  const samples: number[] = [];
  try {
    for (let i = 0; i < 7; i++) {
      const seen = proxy.requests.length;
      const started = performance.now() + performance.timeOrigin;
      await run(
        process.execPath,
        [BUILT_BIN, 'resolve', image.replace(registry.host, proxy.host)],
        { env: { ...process.env, HOME: '/nonexistent' } },
      ).catch(() => undefined);
      const first = proxy.requests[seen];
      if (first !== undefined) samples.push(first.at - started);
    }
  } finally {
    await proxy.stop();
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] ?? Number.NaN;
}

function report(rows: readonly Row[], images: number, startupMs: number): void {
  const [ours] = rows;
  if (ours === undefined) return;
  console.log(
    `\nbench/resolve: ${images} distinct tags in ${repoCount} repositories, ${mode} registry on loopback (${new Date().toISOString()})\n`,
  );
  console.log(
    '| command | wall time | vs kube-fresh | manifest requests / image | other requests |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const row of rows) {
    const ratio = row === ours ? '1.0×' : `${(row.seconds / ours.seconds).toFixed(1)}× slower`;
    console.log(
      `| ${row.name} | ${row.seconds.toFixed(2)} s | ${ratio} | ${(row.manifestRequests / images).toFixed(2)} | ${row.otherRequests} |`,
    );
  }
  console.log(
    `\nkube-fresh: spawn → first registry request: ${startupMs.toFixed(0)} ms (median of 7)`,
  );
}

await main();
