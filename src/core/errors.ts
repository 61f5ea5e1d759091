// The few error classes kube-fresh throws. Expected outcomes (an invalid reference, a stale Pod, a
// registry that said 404) are values, not exceptions; these are for "cannot go on". Each process
// turns them into an exit code or a response at exactly one boundary (cli/main.ts for the CLI).

export type ErrorKind = 'usage' | 'input' | 'environment' | 'internal';

export abstract class KubeFreshError extends Error {
  abstract readonly kind: ErrorKind;
  /** Optional one-line advice shown after the message. */
  readonly hint: string | undefined;

  constructor(message: string, options?: { cause?: unknown; hint?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options?.hint;
  }
}

/** The command line itself is wrong: unknown flag, missing argument, bad flag value. */
export class UsageError extends KubeFreshError {
  readonly kind = 'usage';
}

/** Input the user pointed us at cannot be read or parsed: a file, YAML, a kubeconfig. */
export class InputError extends KubeFreshError {
  readonly kind = 'input';
}

/** Something outside kube-fresh is not usable: an unreachable API server, a missing tool. */
export class EnvironmentError extends KubeFreshError {
  readonly kind = 'environment';
}

/** A bug in kube-fresh. */
export class InternalError extends KubeFreshError {
  readonly kind = 'internal';
}
