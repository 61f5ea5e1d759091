// A real CNCF distribution registry (Debian's docker-registry) on a free loopback port, in one of
// the auth modes it supports: none (plain HTTP), htpasswd Basic over TLS, or token auth with the
// test token server. The registry's own access log tells which requests it served.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { createServer, type AddressInfo } from 'node:net';
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { testPki, type TestPki } from './certificates.ts';
import { ImagePusher } from './image-pusher.ts';
import { startTokenServer, type TestTokenServer } from './token-server.ts';

const run = promisify(execFile);

export type RegistryMode = 'plain' | 'htpasswd-tls' | 'token' | 'tls';

export const TEST_USER = 'testuser';
export const TEST_PASSWORD = 'correct-horse-battery-staple';

export interface AccessLogEntry {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly userAgent: string;
}

export interface TestRegistry {
  readonly mode: RegistryMode;
  /** `127.0.0.1:PORT`: the registry part of image references. */
  readonly host: string;
  readonly url: string;
  readonly pki: TestPki | undefined;
  readonly tokenServer: TestTokenServer | undefined;
  readonly pusher: ImagePusher;
  /** Requests the registry served, from its access log. */
  accessLog(): Promise<AccessLogEntry[]>;
  /** Manifest requests (GET/HEAD /v2/…/manifests/…) sent by a client with this user agent prefix. */
  manifestRequests(userAgentPrefix?: string): Promise<AccessLogEntry[]>;
  stop(): Promise<void>;
}

/** A `notifications` endpoint (test-infrastructure.md §2d): events POSTed to `url` with a Bearer token. */
export interface RegistryNotifications {
  readonly url: string;
  readonly token: string;
  /** Immediate tries before backing off (the registry default is 10). */
  readonly threshold?: number;
  readonly backoffMs?: number;
}

export interface RegistryOptions {
  readonly notifications?: RegistryNotifications;
}

