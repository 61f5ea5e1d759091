// The built `kube-fresh controller` as a real process: its JSON log lines, its HTTP port (learnt
// from the "controller started" line, as it listens on port 0), and a SIGTERM stop.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { BUILT_BIN } from '../support/run-cli.ts';
import { eventually } from './eventually.ts';

export interface LogLine {
  readonly level: string;
  readonly msg: string;
  readonly [field: string]: unknown;
}

export interface ControllerProcess {
  readonly url: string;
  readonly logs: LogLine[];
  readonly stderr: string[];
  get(path: string): Promise<{ status: number; text: string }>;
  /** A sample of a metric family (`name{labels}`), summed over series that match `labels`. */
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  /** SIGTERM; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL: a crash, with nothing released. */
  kill(): Promise<void>;
}

export async function startController(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<ControllerProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    [BUILT_BIN, 'controller', '--listen', '127.0.0.1:0', ...args],
    {
      env: { ...process.env, HOME: '/nonexistent', NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const logs: LogLine[] = [];
  const stderr: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      logs.push(JSON.parse(line) as LogLine);
    } catch {
      logs.push({ level: 'raw', msg: line });
    }
  });
  createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  await eventually(
    () => exitCode !== undefined || logs.some((l) => l.msg === 'controller started'),
    60_000,
    'the controller to start',
  );
  if (exitCode !== undefined)
    throw new Error(
      `controller exited with ${exitCode}: ${stderr.join('\n')} ${JSON.stringify(logs)}`,
    );
  const started = logs.find((l) => l.msg === 'controller started');
  const url = `http://${String(started?.listen)}`;
  const get = async (path: string): Promise<{ status: number; text: string }> => {
    const response = await fetch(url + path);
    return { status: response.status, text: await response.text() };
  };
  return {
    url,
    logs,
    stderr,
    get,
    metric: async (name, labels = {}) => {
      const { text } = await get('/metrics');
      let sum = 0;
      for (const line of text.split('\n')) {
        if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
        const wanted = Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`));
        if (wanted) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
      }
      return sum;
    },
    stop: async () => {
      if (exitCode === undefined) child.kill('SIGTERM');
      return exited;
    },
    kill: async () => {
      if (exitCode === undefined) child.kill('SIGKILL');
      await exited;
    },
  };
}
