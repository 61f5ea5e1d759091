// A first-try serving certificate for the webhook, made with the openssl CLI (node:crypto cannot
// issue X.509 certificates): a CA and a server certificate it signs, ECDSA P-256, with every name
// in the SAN — the apiserver's Go TLS client ignores the CN and needs an IP SAN for an IP URL.
// Existing files are kept, so re-running `webhook manifests --cert-dir` prints the same caBundle.

import { execFile } from 'node:child_process';
import { access, chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EnvironmentError } from '../core/errors.ts';

const run = promisify(execFile);

export interface ServingCertFiles {
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly caPem: string;
  /** False when the files were already there. */
  readonly created: boolean;
}

/** Makes (or reuses) `ca.crt`, `tls.crt`, `tls.key` in `dir` for these host names / IPs. */
export async function ensureServingCert(
  dir: string,
  hosts: readonly string[],
  days = 365,
): Promise<ServingCertFiles> {
  const f = (name: string): string => join(dir, name);
  const files = { caFile: f('ca.crt'), certFile: f('tls.crt'), keyFile: f('tls.key') };
  const exists = await Promise.all(
    Object.values(files).map((p) =>
      access(p).then(
        () => true,
        () => false,
      ),
    ),
  );
  if (exists.every(Boolean)) {
    return { ...files, caPem: await readFile(files.caFile, 'utf8'), created: false };
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const san = hosts.map((h) => (isIP(h) === 0 ? `DNS:${h}` : `IP:${h}`)).join(',');
  try {
    await openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', f('ca.key')]);
    await openssl([
      'req',
      '-x509',
      '-new',
      '-key',
      f('ca.key'),
      '-out',
      files.caFile,
      '-days',
      String(days),
      '-subj',
      '/CN=kube-fresh webhook CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign',
    ]);
    await openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', files.keyFile]);
    await openssl([
      'req',
      '-new',
      '-key',
      files.keyFile,
      '-out',
      f('tls.csr'),
      '-subj',
      `/CN=${hosts[0] ?? 'kube-fresh-webhook'}`,
    ]);
    await writeFile(
      f('tls.ext'),
      `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n`,
    );
    await openssl([
      'x509',
      '-req',
      '-in',
      f('tls.csr'),
      '-CA',
      files.caFile,
      '-CAkey',
      f('ca.key'),
      '-CAcreateserial',
      '-out',
      files.certFile,
      '-days',
      String(days),
      '-extfile',
      f('tls.ext'),
    ]);
    await Promise.all([chmod(f('ca.key'), 0o600), chmod(files.keyFile, 0o600)]);
  } catch (error) {
    throw new EnvironmentError(`cannot generate the serving certificate in ${dir}`, {
      cause: error,
      hint: 'kube-fresh runs the openssl CLI for --cert-dir; install openssl or pass --ca-file',
    });
  }
  return { ...files, caPem: await readFile(files.caFile, 'utf8'), created: true };
}

async function openssl(args: readonly string[]): Promise<void> {
  await run('openssl', [...args], { timeout: 30_000 });
}
