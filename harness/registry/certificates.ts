// Throwaway PKI for loopback TLS tests, made with the openssl CLI: a CA, a server certificate for
// 127.0.0.1/localhost signed by it, and a self-signed certificate for token signing.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestPki {
  readonly dir: string;
  readonly caCertFile: string;
  readonly caCertPem: string;
  readonly serverCertFile: string;
  readonly serverKeyFile: string;
  /** A second, unrelated CA: trusting it must not make the server certificate valid. */
  readonly otherCaCertFile: string;
  readonly tokenCertFile: string;
  readonly tokenKeyFile: string;
}

let shared: Promise<TestPki> | undefined;

/** One PKI per test process (certificate generation costs ~100 ms). */
export function testPki(): Promise<TestPki> {
  shared ??= makePki();
  return shared;
}

async function makePki(): Promise<TestPki> {
  const dir = await mkdtemp(join(tmpdir(), 'kube-fresh-pki-'));
  const f = (name: string): string => join(dir, name);
  const days = ['-days', '3'];
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.crt'),
    ...days,
    '-subj',
    '/CN=kube-fresh test CA',
  ]);
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    f('other-ca.key'),
    '-out',
    f('other-ca.crt'),
    ...days,
    '-subj',
    '/CN=kube-fresh other CA',
  ]);
  await run('openssl', [
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    f('server.key'),
    '-out',
    f('server.csr'),
    '-subj',
    '/CN=localhost',
  ]);
  await writeFile(
    f('server.ext'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n',
  );
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    f('server.csr'),
    '-CA',
    f('ca.crt'),
    '-CAkey',
    f('ca.key'),
    '-CAcreateserial',
    '-out',
    f('server.crt'),
    ...days,
    '-extfile',
    f('server.ext'),
  ]);
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    f('token.key'),
    '-out',
    f('token.crt'),
    ...days,
    '-subj',
    '/CN=kube-fresh test token issuer',
  ]);
  return {
    dir,
    caCertFile: f('ca.crt'),
    caCertPem: await readFile(f('ca.crt'), 'utf8'),
    serverCertFile: f('server.crt'),
    serverKeyFile: f('server.key'),
    otherCaCertFile: f('other-ca.crt'),
    tokenCertFile: f('token.crt'),
    tokenKeyFile: f('token.key'),
  };
}
