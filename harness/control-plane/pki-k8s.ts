// Throwaway PKI for the test control plane, made with the openssl CLI: one CA that signs the
// apiserver's serving certificate and every client certificate (the apiserver's --client-ca-file
// is the same CA), plus the service-account signing key. ECDSA P-256 keeps generation at a few
// milliseconds per certificate, so every control plane and every test user gets its own.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];
const DAYS = ['-days', '2'];

export interface ClientCertificate {
  readonly certFile: string;
  readonly keyFile: string;
  readonly certPem: string;
  readonly keyPem: string;
}

export interface ControlPlanePki {
  readonly dir: string;
  readonly caFile: string;
  readonly caPem: string;
  readonly serverCertFile: string;
  readonly serverKeyFile: string;
  /** One EC key signs and verifies service-account tokens (apiserver and controller-manager). */
  readonly serviceAccountKeyFile: string;
  /** A client certificate for CN=user, O=groups (Kubernetes reads groups from O). */
  issueClientCertificate(user: string, groups?: readonly string[]): Promise<ClientCertificate>;
}

export async function createControlPlanePki(dir: string): Promise<ControlPlanePki> {
  const f = (name: string): string => join(dir, name);
  await openssl([
    'req',
    '-x509',
    '-new',
    '-nodes',
    ...EC_KEY,
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.crt'),
    ...DAYS,
    '-subj',
    '/CN=kube-fresh test control plane CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  const sign = (name: string, subject: string, extensions: string): Promise<void> =>
    signLeaf(dir, name, subject, extensions);
  await Promise.all([
    sign(
      'apiserver',
      '/CN=kube-apiserver',
      'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n' +
        'extendedKeyUsage=serverAuth\n' +
        'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,' +
        'DNS:kubernetes.default.svc,IP:10.0.0.1\n',
    ),
    openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', f('sa.key')]),
  ]);
  return {
    dir,
    caFile: f('ca.crt'),
    caPem: await readFile(f('ca.crt'), 'utf8'),
    serverCertFile: f('apiserver.crt'),
    serverKeyFile: f('apiserver.key'),
    serviceAccountKeyFile: f('sa.key'),
    issueClientCertificate: async (user, groups = []) => {
      const name = `client-${user.replace(/[^A-Za-z0-9._-]/g, '_')}-${randomBytes(3).toString('hex')}`;
      const subject = [...groups.map((g) => `/O=${g}`), `/CN=${user}`].join('');
      await sign(
        name,
        subject,
        'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n' +
          'extendedKeyUsage=clientAuth\n',
      );
      return {
        certFile: f(`${name}.crt`),
        keyFile: f(`${name}.key`),
        certPem: await readFile(f(`${name}.crt`), 'utf8'),
        keyPem: await readFile(f(`${name}.key`), 'utf8'),
      };
    },
  };
}

async function signLeaf(
  dir: string,
  name: string,
  subject: string,
  extensions: string,
): Promise<void> {
  const f = (suffix: string): string => join(dir, `${name}.${suffix}`);
  await openssl(
    ['req', '-new', '-nodes', ...EC_KEY, '-keyout', f('key'), '-out', f('csr')].concat([
      '-subj',
      subject,
    ]),
  );
  await writeFile(f('ext'), extensions);
  // -set_serial instead of -CAcreateserial: leaves are signed concurrently, and a shared serial
  // file would race.
  await openssl([
    'x509',
    '-req',
    '-in',
    f('csr'),
    '-CA',
    join(dir, 'ca.crt'),
    '-CAkey',
    join(dir, 'ca.key'),
    '-set_serial',
    `0x${randomBytes(8).toString('hex')}`,
    ...DAYS,
    '-sha256',
    '-extfile',
    f('ext'),
    '-out',
    f('crt'),
  ]);
}

async function openssl(args: readonly string[]): Promise<void> {
  try {
    await run('openssl', [...args]);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`openssl ${args[0] ?? ''} failed: ${stderr || String(error)}`, {
      cause: error,
    });
  }
}
