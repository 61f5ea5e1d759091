// Real nodes in tests: the gate (hack/node/preflight.sh decides; under CI=true an unavailable
// machine is a failure, because CI installs everything), a cluster per suite, and a teardown that
// asserts the host is clean. The cluster itself is harness/real-node-cluster.ts, shared with
// `npm run lab -- --real-nodes`.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  realNodePreflight,
  RealNodeCluster,
  stopRealNodeClustersSync,
} from '../../harness/real-node-cluster.ts';
import { LAB_SCRIPT, type CliResult } from './run-cli.ts';

export { RealNodeCluster } from '../../harness/real-node-cluster.ts';

export interface RealNodeGate {
  /** The reason to skip, or false: run (and fail in `before` when unavailable under CI). */
  readonly skip: string | false;
  /** Throws, with the preflight's reasons, when real nodes cannot run here. */
  assertAvailable(): void;
}

export async function realNodeGate(): Promise<RealNodeGate> {
  const preflight = await realNodePreflight();
  const reason = `real nodes cannot run here (hack/node/preflight.sh): ${preflight.reasons.join('; ')}`;
  const ci = process.env.CI === 'true';
  return {
    skip: preflight.available || ci ? false : reason,
    assertAvailable: () => {
      if (!preflight.available)
        throw new Error(
          `${reason}. CI=true: CI installs everything, so this fails instead of skipping`,
        );
    },
  };
}

/** Starts N real nodes; cluster-up.sh's progress goes to stderr when KUBE_FRESH_TEST_VERBOSE=1. */
export function startRealNodes(nodes: number): Promise<RealNodeCluster> {
  installTeardown();
  const verbose = process.env.KUBE_FRESH_TEST_VERBOSE === '1';
  return RealNodeCluster.start({
    nodes,
    ...(verbose ? { onLog: (line: string) => void process.stderr.write(`${line}\n`) } : {}),
  });
}

let teardownInstalled = false;

/**
 * A test file that dies (an uncaught error, the runner's SIGTERM on a timeout) must not leave real
 * nodes behind: their daemons run in their own sessions.
 */
function installTeardown(): void {
  if (teardownInstalled) return;
  teardownInstalled = true;
  process.on('exit', () => stopRealNodeClustersSync(false));
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)
    process.on(signal, () => {
      process.stderr.write(`${signal}: stopping the real-node cluster…\n`);
      stopRealNodeClustersSync(true);
      process.exit(code);
    });
}

/**
 * Stops the cluster and asserts that cluster-down.sh succeeded and, checked independently, that
 * nothing is left: processes, mounts, cgroups, bridges, CNI results, lo addresses, the work dir,
 * and (when no other real-node cluster runs) the kernel tunables.
 */
export async function stopRealNodes(cluster: RealNodeCluster | undefined): Promise<void> {
  if (cluster === undefined) return;
  const stopped = await cluster.stop();
  assert.equal(stopped.code, 0, `hack/node/cluster-down.sh failed:\n${stopped.output}`);
  const leftovers = cluster.leftovers();
  assert.deepEqual(leftovers.problems, [], `left on the host:\n${leftovers.problems.join('\n')}`);
}

/**
 * The lab script with a deadline, for runs that start real nodes: a test timeout alone would leave
 * the child (and the file's test process, which waits for it) running. SIGTERM makes the
 * script run hack/node/cluster-down.sh before it exits; SIGKILL follows after two minutes.
 */
export async function runLabWithDeadline(
  args: readonly string[],
  options: { env?: Record<string, string | undefined>; timeoutMs: number },
): Promise<CliResult> {
  const child = spawn(process.execPath, [...LAB_SCRIPT, ...args], {
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 120_000).unref();
  }, options.timeoutMs);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  clearTimeout(timer);
  const result = {
    code,
    stdout: Buffer.concat(stdout).toString('utf8'),
    stderr: Buffer.concat(stderr).toString('utf8'),
  };
  if (timedOut)
    throw new Error(
      `npm run lab -- ${args.join(' ')} did not finish within ${options.timeoutMs / 1000} s:\n${result.stdout}\n${result.stderr}`,
    );
  return result;
}
