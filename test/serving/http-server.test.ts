// The shared server of the controller and webhook, on real loopback sockets: routing on the path
// only, 404/405, the body limit, a throwing handler, probes, metrics, and TLS files that rotate.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { request as httpsRequest } from 'node:https';
import { copyFile, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';
import { Counter } from 'prom-client';
import { startServer, sendText, type Route } from '../../src/serving/http-server.ts';
import { healthRoutes } from '../../src/serving/health-routes.ts';
import { parseListenAddress } from '../../src/serving/listen-address.ts';
import { readBody } from '../../src/serving/read-body.ts';
import { createMetricsRegistry } from '../../src/telemetry/metrics-registry.ts';

const run = promisify(execFile);
const loopback = parseListenAddress('127.0.0.1:0');

describe('startServer (plain HTTP)', async () => {
  const errors: unknown[] = [];
  let ready = false;
  const metrics = createMetricsRegistry('test');
  const hits = new Counter({
    name: 'kube_fresh_test_hits_total',
    help: 'test',
    registers: [metrics],
  });
  const routes: Route[] = [
    ...healthRoutes(metrics, [
      { name: 'caches', check: () => (ready ? undefined : 'caches not synced') },
    ]),
    {
      method: 'POST',
      path: '/echo',
      handle: async (req, res) => {
        hits.inc();
        const body = await readBody(req, 16);
        if (!body.ok) return sendText(res, body.status, body.message);
        sendText(res, 200, body.body.toString('utf8'));
      },
    },
    { method: 'GET', path: '/boom', handle: () => Promise.reject(new Error('handler failed')) },
    {
      method: 'GET',
      path: '/api/v1/things',
      prefix: true,
      handle: (req, res) => sendText(res, 200, req.url ?? ''),
    },
  ];
  const server = await startServer({
    listen: loopback,
    routes,
    onHandlerError: (e) => errors.push(e),
  });
  after(() => server.close());
  const base = `http://127.0.0.1:${server.port}`;

  it('routes on the path only, ignoring the query the apiserver appends', async () => {
    const res = await fetch(`${base}/echo?timeout=10s`, { method: 'POST', body: 'hello' });
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'hello');
  });

  it('answers 404 for unknown paths and 405 with Allow for a wrong method', async () => {
    assert.equal((await fetch(`${base}/nope`)).status, 404);
    const res = await fetch(`${base}/echo`);
    assert.equal(res.status, 405);
    assert.equal(res.headers.get('allow'), 'POST');
  });

  it('refuses a body over the limit with 413, declared or streamed', async () => {
    const res = await fetch(`${base}/echo`, { method: 'POST', body: 'x'.repeat(17) });
    assert.equal(res.status, 413);
  });

  it('turns a throwing handler into a 500 and keeps serving', async () => {
    assert.equal((await fetch(`${base}/boom`)).status, 500);
    assert.equal(errors.length, 1);
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
  });

  it('matches prefix routes below their path', async () => {
    const res = await fetch(`${base}/api/v1/things/ns/name`);
    assert.equal(await res.text(), '/api/v1/things/ns/name');
    assert.equal((await fetch(`${base}/api/v1/thingsX`)).status, 404);
  });

  it('says why it is not ready, then ready once the check passes', async () => {
    const first = await fetch(`${base}/readyz`);
    assert.equal(first.status, 503);
    assert.match(await first.text(), /caches: caches not synced/);
    ready = true;
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
  });

  it('serves Prometheus text with the component label and process metrics', async () => {
    const res = await fetch(`${base}/metrics`);
    assert.match(res.headers.get('content-type') ?? '', /text\/plain; version=0\.0\.4/);
    const text = await res.text();
    assert.match(text, /kube_fresh_test_hits_total\{component="test"\} [1-9]/);
    assert.match(text, /process_resident_memory_bytes/);
  });
});

describe('parseListenAddress', () => {
  const table: [string, string | undefined, number][] = [
    [':8080', undefined, 8080],
    ['127.0.0.1:8443', '127.0.0.1', 8443],
    ['[::1]:9000', '::1', 9000],
    ['localhost:0', 'localhost', 0],
  ];
  for (const [input, host, port] of table) {
    it(`parses ${input}`, () => assert.deepEqual(parseListenAddress(input), { host, port }));
  }
  for (const bad of ['8080', '127.0.0.1', ':65536', '[::1:80', 'a:b', '1.2.3.4:-1']) {
    it(`refuses ${bad}`, () => assert.throws(() => parseListenAddress(bad), /is not HOST:PORT/));
  }
});

describe('startServer (TLS with rotating files)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kube-fresh-tls-'));
  const makeCert = async (name: string): Promise<void> => {
    await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(dir, `${name}.key`),
      '-out',
      join(dir, `${name}.crt`),
    ]);
  };
  await makeCert('first');
  await makeCert('second');
  await copyFile(join(dir, 'first.crt'), join(dir, 'tls.crt'));
  await copyFile(join(dir, 'first.key'), join(dir, 'tls.key'));
  const reloads: boolean[] = [];
  const server = await startServer({
    listen: loopback,
    routes: [{ method: 'GET', path: '/healthz', handle: (_q, r) => sendText(r, 200, 'ok') }],
    tls: { certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key'), reloadIntervalMs: 50 },
    onHandlerError: () => undefined,
    onTlsReload: (o) => reloads.push(o.ok),
  });
  after(() => server.close());

  const getWith = (caFile: string): Promise<number> =>
    readFile(caFile).then(
      (ca) =>
        new Promise((resolve, reject) => {
          const req = httpsRequest(
            { host: '127.0.0.1', port: server.port, path: '/healthz', ca, agent: false },
            (res) => {
              res.resume();
              resolve(res.statusCode ?? 0);
            },
          );
          req.on('error', reject);
          req.end();
        }),
    );

  it('serves the certificate on disk and switches when the files change', async () => {
    assert.equal(await getWith(join(dir, 'first.crt')), 200);
    await assert.rejects(getWith(join(dir, 'second.crt')));
    await copyFile(join(dir, 'second.key'), join(dir, 'tls.key'));
    await copyFile(join(dir, 'second.crt'), join(dir, 'tls.crt'));
    while (!reloads.includes(true)) await new Promise((r) => setTimeout(r, 20));
    assert.equal(await getWith(join(dir, 'second.crt')), 200);
  });

  it('keeps the old context when the pair on disk is broken', async () => {
    reloads.length = 0;
    await copyFile(join(dir, 'first.key'), join(dir, 'tls.key'));
    while (!reloads.includes(false)) await new Promise((r) => setTimeout(r, 20));
    assert.equal(await getWith(join(dir, 'second.crt')), 200);
  });
});
