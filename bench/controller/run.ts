// bench/controller: `kube-fresh controller` (the built CLI, a real process) watching 5,000 Pods
// over 500 tags on the real control plane (seeded as for bench/status) and the real registry.
// Sections, each a function returning table rows, so the push → pinned latency section (which
// needs the notification routes) slots in as one more entry of SECTIONS once they are wired:
//   1. registry requests per poll interval vs distinct tags in use (must be equal);
//   2. memory (RSS, heap) and idle CPU with the caches full and nothing moving;
//   (3. push → template pinned latency over ≥ 50 pushes, notifications vs Keel's 1-min poll.)
// Run: npm run bench:controller [-- --tags 500 --pods-per-tag 10 --interval 10]
import { parseArgs } from 'node:util';
import { startControlPlane, type ControlPlane } from '../../harness/control-plane/control-plane.ts';
import { startRegistry, type TestRegistry } from '../../harness/registry/registry.ts';
import {
  startController,
  type ControllerProcess,
} from '../../test/controller/controller-process.ts';
import { eventually } from '../../test/controller/eventually.ts';
import { seedCluster } from '../status/seed-cluster.ts';

const { values } = parseArgs({
  options: {
    tags: { type: 'string', default: '500' },
    'pods-per-tag': { type: 'string', default: '10' },
    interval: { type: 'string', default: '10' },
    intervals: { type: 'string', default: '3' },
    idle: { type: 'string', default: '30' },
  },
});

interface World {
  readonly cp: ControlPlane;
  readonly registry: TestRegistry;
  readonly tags: number;
  readonly pods: number;
}

type Row = readonly [string, string];
type Section = (world: World) => Promise<Row[]>;

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

async function started(world: World, interval: string): Promise<ControllerProcess> {
  const t0 = performance.now();
  const controller = await startController([
    '--kubeconfig',
    world.cp.kubeconfigPath,
    '--poll-interval',
    interval,
    '--insecure-registry',
    world.registry.host,
  ]);
  await eventually(
    async () => (await controller.get('/readyz')).status === 200,
    300_000,
    'ready',
    200,
  );
  await eventually(
    async () => (await controller.metric('kube_fresh_tags_tracked')) === world.tags,
    300_000,
    'every tag tracked',
    200,
  );
  await eventually(
    async () =>
      (await controller.metric('kube_fresh_registry_requests_total', { method: 'HEAD' })) >=
      world.tags,
    300_000,
    'first resolution of every tag',
    200,
  );
  console.error(
    `controller ready and every tag resolved in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  return controller;
}

/** 1. Manifest requests the registry served per poll interval, from its access log. */
const requestsPerInterval: Section = async (world) => {
  const seconds = Number(values.interval);
  const intervals = Number(values.intervals);
  const controller = await started(world, `${seconds}s`);
  try {
    const before = (await world.registry.manifestRequests('kube-fresh')).length;
    await new Promise((resolve) => setTimeout(resolve, seconds * intervals * 1000));
    const served = (await world.registry.manifestRequests('kube-fresh')).length - before;
    return [
      ['distinct tags in use', String(world.tags)],
      [
        `registry manifest requests per ${seconds} s interval (mean of ${intervals})`,
        (served / intervals).toFixed(1),
      ],
    ];
  } finally {
    await controller.stop();
  }
};

/** 2. Memory with every cache full, and CPU while nothing moves (polls an hour apart). */
const memoryAndIdleCpu: Section = async (world) => {
  const controller = await started(world, '1h');
  try {
    const idle = Number(values.idle);
    await new Promise((resolve) => setTimeout(resolve, 5_000)); // the first pass settles
    const cpuBefore = await controller.metric('process_cpu_seconds_total');
    await new Promise((resolve) => setTimeout(resolve, idle * 1000));
    const cpuAfter = await controller.metric('process_cpu_seconds_total');
    return [
      [
        'Pods watched',
        String(await controller.metric('kube_fresh_cache_objects', { kind: 'Pod' })),
      ],
      ['resident memory (RSS)', mb(await controller.metric('process_resident_memory_bytes'))],
      ['JS heap used', mb(await controller.metric('nodejs_heap_size_used_bytes'))],
      [
        `idle CPU over ${idle} s`,
        `${(((cpuAfter - cpuBefore) / idle) * 100).toFixed(2)} % of one core`,
      ],
    ];
  } finally {
    await controller.stop();
  }
};

const SECTIONS: readonly (readonly [string, Section])[] = [
  ['Registry requests per poll interval', requestsPerInterval],
  ['Memory and idle CPU', memoryAndIdleCpu],
  // ['Push → pinned latency (notifications)', pushToPinned] — once the notification routes are wired.
];

async function main(): Promise<void> {
  const tags = Number(values.tags);
  const [cp, registry] = await Promise.all([
    startControlPlane({ controllers: false }),
    startRegistry('plain'),
  ]);
  try {
    const t0 = performance.now();
    const seeded = await seedCluster(cp, registry, {
      tags,
      podsPerTag: Number(values['pods-per-tag']),
      namespaces: 50,
      nodes: 20,
      moveEvery: 5,
    });
    console.error(
      `seeded ${seeded.pods} pods over ${tags} tags in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    const world = { cp, registry, tags, pods: seeded.pods };
    for (const [title, section] of SECTIONS) {
      const rows = await section(world);
      console.log(`\n${title} (${seeded.pods} Pods, ${tags} tags)\n`);
      console.log('| measure | value |\n| --- | --- |');
      for (const [name, value] of rows) console.log(`| ${name} | ${value} |`);
    }
  } finally {
    await registry.pusher.close();
    await Promise.all([cp.stop(), registry.stop()]);
  }
}

await main();
