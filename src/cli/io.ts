// The process surface the CLI may touch, passed in so tests can run commands in-process.

export interface OutputStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
  /** The terminal's width, when it is one: `--help` is wrapped to it (80 otherwise). */
  readonly columns?: number | undefined;
}

/** What a confirmation prompt reads from. */
export interface InputStream extends NodeJS.ReadableStream {
  readonly isTTY?: boolean;
}

export interface CliIo {
  /** Only `fix` reads it (its confirmation prompt); absent in most in-process tests. */
  readonly stdin?: InputStream;
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The name the user typed: `kube-fresh`, or `kubectl fresh` when run as a kubectl plugin. */
  readonly programName: string;
}

/** Exit codes shared by every command. */
export const ExitCode = {
  ok: 0,
  /** The command worked and found something: an invalid reference, a stale Pod, a failed lookup. */
  findings: 1,
  /** The command line or the input files are wrong. */
  usage: 2,
  /** The environment is not usable: unreachable API server, missing tool. */
  environment: 3,
  /** A bug in kube-fresh. */
  internal: 70,
} as const;