export async function startRegistry(
  mode: RegistryMode = 'plain',
  options: RegistryOptions = {},
): Promise<TestRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'kube-fresh-registry-'));
  const tls = mode !== 'plain' && mode !== 'token';
  const pki = tls || mode === 'token' ? await testPki() : undefined;
  const tokenServer =
    mode === 'token' && pki !== undefined
      ? await startTokenServer({
          keyFile: pki.tokenKeyFile,
          certFile: pki.tokenCertFile,
          issuer: 'kube-fresh-test-issuer',
          users: { [TEST_USER]: TEST_PASSWORD },
        })
      : undefined;
  const htpasswd = mode === 'htpasswd-tls' ? await writeHtpasswd(dir) : undefined;
  const logFile = join(dir, 'registry.log');
  const { child, port } = await launch(dir, logFile, tls, (p) =>
    registryConfig({
      dir,
      tls,
      pki,
      htpasswd,
      tokenServer,
      port: p,
      notifications: options.notifications,
    }),
  );
  const host = `127.0.0.1:${port}`;
  const url = `${tls ? 'https' : 'http'}://${host}`;
  const pusher = new ImagePusher({
    url,
    caPem: tls ? pki?.caCertPem : undefined,
    credentials:
      mode === 'plain' || mode === 'tls'
        ? undefined
        : { username: TEST_USER, password: TEST_PASSWORD },
  });
  const accessLog = async (): Promise<AccessLogEntry[]> =>
    parseAccessLog(await readFile(logFile, 'utf8'));
  return {
    mode,
    host,
    url,
    pki,
    tokenServer,
    pusher,
    accessLog,
    manifestRequests: async (prefix = 'kube-fresh') =>
      (await accessLog()).filter(
        (e) => /^\/v2\/.+\/manifests\//.test(e.path) && e.userAgent.startsWith(prefix),
      ),
    stop: async () => {
      await stopChild(child);
      await tokenServer?.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

interface ConfigInput {
  readonly dir: string;
  readonly tls: boolean;
  readonly pki: TestPki | undefined;
  readonly htpasswd: string | undefined;
  readonly tokenServer: TestTokenServer | undefined;
  readonly port: number;
  readonly notifications: RegistryNotifications | undefined;
}

function registryConfig(input: ConfigInput): string {
  const { dir, tls, pki, htpasswd, tokenServer, port } = input;
  const lines = [
    'version: 0.1',
    'log:',
    // warn: info logs a second line per request; the access log below still records each one.
    '  level: warn',
    '  formatter: text',
    '  accesslog:',
    '    disabled: false',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${join(dir, 'data')}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    '  secret: kube-fresh-test-secret',
  ];
  if (tls && pki !== undefined)
    lines.push('  tls:', `    certificate: ${pki.serverCertFile}`, `    key: ${pki.serverKeyFile}`);
  if (htpasswd !== undefined)
    lines.push('auth:', '  htpasswd:', '    realm: kube-fresh-test', `    path: ${htpasswd}`);
  if (tokenServer !== undefined && pki !== undefined) {
    lines.push(
      'auth:',
      '  token:',
      `    realm: ${tokenServer.realm}`,
      '    service: kube-fresh-test-registry',
      '    issuer: kube-fresh-test-issuer',
      `    rootcertbundle: ${pki.tokenCertFile}`,
    );
  }
  if (input.notifications !== undefined) lines.push(...notificationLines(input.notifications));
  return `${lines.join('\n')}\n`;
}

function notificationLines(notifications: RegistryNotifications): string[] {
  return [
    'notifications:',
    '  events:',
    '    includereferences: true',
    '  endpoints:',
    '    - name: kube-fresh',
    `      url: ${notifications.url}`,
    '      headers:',
    `        Authorization: [${JSON.stringify(`Bearer ${notifications.token}`)}]`,
    '      timeout: 1s',
    `      threshold: ${notifications.threshold ?? 3}`,
    `      backoff: ${notifications.backoffMs ?? 1000}ms`,
    // Drops the per-blob events and keeps the manifest ones (in-cluster-recipes.md §1.1).
    '      ignoredmediatypes:',
    '        - application/octet-stream',
  ];
}

async function writeHtpasswd(dir: string): Promise<string> {
  const { stdout } = await run('htpasswd', ['-Bbn', TEST_USER, TEST_PASSWORD]);
  const file = join(dir, 'htpasswd');
  await writeFile(file, stdout);
  return file;
}

/**
 * Starts the registry on a free port. The port is picked here (the registry only names a port it
 * chose in an info-level line, and info level doubles its per-request logging); if another process
 * takes it first, the registry exits and another port is tried.
 */
async function launch(
  dir: string,
  logFile: string,
  tls: boolean,
  config: (port: number) => string,
): Promise<{ child: ChildProcess; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    await writeFile(join(dir, 'config.yml'), config(port));
    // The registry writes its log straight to a file: piping it through this process would put
    // the test runner on the path of every request (and stall the registry when it is busy).
    const log = await open(logFile, 'a');
    const child = spawn('docker-registry', ['serve', join(dir, 'config.yml')], {
      stdio: ['ignore', log.fd, log.fd],
    });
    // Listen before any await: a missing binary emits 'error' at once, and unheard it crashes us.
    const watch = watchChild(child);
    await log.close();
    const failure = await waitUntilServing(child, watch, port, tls);
    if (failure === undefined) return { child, port };
    await stopChild(child);
    const text = await readFile(logFile, 'utf8');
    if (!/address already in use/.test(text) || attempt >= 5) {
      throw new Error(`${failure}:\n${text}`);
    }
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Polls `/v2/` until the registry answers (any HTTP status); returns why it never will, if so. */
async function waitUntilServing(
  child: ChildProcess,
  watch: { exited: string | undefined },
  port: number,
  tls: boolean,
): Promise<string | undefined> {
  for (let waited = 0; waited < 20_000; waited += 10) {
    if (watch.exited !== undefined) return watch.exited;
    if (await answers(port, tls)) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return 'docker-registry did not answer within 20 s';
}

function answers(port: number, tls: boolean): Promise<boolean> {
  return new Promise((resolve) => {
    const options = {
      host: '127.0.0.1',
      port,
      path: '/v2/',
      rejectUnauthorized: false,
      timeout: 1_000,
    };
    const request = (tls ? httpsGet : httpGet)(options, (res) => {
      res.resume();
      resolve(true);
    });
    request.on('error', () => resolve(false));
    request.on('timeout', () => request.destroy());
  });
}

/** Records why the registry process ended (or could not start) as soon as it happens. */
function watchChild(child: ChildProcess): { exited: string | undefined } {
  const watch: { exited: string | undefined } = { exited: undefined };
  child.once(
    'exit',
    (code) => (watch.exited ??= `docker-registry exited with ${code} before serving`),
  );
  child.once(
    'error',
    (error) =>
      (watch.exited = `cannot start docker-registry (run scripts/install-test-deps.sh): ${error.message}`),
  );
  return watch;
}

async function stopChild(child: ChildProcess): Promise<void> {
  // A process that never started (pid undefined) will never emit 'exit'.
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await exited;
}

const ACCESS_LINE =
  /"(GET|HEAD|PUT|POST|PATCH|DELETE) (\S+) HTTP\/[\d.]+" (\d{3}) \S+ "[^"]*" "([^"]*)"/;

export function parseAccessLog(text: string): AccessLogEntry[] {
  const entries: AccessLogEntry[] = [];
  for (const line of text.split('\n')) {
    const m = ACCESS_LINE.exec(line);
    if (m?.[1] !== undefined && m[2] !== undefined && m[3] !== undefined) {
      entries.push({ method: m[1], path: m[2], status: Number(m[3]), userAgent: m[4] ?? '' });
    }
  }
  return entries;
}
