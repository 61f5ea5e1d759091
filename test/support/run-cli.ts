// Runs the built CLI (dist/cli/bin.js) as a user would, capturing its output and exit code.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const BUILT_BIN = fileURLToPath(new URL('../../dist/cli/bin.js', import.meta.url));
/** `npm run lab` without npm: the lab script run through tsx from the checkout. */
export const LAB_SCRIPT = [
  '--import',
  'tsx',
  fileURLToPath(new URL('../../scripts/lab.ts', import.meta.url)),
];

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly env?: Record<string, string | undefined>;
  readonly stdin?: string;
  readonly cwd?: string;
  /** Path to run instead of dist/cli/bin.js, e.g. a kubectl-fresh symlink. */
  readonly bin?: string;
  /** Node arguments and script to run instead (LAB_SCRIPT). */
  readonly script?: readonly string[];
  /** The run is killed (SIGKILL) after this long, so a hung CLI fails its test instead of CI. */
  readonly timeoutMs?: number;
}

export async function runCli(
  args: readonly string[],
  options: RunOptions = {},
): Promise<CliResult> {
  const script = options.script ?? [options.bin ?? BUILT_BIN];
  if (options.script === undefined && !existsSync(BUILT_BIN))
    throw new Error(`${BUILT_BIN} is missing: run "npm run build" first`);
  const child = spawn(process.execPath, [...script, ...args], {
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    cwd: options.cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  child.stdin.end(options.stdin ?? '');
  const timeoutMs = options.timeoutMs ?? 240_000;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  }).finally(() => clearTimeout(timer));
  if (timedOut) stderr.push(Buffer.from(`\n[run-cli] killed after ${timeoutMs} ms\n`));
  return {
    code,
    stdout: Buffer.concat(stdout).toString('utf8'),
    stderr: Buffer.concat(stderr).toString('utf8'),
  };
}
