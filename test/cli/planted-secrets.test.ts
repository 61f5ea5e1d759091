// The general guard for "no secret ever appears" (issue 17, F-13/F-14): a unique secret is
// planted in every credential source and in every server reply that can repeat one, then every
// output stream of every command and every file it wrote is searched for it.
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { testPki } from '../../harness/registry/certificates.ts';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.ts';
import { startRegistry, type TestRegistry } from '../../harness/registry/registry.ts';
import { runCli, type CliResult } from '../support/run-cli.ts';
import { writeKubeconfig } from '../../harness/control-plane/test-kubeconfig.ts';

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const SECRETS = {
  dockerPassword: 'PLANT-docker-pw-7c1e',
  helperSecret: 'PLANT-helper-secret-51b0',
  token: 'PLANT-registry-token-9d3f',
  kubeToken: 'PLANT-kube-token-2a8c',
  execToken: 'PLANT-exec-token-64e2',
  urlPassword: 'PLANT-url-pw-0b7d',
};
/** Every form a planted secret could leak in: as is, and inside base64 of `user:secret`. */
const FORMS = Object.values(SECRETS).flatMap((s) => [s, b64(`plant-user:${s}`).replace(/=+$/, '')]);

function assertClean(label: string, ...texts: string[]): void {
  for (const text of texts)
    for (const form of FORMS) assert.ok(!text.includes(form), `${label} leaked ${form}:\n${text}`);
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describe('planted secrets never appear in any output (built binary)', () => {
  let registry: TestRegistry;
  let echoing: FaultProxy; // Basic auth; echoes the Authorization header in its error body
  let bearer: FaultProxy; // Bearer auth; rejects the token and quotes it back
  let helperHost: FaultProxy; // credentials from a helper that fails and prints its secret
  let tokenServer: Server;
  let api: Server;
  let apiPort = 0;
  let dir: string;
  let dockerDir: string;

  before(async () => {
    registry = await startRegistry('plain');
    await registry.pusher.pushImage('plant/app', 'v1');
    dir = await mkdtemp(join(tmpdir(), 'kube-fresh-plant-'));
    tokenServer = createHttpServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ token: SECRETS.token, echo: req.headers.authorization }));
    });
    const tokenPort = await listen(tokenServer);
    [echoing, bearer, helperHost] = await Promise.all([
      startFaultProxy(registry.host),
      startFaultProxy(registry.host),
      startFaultProxy(registry.host),
    ]);
    const always = 1_000_000;
    const isPing = (_m: string, p: string): boolean => p === '/v2/';
    const refusal = (status: number, detail: string) => ({
      status,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: detail }] }),
    });
    echoing.add({
      match: isPing,
      times: always,
      respond: { status: 401, headers: { 'www-authenticate': 'Basic realm="r"' } },
    });
    echoing.add({
      times: always,
      // HEAD 403 sends the client on to GET (as some registries need), whose 401 quotes the header.
      respondWith: (req) =>
        req.method === 'HEAD'
          ? { status: 403 }
          : refusal(401, `authentication failed for ${req.headers.authorization ?? ''}`),
    });
    const challenge = `Bearer realm="http://127.0.0.1:${tokenPort}/token",service="plant"`;
    bearer.add({
      match: isPing,
      times: always,
      respond: { status: 401, headers: { 'www-authenticate': challenge } },
    });
    bearer.add({
      times: always,
      respondWith: (req) => ({
        ...refusal(
          403,
          `token ${(req.headers.authorization ?? '').replace('Bearer ', '')} has no access`,
        ),
      }),
    });
    helperHost.add({
      match: isPing,
      times: always,
      respond: { status: 401, headers: { 'www-authenticate': 'Basic realm="r"' } },
    });

    // Docker config: a password for the echoing and the bearer registry, a failing helper for the third.
    dockerDir = join(dir, 'docker');
    await mkdir(join(dir, 'bin'), { recursive: true });
    await mkdir(dockerDir, { recursive: true });
    const helper = join(dir, 'bin', 'docker-credential-plant');
    await writeFile(
      helper,
      `#!/bin/sh\necho '{"ServerURL":"x","Username":"plant-user","Secret":"${SECRETS.helperSecret}"}'\necho "${SECRETS.helperSecret} rejected" >&2\nexit 1\n`,
    );
    await chmod(helper, 0o755);
    const auth = b64(`plant-user:${SECRETS.dockerPassword}`);
    await writeFile(
      join(dockerDir, 'config.json'),
      JSON.stringify({
        auths: { [echoing.host]: { auth }, [bearer.host]: { auth } },
        credHelpers: { [helperHost.host]: 'plant' },
      }),
    );

    // A fake HTTPS API server that quotes the Authorization header it got in every refusal.
    const pki = await testPki();
    api = createHttpsServer(
      { cert: await readFile(pki.serverCertFile), key: await readFile(pki.serverKeyFile) },
      (req, res) => {
        res.writeHead(403, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            kind: 'Status',
            apiVersion: 'v1',
            status: 'Failure',
            reason: 'Forbidden',
            code: 403,
            message: `forbidden (auth ${req.headers.authorization ?? 'none'})`,
          }),
        );
      },
    );
    apiPort = await listen(api);
  });

  after(async () => {
    await Promise.all([echoing.stop(), bearer.stop(), helperHost.stop()]);
    await new Promise((r) => tokenServer.close(r));
    await new Promise((r) => api.close(r));
    await registry.pusher.close();
    await registry.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const env = (): Record<string, string> => ({
    HOME: join(dir, 'home'),
    DOCKER_CONFIG: dockerDir,
    PATH: `${join(dir, 'bin')}:${process.env.PATH ?? ''}`,
  });

  it('registry commands: resolve, pin (stdout, --diff, --write), lint --online', async () => {
    const images = [echoing, bearer, helperHost].map((p) => `${p.host}/plant/app:v1`);
    const manifest = join(dir, 'pod.yaml');
    const text =
      'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n' +
      images.map((image, i) => `  - {name: c${i}, image: "${image}"}\n`).join('');
    await writeFile(manifest, text);
    const runs: Array<[string, CliResult]> = [];
    for (const args of [
      ['resolve', ...images],
      ['resolve', '-o', 'json', '--platforms', ...images],
      ['pin', manifest],
      ['pin', '--diff', manifest],
      ['pin', '--write', manifest],
      ['lint', '--online', manifest],
      ['lint', '--online', '-o', 'json', manifest],
    ])
      runs.push([args.join(' '), await runCli(args, { env: env() })]);
    for (const [label, result] of runs) {
      assert.notEqual(result.code, 70, `${label}: ${result.stderr}`);
      assertClean(label, result.stdout, result.stderr);
    }
    // The failures were real, so the secrets were in play: the echo and the token were refused.
    const json = runs[1]?.[1].stdout ?? '';
    assert.match(json, /authentication failed for Basic \[redacted\]/);
    assert.match(json, /token \[redacted\] has no access/);
    for (const name of await readdir(dir))
      if (name.endsWith('.yaml')) assertClean(name, await readFile(join(dir, name), 'utf8'));
  });

  it('cluster commands: a token the API server quotes back, a URL password, a failing exec plugin', async () => {
    const pki = await testPki();
    const plugin = join(dir, 'bin', 'plant-exec');
    await writeFile(plugin, `#!/bin/sh\necho "cannot refresh ${SECRETS.execToken}" >&2\nexit 1\n`);
    await chmod(plugin, 0o755);
    const kubeconfig = await writeKubeconfig(join(dir, 'kubeconfig'), [
      {
        name: 'token',
        server: `https://admin:${SECRETS.urlPassword}@127.0.0.1:${apiPort}`,
        caPem: pki.caCertPem,
        credentials: { token: SECRETS.kubeToken },
      },
      {
        name: 'exec',
        server: `https://127.0.0.1:${apiPort}`,
        caPem: pki.caCertPem,
        credentials: {
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1',
            command: plugin,
            interactiveMode: 'Never',
          },
        },
      },
    ]);
    for (const context of ['token', 'exec']) {
      for (const args of [
        ['status', '-A'],
        ['status', '-A', '-o', 'json'],
        ['explain', 'pod/evil', '-n', 'default'],
        ['fix', '--dry-run', '-A'],
      ]) {
        const result = await runCli([...args, '--kubeconfig', kubeconfig, '--context', context], {
          env: env(),
        });
        const label = `${context}: ${args.join(' ')}`;
        assert.equal(result.code, 3, `${label}: ${result.stderr}`);
        assertClean(label, result.stdout, result.stderr);
      }
    }
  });
});
