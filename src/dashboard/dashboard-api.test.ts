import assert from 'node:assert/strict';
import { request, type IncomingMessage } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { FakeClusterReader } from '../cluster/read/fake-cluster-reader.ts';
import { startServer, type RunningServer } from '../serving/http-server.ts';
import { checkWorkloads } from '../usecases/check-workloads.ts';
import { statusJson } from '../usecases/status-json.ts';
import {
  nodesResponseSchema,
  overviewResponseSchema,
  pictureEventSchema,
  statusJsonSchema,
  workloadResponseSchema,
  workloadsResponseSchema,
} from './api-schemas.ts';
import { createDashboard, type Dashboard } from './dashboard-routes.ts';
import {
  manyWorkloads,
  pictureTaker,
  REG,
  SECRET,
  shopState,
  TagTableResolver,
  V1,
  V2,
} from '../../test/support/dashboard-fixtures.ts';
import { SnapshotPictureSource } from './picture-source.ts';

class CountingSource extends SnapshotPictureSource {
  refreshCalls = 0;
  override refresh(): Promise<void> {
    this.refreshCalls++;
    return super.refresh();
  }
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function call(
  base: string,
  path: string,
  init: { method?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}${path}`,
      { method: init.method ?? 'GET', headers: init.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const json = async (base: string, path: string): Promise<unknown> => {
  const answer = await call(base, path);
  assert.equal(answer.status, 200, `${path}: ${answer.body}`);
  assert.match(String(answer.headers['content-type']), /^application\/json/);
  return JSON.parse(answer.body) as unknown;
};

async function serve(
  source: SnapshotPictureSource,
  allowHost?: (host: string) => boolean,
): Promise<{ server: RunningServer; dashboard: Dashboard; base: string }> {
  const dashboard = createDashboard({ source, allowHost });
  const server = await startServer({
    listen: { host: '127.0.0.1', port: 0 },
    routes: dashboard.routes,
    onHandlerError: (error) => {
      throw error;
    },
  });
  return { server, dashboard, base: `http://127.0.0.1:${server.port}` };
}

describe('dashboard JSON API on a snapshot of the shop', () => {
  const { state, tags } = shopState();
  const reader = new FakeClusterReader(state);
  let takes = 0;
  let hold: Promise<void> | undefined;
  const take = pictureTaker(reader, tags, new Set(['web']));
  const source = new CountingSource(async () => {
    takes++;
    await hold;
    return take();
  });
  let base: string;
  let server: RunningServer;
  let dashboard: Dashboard;
  before(async () => {
    ({ server, dashboard, base } = await serve(source));
  });
  after(async () => {
    dashboard.close();
    await server.close(100);
  });

  it('answers /api/v1/workloads with exactly the status -o json projection, plus the picture and GitOps', async () => {
    const body = workloadsResponseSchema.parse(await json(base, '/api/v1/workloads'));
    const status = await checkWorkloads(
      {
        reader,
        openRegistry: () =>
          Promise.resolve({ resolver: new TagTableResolver(tags), close: () => Promise.resolve() }),
      },
      {},
    );
    const projection = JSON.parse(JSON.stringify(statusJson(status))) as unknown;
    statusJsonSchema.parse(projection);
    const { version, source: kind, takenAt, gitOps, ...rest } = body;
    assert.deepEqual(rest, projection);
    assert.equal(kind, 'snapshot');
    assert.equal(version, 1);
    assert.equal(takenAt, status.readAt);
    assert.deepEqual(gitOps, {
      'shop/Deployment/web': { tool: 'Flux', source: 'Kustomization flux-system/apps' },
    });
    const verdicts = Object.fromEntries(body.workloads.map((w) => [w.workload.name, w.verdict]));
    assert.deepEqual(verdicts, { api: 'stale', web: 'mixed', cart: 'fresh' });
  });

  it('tells one workload: replicas × nodes × digests, the Pods as explain tells them, the fixes', async () => {
    const body = workloadResponseSchema.parse(
      await json(base, '/api/v1/workloads/shop/Deployment/web'),
    );
    assert.equal(body.verdict, 'mixed');
    assert.deepEqual(body.workload.gitOps, {
      tool: 'Flux',
      source: 'Kustomization flux-system/apps',
    });
    const [app] = body.containers;
    assert.ok(app);
    assert.deepEqual(app.grid, {
      nodes: ['node-a', 'node-b', 'node-c'],
      digests: [
        { digest: V1, verdict: 'stale', current: false, pods: [['web-1'], ['web-2'], []] },
        { digest: V2, verdict: 'fresh', current: true, pods: [[], [], ['web-3']] },
      ],
    });
    const web1 = app.pods.find((p) => p.pod === 'web-1');
    assert.equal(web1?.events[0]?.reason, 'Pulled');
    assert.match(app.cause.join(' '), /node-a|IfNotPresent/);
    assert.ok(
      app.fixes.some((f) => f.command === 'kube-fresh fix -n shop deployment/web'),
      JSON.stringify(app.fixes),
    );
    assert.deepEqual(body.history, []);
  });

  it('answers 404 for a workload not in the picture, and for a malformed path', async () => {
    for (const path of [
      '/api/v1/workloads/shop/Deployment/nope',
      '/api/v1/workloads/shop/web',
      '/api/v1/workloads/%E0%A4%A/x/y',
    ]) {
      const answer = await call(base, path);
      assert.equal(answer.status, 404, path);
    }
  });

  it('draws the node × tag cache matrix from node.status.images', async () => {
    const body = nodesResponseSchema.parse(await json(base, '/api/v1/nodes'));
    assert.deepEqual(
      body.nodes.map((n) => n.name),
      ['node-a', 'node-b', 'node-c'],
    );
    const cells = Object.fromEntries(body.rows.map((r) => [r.image, r.cells.map((c) => c.state)]));
    assert.deepEqual(cells, {
      [`${REG}/shop/web:stable`]: ['old', 'old', 'current'],
      [`${REG}/shop/api:1.0`]: ['old', 'not-cached', 'not-cached'],
      [`${REG}/shop/cart:latest`]: ['not-cached', 'current', 'not-cached'],
    });
    assert.equal(body.rows[0]?.image, `${REG}/shop/web:stable`, 'most old cells first');
  });

  it('counts verdicts per namespace with stale and mixed first', async () => {
    const body = overviewResponseSchema.parse(await json(base, '/api/v1/overview'));
    assert.deepEqual(
      body.namespaces.map((n) => [
        n.namespace,
        n.verdicts.stale,
        n.verdicts.mixed,
        n.verdicts.fresh,
      ]),
      [
        ['shop', 1, 1, 0],
        ['tools', 0, 0, 1],
      ],
    );
  });

  it('never shows a pull secret, and sends CSP and nosniff with every page, asset and answer', async () => {
    for (const path of [
      '/',
      '/workloads',
      '/workloads/shop/Deployment/web',
      '/nodes',
      '/assets/dashboard.js',
      '/assets/dashboard.css',
      '/api/v1/workloads',
      '/api/v1/workloads/shop/Deployment/web',
      '/api/v1/nodes',
      '/api/v1/overview',
    ]) {
      const answer = await call(base, path);
      assert.equal(answer.status, 200, path);
      assert.ok(!answer.body.includes(SECRET), `${path} shows the secret`);
      assert.ok(!answer.body.includes('dockerconfigjson'), `${path} shows the pull secret`);
      assert.match(
        String(answer.headers['content-security-policy']),
        /default-src 'none'; script-src 'self'/,
      );
      assert.equal(answer.headers['x-content-type-options'], 'nosniff');
    }
    const page = await call(base, '/workloads/shop/Deployment/%3Cscript%3E');
    assert.ok(!page.body.includes('<script>'), 'the title is escaped');
  });

  it('refreshes single-flight on POST and announces the new picture on the event stream', async () => {
    const events: string[] = [];
    const stream = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = request(`${base}/api/v1/events`, resolve);
      req.on('error', reject);
      req.end();
    });
    assert.equal(stream.headers['content-type'], 'text/event-stream; charset=utf-8');
    const seen = (version: number): Promise<void> =>
      new Promise((resolve) => {
        const check = (): void => {
          if (events.some((e) => e.includes(`"version":${version}`))) {
            stream.off('data', onData);
            resolve();
          }
        };
        const onData = (chunk: Buffer): void => {
          events.push(
            ...chunk
              .toString('utf8')
              .split('\n\n')
              .filter((e) => e.startsWith('event: picture')),
          );
          check();
        };
        stream.on('data', onData);
        check();
      });
    await seen(1);
    const before = takes;
    // The tag moves: cart's running digest is now old.
    tags.set(`${REG}/shop/cart:latest`, V1);
    const post = { method: 'POST', headers: { 'Content-Type': 'application/json' } };
    let release = (): void => undefined;
    hold = new Promise((resolve) => (release = resolve));
    const answers = Promise.all([
      call(base, '/api/v1/refresh', post),
      call(base, '/api/v1/refresh', post),
    ]);
    // Both requests are inside refresh() while the first picture is still being taken.
    while (source.refreshCalls < 2) await new Promise((resolve) => setImmediate(resolve));
    release();
    const [a, b] = await answers;
    assert.equal(a.status, 200, a.body);
    assert.equal(b.status, 200, b.body);
    assert.equal(takes - before, 1, 'two refreshes at once take one picture');
    assert.equal(pictureEventSchema.parse(JSON.parse(a.body)).version, 2);
    await seen(2);
    const event = events.find((e) => e.includes('"version":2')) ?? '';
    pictureEventSchema.parse(JSON.parse(event.slice(event.indexOf('data: ') + 6)));
    const body = workloadsResponseSchema.parse(await json(base, '/api/v1/workloads'));
    assert.equal(body.workloads.find((w) => w.workload.name === 'cart')?.verdict, 'stale');
    stream.destroy();
  });

