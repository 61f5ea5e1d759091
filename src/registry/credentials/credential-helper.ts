// The docker credential-helper protocol: run `docker-credential-<name> get`, write the server URL
// to stdin, read `{"Username","Secret"}` from stdout. A `<token>` user means Secret is an identity
// (refresh) token. "credentials not found" (exit 1 with that text) means no credential.

import { spawn } from 'node:child_process';
import type { Credential } from './credential.ts';

export interface HelperOptions {
  /** PATH used to find `docker-credential-<name>` (taken from the environment at the entry point). */
  readonly path: string | undefined;
  readonly timeoutMs: number;
}

export type HelperResult =
  | { readonly kind: 'found'; readonly credential: Credential }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'failed'; readonly message: string };

export async function runCredentialHelper(
  helper: string,
  serverUrl: string,
  options: HelperOptions,
): Promise<HelperResult> {
  const program = `docker-credential-${helper}`;
  const output = await runProgram(program, serverUrl, options);
  if (output.kind === 'failed') return output;
  if (output.code !== 0) {
    if (/credentials not found/i.test(output.stdout + output.stderr)) return { kind: 'not-found' };
    // The helper's own output may echo what it was given; keep only its first line.
    const detail =
      firstLine(output.stderr) || firstLine(output.stdout) || `exit status ${output.code}`;
    return { kind: 'failed', message: `${program} get failed: ${detail}` };
  }
  return parseHelperOutput(program, output.stdout);
}

function parseHelperOutput(program: string, stdout: string): HelperResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    return { kind: 'failed', message: `${program} get printed something that is not JSON` };
  }
  const record = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<
    string,
    unknown
  >;
  const username = typeof record.Username === 'string' ? record.Username : undefined;
  const secret = typeof record.Secret === 'string' ? record.Secret : undefined;
  if (secret === undefined || secret === '') return { kind: 'not-found' };
  const source = { kind: 'credential-helper', detail: program };
  const credential: Credential =
    username === '<token>'
      ? {
          username: undefined,
          password: undefined,
          identityToken: secret,
          registryToken: undefined,
          source,
        }
      : { username, password: secret, identityToken: undefined, registryToken: undefined, source };
  return { kind: 'found', credential };
}

type ProgramOutput =
  | { kind: 'exited'; code: number; stdout: string; stderr: string }
  | { kind: 'failed'; message: string };

function runProgram(
  program: string,
  input: string,
  options: HelperOptions,
): Promise<ProgramOutput> {
  return new Promise((resolve) => {
    const env = { PATH: options.path ?? '' };
    const child = spawn(program, ['get'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    // Not spawn's own `timeout`: its timer outlives a helper that failed to start.
    const timer = setTimeout(() => child.kill('SIGTERM'), options.timeoutMs);
    timer.unref();
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const reason = error.code === 'ENOENT' ? 'not found on PATH' : error.message;
      resolve({ kind: 'failed', message: `credential helper ${program}: ${reason}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signal !== null) {
        resolve({
          kind: 'failed',
          message: `credential helper ${program} was stopped (${signal}); it took longer than ${options.timeoutMs} ms?`,
        });
        return;
      }
      resolve({
        kind: 'exited',
        code: code ?? 1,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
    child.stdin.on('error', () => undefined); // a helper that exits early closes stdin
    child.stdin.end(input);
  });
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0]?.slice(0, 200) ?? '';
}
