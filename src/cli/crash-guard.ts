// The last line of defence behind main()'s error boundary: an exception thrown from a callback or
// a promise rejected with nobody listening would otherwise end Node with exit 1, which the CLI's
// contract reads as "found something". Any such crash exits 70 with a clear message instead.

import { ExitCode } from './io.ts';

interface CrashProcess {
  on(event: 'uncaughtException', listener: (error: unknown) => void): unknown;
  on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
  exit(code: number): never;
  readonly stderr: { write(text: string): unknown };
}

/** Installs handlers that turn any uncaught exception or unhandled rejection into exit 70. */
export function installCrashGuard(proc: CrashProcess): void {
  let reported = false;
  const crash = (what: string, error: unknown): void => {
    if (!reported) {
      reported = true;
      const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
      try {
        proc.stderr.write(
          `internal error (${what}): ${detail}\n` +
            'This is a bug in kube-fresh; please report it with the command you ran.\n',
        );
      } catch {
        // stderr itself is gone (a closed pipe): the exit code still tells.
      }
    }
    proc.exit(ExitCode.internal);
  };
  proc.on('uncaughtException', (error) => crash('uncaught exception', error));
  proc.on('unhandledRejection', (reason) => crash('unhandled rejection', reason));
}