  it('refuses a refresh a cross-site form could send', async () => {
    const form = await call(base, '/api/v1/refresh', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(form.status, 415);
    const get = await call(base, '/api/v1/refresh');
    assert.equal(get.status, 405);
  });
});

describe('dashboard API guards', () => {
  it('answers 421 to a Host it does not serve (DNS rebinding)', async () => {
    const { state, tags } = shopState();
    const source = new SnapshotPictureSource(pictureTaker(new FakeClusterReader(state), tags));
    const { server, dashboard, base } = await serve(source, (host) =>
      host.startsWith('127.0.0.1:'),
    );
    try {
      assert.equal((await call(base, '/api/v1/workloads')).status, 200);
      const rebound = await call(base, '/api/v1/workloads', {
        headers: { Host: 'evil.example:8787' },
      });
      assert.equal(rebound.status, 421);
    } finally {
      dashboard.close();
      await server.close(100);
    }
  });

  it('answers 503 with the reason while no picture can be taken', async () => {
    const reader = new FakeClusterReader({});
    reader.failWith('unreachable');
    const source = new SnapshotPictureSource(pictureTaker(reader, new Map()));
    const { server, dashboard, base } = await serve(source);
    try {
      const answer = await call(base, '/api/v1/workloads');
      assert.equal(answer.status, 503);
      assert.match(answer.body, /no picture yet: .*cannot reach the API server/);
    } finally {
      dashboard.close();
      await server.close(100);
    }
  });
});

