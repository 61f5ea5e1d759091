// Runs a credential program (a docker credential helper, a kubeconfig exec plugin) with a deadline
// and an output cap that hold even against its own children. The program runs in its own process
// group, and on timeout or overflow the whole group is killed and the pipes destroyed, so a shell
// wrapper whose grandchild keeps stdout open (F-8) cannot make us wait, and a program printing
// gigabytes (F-15) costs at most `maxOutputBytes` per stream.

import { spawn } from 'node:child_process';

export interface BoundedRun {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Written to stdin, then closed; without it stdin is not connected. */
  readonly input?: string;
  readonly timeoutMs: number;
  readonly maxOutputBytes: number;
}

export type BoundedOutcome =
  | {
      readonly kind: 'exited';
      readonly code: number | null;
      readonly signal: NodeJS.Signals | null;
      readonly stdout: string;
      readonly stderr: string;
    }
  | { readonly kind: 'timed-out' }
  | { readonly kind: 'too-much-output'; readonly stream: 'stdout' | 'stderr' }
  | { readonly kind: 'not-started'; readonly error: NodeJS.ErrnoException };

export const MAX_CREDENTIAL_OUTPUT_BYTES = 1024 * 1024;

export function runBounded(run: BoundedRun): Promise<BoundedOutcome> {
  return new Promise((resolve) => {
    const child = spawn(run.command, [...run.args], {
      env: run.env,
      stdio: [run.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      detached: true, // its own process group, so that the group can be killed as one
    });
    let settled = false;
    const finish = (outcome: BoundedOutcome, kill: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (kill) {
        killGroup(child.pid);
        child.stdout?.destroy();
        child.stderr?.destroy();
      }
      resolve(outcome);
    };
    const timer = setTimeout(() => finish({ kind: 'timed-out' }, true), run.timeoutMs);
    const collected = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
    const sizes = { stdout: 0, stderr: 0 };
    for (const name of ['stdout', 'stderr'] as const) {
      child[name]?.on('data', (chunk: Buffer) => {
        sizes[name] += chunk.length;
        if (sizes[name] > run.maxOutputBytes)
          finish({ kind: 'too-much-output', stream: name }, true);
        else collected[name].push(chunk);
      });
    }
    child.on('error', (error: NodeJS.ErrnoException) =>
      finish({ kind: 'not-started', error }, false),
    );
    child.on('close', (code, signal) =>
      finish(
        {
          kind: 'exited',
          code,
          signal,
          stdout: Buffer.concat(collected.stdout).toString('utf8'),
          stderr: Buffer.concat(collected.stderr).toString('utf8'),
        },
        false,
      ),
    );
    // 'close' waits for the pipes; a program that exited while its children hold them open gets
    // until the deadline, then the group is killed like a hung one.
    if (run.input !== undefined) {
      child.stdin?.on('error', () => undefined); // a program that exits early closes stdin
      child.stdin?.end(run.input);
    }
  });
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
