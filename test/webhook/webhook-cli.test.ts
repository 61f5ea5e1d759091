// The built `kube-fresh webhook` process: flags, TLS serving, probes on the metrics port, a
// graceful SIGTERM, usage errors; and `webhook manifests` output.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { BUILT_BIN, runCli } from '../support/run-cli.ts';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface WebhookConfig {
  kind: string;
  webhooks: Array<{
    failurePolicy: string;
    sideEffects: string;
    reinvocationPolicy?: string;
    clientConfig: { url: string; caBundle: string };
  }>;
}

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: u, user: {token: not-a-real-token}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
current-context: c
`;

describe('kube-fresh webhook (built binary)', { timeout: 120_000 }, () => {
  it('prints both configurations with a generated CA, then serves TLS until SIGTERM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kube-fresh-webhook-cli-'));
    const [port, metricsPort] = [await freePort(), await freePort()];
    const manifests = await runCli(
      [
        'webhook',
        'manifests',
        '--url',
        `https://127.0.0.1:${port}`,
        '--cert-dir',
        join(dir, 'pki'),
      ],
      { env: { HOME: dir } },
    );
    assert.equal(manifests.code, 0, manifests.stderr);
    const docs = parseAllDocuments(manifests.stdout).map((d) => d.toJS() as WebhookConfig);
    assert.deepEqual(
      docs.map((d) => d.kind),
      ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'],
    );
    const pin = docs[0]?.webhooks[0];
    assert.ok(pin !== undefined);
    assert.equal(pin.failurePolicy, 'Ignore');
    assert.equal(pin.sideEffects, 'None');
    assert.equal(pin.reinvocationPolicy, 'IfNeeded');
    assert.equal(pin.clientConfig.url, `https://127.0.0.1:${port}/mutate`);
    const ca = await readFile(join(dir, 'pki', 'ca.crt'));
    assert.equal(Buffer.from(pin.clientConfig.caBundle, 'base64').toString(), ca.toString());

    await writeFile(join(dir, 'kubeconfig'), KUBECONFIG);
    const child = spawn(
      process.execPath,
      [
        BUILT_BIN,
        'webhook',
        '--listen',
        `127.0.0.1:${port}`,
        '--metrics-listen',
        `127.0.0.1:${metricsPort}`,
        '--tls-cert-file',
        join(dir, 'pki', 'tls.crt'),
        '--tls-key-file',
        join(dir, 'pki', 'tls.key'),
        '--kubeconfig',
        join(dir, 'kubeconfig'),
      ],
      { env: { HOME: dir, PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    );
    for (let i = 0; !output.includes('webhook serving'); i++) {
      assert.ok(i < 600, `no start-up line: ${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal((await fetch(`http://127.0.0.1:${metricsPort}/readyz`)).status, 200);
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpsRequest(
        { host: '127.0.0.1', port, path: '/mutate', method: 'POST', ca },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end('not json');
    });
    assert.equal(status, 400, 'verified TLS with the generated CA and an IP SAN');
    child.kill('SIGTERM');
    assert.equal(await exited, 0, output);
    assert.ok(!output.includes('not-a-real-token'));
  });

  it('refuses to start without TLS files (exit 2)', async () => {
    const result = await runCli(['webhook', '--listen', '127.0.0.1:0']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--tls-cert-file and --tls-key-file/);
  });
});
