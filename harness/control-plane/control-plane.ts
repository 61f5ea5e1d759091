// A real Kubernetes control plane for node:test suites, envtest-style: etcd + kube-apiserver
// (+ kube-controller-manager + kube-scheduler) built from their Go modules by
// hack/build-control-plane.sh, on free loopback ports with generated certificates, secure port
// only, RBAC authorization. Usage:
//
//   const cp = await startControlPlane();
//   after(() => cp.stop());
//
// Binaries missing → a clear error naming scripts/install-test-deps.sh.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { KubeAdminClient } from '../kubelet/kube-admin-client.ts';
import { locateControlPlaneBinaries, type ServerProcess } from './control-plane-processes.ts';
import {
  apiServerReady,
  startApiServer,
  startControllers,
  startEtcd,
} from './control-plane-servers.ts';
import {
  createDefaultServiceAccount,
  createNamespace,
  createUser,
  waitForDefaultServiceAccount,
  type TestUser,
  type UserAccess,
} from './control-plane-users.ts';
import { createControlPlanePki, type ControlPlanePki } from './pki-k8s.ts';
import { writeKubeconfig } from './test-kubeconfig.ts';

export type { TestUser, UserAccess } from './control-plane-users.ts';

export interface ControlPlaneOptions {
  /** Start kube-controller-manager and kube-scheduler too (default true). */
  readonly controllers?: boolean;
}

export interface ControlPlane {
  /** `https://127.0.0.1:PORT` */
  readonly server: string;
  /** Admin kubeconfig: client certificate with O=system:masters, CA data, no insecure skip. */
  readonly kubeconfigPath: string;
  readonly contextName: string;
  readonly caPem: string;
  readonly caFile: string;
  readonly dir: string;
  readonly controllers: boolean;
  /** Admin client for fixtures and for playing the kubelet. */
  readonly admin: KubeAdminClient;
  readonly pki: ControlPlanePki;
  /** Wall time from the call to a ready control plane. */
  readonly startupMs: number;
  /** A user with exactly this RBAC access and a kubeconfig of its own. */
  createUser(name: string, access: UserAccess): Promise<TestUser>;
  /** Creates the namespace and makes sure its `default` ServiceAccount exists. */
  createNamespace(name: string): Promise<void>;
  waitForDefaultServiceAccount(namespace: string, timeoutMs?: number): Promise<void>;
  /** Runs before the processes stop (e.g. stand-in kubelet heartbeats). */
  onStop(cleanup: () => void | Promise<void>): void;
  /** Stops only the API server (and the controllers), leaving a kubeconfig that points nowhere. */
  stopApiServer(): Promise<void>;
  stop(): Promise<void>;
}

export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const started = performance.now();
  const controllers = options.controllers ?? true;
  const bin = locateControlPlaneBinaries();
  const dir = await mkdtemp(join(tmpdir(), 'kube-fresh-control-plane-'));
  const servers: ServerProcess[] = [];
  const clients: KubeAdminClient[] = [];
  const stopAll = async (): Promise<void> => {
    for (const server of servers.splice(0).reverse()) await server.stop();
    for (const client of clients.splice(0)) client.close();
  };
  try {
    const pki = await createControlPlanePki(dir);
    const [etcd, adminCert] = await Promise.all([
      startEtcd(bin, dir),
      pki.issueClientCertificate('kube-fresh-admin', ['system:masters']),
    ]);
    servers.push(etcd.server);
    const clientFor = (port: number): KubeAdminClient => {
      const client = new KubeAdminClient({
        server: `https://127.0.0.1:${port}`,
        caPem: pki.caPem,
        ...adminCert,
      });
      clients.push(client);
      return client;
    };
    const api = await startApiServer(bin, dir, pki, etcd.url, (port) =>
      apiServerReady(clientFor(port)),
    );
    servers.push(api.server);
    const server = `https://127.0.0.1:${api.port}`;
    const admin = clientFor(api.port);
    const contextName = 'kube-fresh-test-admin';
    const kubeconfigPath = await writeKubeconfig(join(dir, 'admin.kubeconfig'), [
      { name: contextName, server, caPem: pki.caPem, credentials: adminCert },
    ]);
    if (controllers) servers.push(...(await startComponents(bin, dir, pki, server)));
    const plane = assemble({
      server,
      kubeconfigPath,
      contextName,
      pki,
      dir,
      controllers,
      admin,
      servers,
      stopAll,
    });
    // Ready means usable: Pods can be created in `default` (the ServiceAccount admission plugin
    // needs its `default` ServiceAccount, made by the controller-manager or by us).
    if (controllers) await plane.waitForDefaultServiceAccount('default', 60_000);
    else await createDefaultServiceAccount(admin, 'default');
    return { ...plane, startupMs: Math.round(performance.now() - started) };
  } catch (error) {
    await stopAll();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

async function startComponents(
  bin: string,
  dir: string,
  pki: ControlPlanePki,
  server: string,
): Promise<ServerProcess[]> {
  const [kcm, scheduler] = await Promise.all([
    pki.issueClientCertificate('system:kube-controller-manager'),
    pki.issueClientCertificate('system:kube-scheduler'),
  ]);
  const kubeconfig = (
    name: string,
    credentials: { certPem: string; keyPem: string },
  ): Promise<string> =>
    writeKubeconfig(join(dir, `${name}.kubeconfig`), [
      { name, server, caPem: pki.caPem, credentials },
    ]);
  return startControllers(bin, dir, pki, {
    controllerManager: await kubeconfig('controller-manager', kcm),
    scheduler: await kubeconfig('scheduler', scheduler),
  });
}

interface Parts {
  readonly server: string;
  readonly kubeconfigPath: string;
  readonly contextName: string;
  readonly pki: ControlPlanePki;
  readonly dir: string;
  readonly controllers: boolean;
  readonly admin: KubeAdminClient;
  readonly servers: ServerProcess[];
  readonly stopAll: () => Promise<void>;
}

function assemble(parts: Parts): Omit<ControlPlane, 'startupMs'> {
  const { admin, controllers, pki, dir } = parts;
  const cleanups: (() => void | Promise<void>)[] = [];
  let stopped: Promise<void> | undefined;
  const runCleanups = async (): Promise<void> => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  };
  return {
    server: parts.server,
    kubeconfigPath: parts.kubeconfigPath,
    contextName: parts.contextName,
    caPem: pki.caPem,
    caFile: pki.caFile,
    dir,
    controllers,
    admin,
    pki,
    createUser: (name, access) =>
      createUser({ admin, pki, server: parts.server, dir }, name, access),
    createNamespace: (name) => createNamespace(admin, name, controllers),
    waitForDefaultServiceAccount: (namespace, timeoutMs) =>
      waitForDefaultServiceAccount(admin, namespace, timeoutMs),
    onStop: (cleanup) => void cleanups.push(cleanup),
    stopApiServer: async () => {
      await runCleanups();
      for (const server of parts.servers.filter((s) => s.name !== 'etcd').reverse())
        await server.stop();
    },
    stop: () => {
      stopped ??= (async () => {
        await runCleanups();
        await parts.stopAll();
        if (process.env.KUBE_FRESH_KEEP_CONTROL_PLANE !== '1')
          await rm(dir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}
