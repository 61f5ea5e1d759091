// Runs the hack/node scripts (and ctr) with a deadline. Each runs in its own process group, so a
// Ctrl-C in the terminal reaches only kube-fresh, which then lets a running cluster-up.sh or
// cluster-down.sh finish its cleanup instead of dying halfway through it (see waitForScriptsSync).
import { spawn, spawnSync } from 'node:child_process';

export interface ScriptResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

export interface ScriptOptions {
  readonly env?: Record<string, string>;
  readonly timeoutMs: number;
  readonly onStderrLine?: (line: string) => void;
  /**
   * What an interrupted kube-fresh does with the script (stopScriptsSync): `terminate` sends
   * SIGTERM (cluster-up.sh traps it and tears down what it started), `finish` lets it run to its
   * end (cluster-down.sh: stopping it halfway would leave mounts and cgroups behind). Either
   * way the process waits for the script before it exits.
   */
  readonly onInterrupt?: 'terminate' | 'finish';
}

/** Scripts running now, by PID, and what to do with them on an interrupt. */
const running = new Map<number, 'terminate' | 'finish'>();

/** Runs `command` (a *.sh file runs through bash) and collects its output; never rejects on exit codes. */
export function runScript(
  command: string,
  args: readonly string[],
  options: ScriptOptions,
): Promise<ScriptResult> {
  const [file, argv] = command.endsWith('.sh')
    ? ['bash', [command, ...args]]
    : [command, [...args]];
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, {
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const pid = child.pid;
    if (pid !== undefined) running.set(pid, options.onInterrupt ?? 'terminate');
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let partial = '';
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr.push(chunk);
      if (options.onStderrLine === undefined) return;
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) options.onStderrLine(line);
    });
    let timedOut = false;
    // SIGTERM first: cluster-up.sh traps it and tears down what it started; SIGKILL only if that
    // takes longer than a minute.
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 60_000).unref();
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      if (pid !== undefined) running.delete(pid);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (pid !== undefined) running.delete(pid);
      resolve({
        code,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        timedOut,
      });
    });
  });
}

/**
 * For exit paths (signal handlers), where nothing asynchronous runs any more: signals the scripts
 * that may be interrupted, then blocks until every running script is gone (at most `timeoutS`).
 */
export function stopScriptsSync(timeoutS: number): void {
  for (const [pid, onInterrupt] of running) {
    if (onInterrupt === 'finish') continue;
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  for (const pid of running.keys())
    spawnSync('timeout', [String(timeoutS), 'tail', `--pid=${pid}`, '-f', '/dev/null'], {
      stdio: 'ignore',
    });
  running.clear();
}
