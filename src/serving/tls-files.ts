// Serving certificates that rotate on disk (cert-manager, a Secret volume's `..data` swap): the
// files are re-read on an interval and the server's secure context replaced when they change, so
// no restart is needed. A half-written or mismatched pair keeps the old context and is reported.

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import { InputError } from '../core/errors.ts';

export interface TlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

export interface LoadedTls {
  readonly options: SecureContextOptions;
  readonly fingerprint: string;
}

/** Reads and validates a certificate/key pair; throws an InputError naming the files. */
export async function loadTlsFiles(files: TlsFiles): Promise<LoadedTls> {
  let cert: Buffer;
  let key: Buffer;
  try {
    [cert, key] = await Promise.all([readFile(files.certFile), readFile(files.keyFile)]);
  } catch (error) {
    throw new InputError(`cannot read the TLS files ${files.certFile} / ${files.keyFile}`, {
      cause: error,
    });
  }
  const options = { cert, key };
  try {
    createSecureContext(options);
  } catch (error) {
    // The OpenSSL message names no key material, only what is wrong with the pair.
    const reason = error instanceof Error ? error.message : String(error);
    throw new InputError(
      `the TLS files ${files.certFile} / ${files.keyFile} are not a usable pair: ${reason}`,
    );
  }
  const fingerprint = createHash('sha256').update(cert).update(key).digest('hex');
  return { options, fingerprint };
}

export interface TlsReloader {
  stop(): void;
}

/** Calls `apply` with a new context whenever the pair on disk changes; `onError` on a bad pair. */
export function watchTlsFiles(
  files: TlsFiles,
  current: LoadedTls,
  hooks: { apply(tls: LoadedTls): void; onError(error: unknown): void; intervalMs?: number },
): TlsReloader {
  let fingerprint = current.fingerprint;
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    loadTlsFiles(files)
      .then((loaded) => {
        if (loaded.fingerprint === fingerprint) return;
        fingerprint = loaded.fingerprint;
        hooks.apply(loaded);
      })
      .catch((error: unknown) => hooks.onError(error))
      .finally(() => {
        busy = false;
      });
  }, hooks.intervalMs ?? 10_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
