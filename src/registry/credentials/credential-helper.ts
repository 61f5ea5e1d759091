// The docker credential-helper protocol: run `docker-credential-<name> get`, write the server URL
// to stdin, read `{"Username","Secret"}` from stdout. A `<token>` user means Secret is an identity
// (refresh) token. "credentials not found" (exit 1 with that text) means no credential.

import type { Credential } from './credential.ts';
import { MAX_CREDENTIAL_OUTPUT_BYTES, runBounded } from '../../system/run-bounded.ts';

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
    // Its output is not quoted: a failing helper may print the very secret it holds (F-13).
    return {
      kind: 'failed',
      message: `${program} get failed with exit status ${output.code} (its output is not shown, as it may hold a secret)`,
    };
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

async function runProgram(
  program: string,
  input: string,
  options: HelperOptions,
): Promise<ProgramOutput> {
  const outcome = await runBounded({
    command: program,
    args: ['get'],
    env: { PATH: options.path ?? '' },
    input,
    timeoutMs: options.timeoutMs,
    maxOutputBytes: MAX_CREDENTIAL_OUTPUT_BYTES,
  });
  switch (outcome.kind) {
    case 'not-started': {
      const reason =
        outcome.error.code === 'ENOENT' ? 'not found on PATH' : (outcome.error.code ?? 'failed');
      return { kind: 'failed', message: `credential helper ${program}: ${reason}` };
    }
    case 'timed-out':
      return {
        kind: 'failed',
        message: `credential helper ${program} gave no answer within ${options.timeoutMs} ms and was stopped`,
      };
    case 'too-much-output':
      return {
        kind: 'failed',
        message: `credential helper ${program} printed more than ${MAX_CREDENTIAL_OUTPUT_BYTES} bytes on ${outcome.stream} and was stopped`,
      };
    case 'exited':
      if (outcome.signal !== null)
        return {
          kind: 'failed',
          message: `credential helper ${program} was killed (${outcome.signal})`,
        };
      return {
        kind: 'exited',
        code: outcome.code ?? 1,
        stdout: outcome.stdout,
        stderr: outcome.stderr,
      };
  }
}
