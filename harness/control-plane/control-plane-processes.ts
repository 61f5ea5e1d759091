// Process plumbing for the test control plane: where the binaries are, free loopback ports,
// starting a server with its log in a file, waiting with a deadline, and stopping by PID. Every
// child is also killed when the test process exits, so a crashed test leaves nothing behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// harness/control-plane/ sits two levels below the checkout.
const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const CONTROL_PLANE_BINARIES = [
  'etcd',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
] as const;
export type ControlPlaneBinary = (typeof CONTROL_PLANE_BINARIES)[number];

/**
 * The bin dir hack/build-control-plane.sh fills: $KUBE_FRESH_CONTROL_PLANE_DIR, else
 * .cache/control-plane/<k8s version from the wrapper go.mod>/bin. Tests never build (a cold
 * build takes ~5 minutes); they fail with the command that does.
 */
export function locateControlPlaneBinaries(): string {
  const override = process.env.KUBE_FRESH_CONTROL_PLANE_DIR;
  const gomod = readFileSync(join(REPO, 'hack/control-plane/k8s/go.mod'), 'utf8');
  const version = /^require k8s\.io\/kubernetes (v\S+)$/m.exec(gomod)?.[1];
  const dir = override ?? join(REPO, `.cache/control-plane/${version ?? 'unknown'}/bin`);
  const missing = CONTROL_PLANE_BINARIES.filter((name) => !existsSync(join(dir, name)));
  if (missing.length > 0) {
    throw new Error(
      `the test control plane is not built: ${missing.join(', ')} missing in ${dir}. ` +
        'Run "bash scripts/install-test-deps.sh" (builds it once, ~5 min, then cached).',
    );
  }
  return dir;
}

/** A port nothing listens on right now. Callers retry on EADDRINUSE (another test may win it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

export interface ServerProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly logFile: string;
  /** Why the process ended early, once it has. */
  exitReason(): string | undefined;
  logTail(lines?: number): Promise<string>;
  stop(): Promise<void>;
}

export async function startServer(
  name: string,
  binary: string,
  args: readonly string[],
  logDir: string,
): Promise<ServerProcess> {
  installExitHook();
  const logFile = join(logDir, `${name}.log`);
  const log = await open(logFile, 'a');
  // Logs go straight to a file: piping them through the test runner would stall the servers
  // whenever the runner is busy.
  const child = spawn(binary, [...args], { stdio: ['ignore', log.fd, log.fd] });
  await log.close();
  live.add(child);
  let exited: string | undefined;
  child.once('error', (error) => (exited = `cannot start ${binary}: ${error.message}`));
  child.once('exit', (code, signal) => {
    live.delete(child);
    exited ??= `${name} exited (${signal ?? `code ${code}`})`;
  });
  const logTail = async (lines = 30): Promise<string> =>
    (await readFile(logFile, 'utf8').catch(() => '')).split('\n').slice(-lines).join('\n');
  return { name, child, logFile, exitReason: () => exited, logTail, stop: () => stopChild(child) };
}

/** SIGTERM, up to 10 s, then SIGKILL. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/**
 * Polls `probe` until it returns true. Fails with `what` and the server's log tail when the
 * deadline passes or the server exits first.
 */
export async function waitUntil(
  what: string,
  probe: () => Promise<boolean>,
  options: { timeoutMs: number; server?: ServerProcess; intervalMs?: number },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    const exited = options.server?.exitReason();
    if (exited !== undefined) {
      throw new Error(`${exited} before ${what}:\n${await options.server?.logTail()}`);
    }
    if (Date.now() > deadline) {
      const tail = options.server ? `:\n${await options.server.logTail()}` : '';
      throw new Error(`timed out after ${options.timeoutMs / 1000} s waiting for ${what}${tail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
}

/** True when the server's log says it lost a race for its port. */
export async function lostPortRace(server: ServerProcess): Promise<boolean> {
  if (server.exitReason() === undefined) return false;
  return /address already in use/i.test(await server.logTail(50));
}