describe('dashboard refresh failures and shutdown', () => {
  it('keeps serving the last picture when a refresh cannot read the cluster, and says why', async () => {
    const { state, tags } = shopState();
    const reader = new FakeClusterReader(state);
    const source = new SnapshotPictureSource(pictureTaker(reader, tags));
    const { server, dashboard, base } = await serve(source);
    try {
      assert.equal(workloadsResponseSchema.parse(await json(base, '/api/v1/workloads')).version, 1);
      reader.failWith('unreachable');
      const answer = await call(base, '/api/v1/refresh', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
      });
      assert.equal(answer.status, 502);
      assert.match(answer.body, /refresh failed: .*cannot reach the API server/);
      const still = workloadsResponseSchema.parse(await json(base, '/api/v1/workloads'));
      assert.equal(still.version, 1);
      assert.equal(still.workloads.length, 3);
    } finally {
      dashboard.close();
      await server.close(100);
    }
  });

  it('ends open event streams on close, so the server can drain', async () => {
    const { state, tags } = shopState();
    const source = new SnapshotPictureSource(pictureTaker(new FakeClusterReader(state), tags));
    const { server, dashboard, base } = await serve(source);
    const stream = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = request(`${base}/api/v1/events`, resolve);
      req.on('error', reject);
      req.end();
    });
    stream.resume();
    const ended = new Promise<void>((resolve) => stream.on('end', resolve));
    dashboard.close();
    await ended;
    await server.close(60_000); // would wait the whole minute for a stream left open
  });
});

describe('dashboard API at 1,000 workloads', () => {
  it('answers every endpoint within the schema', async () => {
    const { state, tags } = manyWorkloads(1000);
    const source = new SnapshotPictureSource(pictureTaker(new FakeClusterReader(state), tags));
    const { server, dashboard, base } = await serve(source);
    try {
      const started = performance.now();
      const body = workloadsResponseSchema.parse(await json(base, '/api/v1/workloads'));
      const elapsed = performance.now() - started;
      assert.equal(body.workloads.length, 1000);
      assert.equal(body.summary.verdicts.stale + body.summary.verdicts.mixed, 334 + 67);
      const overview = overviewResponseSchema.parse(await json(base, '/api/v1/overview'));
      assert.equal(overview.namespaces.length, 5);
      const nodes = nodesResponseSchema.parse(await json(base, '/api/v1/nodes'));
      assert.equal(nodes.rows.length, 1000);
      workloadResponseSchema.parse(await json(base, '/api/v1/workloads/team-3/Deployment/svc-3'));
      // A measurement, not an assertion (the machine may be slow): picture + JSON of 2,000 Pods.
      console.log(`# 1,000 workloads: first /api/v1/workloads in ${elapsed.toFixed(0)} ms`);
    } finally {
      dashboard.close();
      await server.close(100);
    }
  });
});
