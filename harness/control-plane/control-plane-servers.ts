// Starting etcd and the Kubernetes control-plane servers with the flags the smoke test proved
// (hack/control-plane/README.md, recipe §2–§3), on free loopback ports, retrying when another
// test wins a port between picking and binding it.
import { join } from 'node:path';
import type { KubeAdminClient } from '../kubelet/kube-admin-client.ts';
import type { ControlPlanePki } from './pki-k8s.ts';
import {
  freePort,
  lostPortRace,
  startServer,
  waitUntil,
  type ServerProcess,
} from './control-plane-processes.ts';

const PORT_ATTEMPTS = 4;
export const SERVICE_CIDR = '10.0.0.0/24';

export async function startEtcd(
  bin: string,
  dir: string,
): Promise<{ server: ServerProcess; url: string }> {
  for (let attempt = 1; ; attempt++) {
    const [client, peer] = [await freePort(), await freePort()];
    const url = `http://127.0.0.1:${client}`;
    const peerUrl = `http://127.0.0.1:${peer}`;
    const server = await startServer(
      'etcd',
      join(bin, 'etcd'),
      [
        '--name=default',
        `--data-dir=${join(dir, 'etcd-data')}`,
        `--listen-client-urls=${url}`,
        `--advertise-client-urls=${url}`,
        `--listen-peer-urls=${peerUrl}`,
        `--initial-advertise-peer-urls=${peerUrl}`,
        `--initial-cluster=default=${peerUrl}`,
        '--unsafe-no-fsync=true',
        '--log-level=warn',
      ],
      dir,
    );
    try {
      await waitUntil('etcd /health', () => httpOk(`${url}/health`), { timeoutMs: 30_000, server });
      return { server, url };
    } catch (error) {
      if (attempt < PORT_ATTEMPTS && (await lostPortRace(server))) continue;
      await server.stop();
      throw error;
    }
  }
}

export async function startApiServer(
  bin: string,
  dir: string,
  pki: ControlPlanePki,
  etcdUrl: string,
  probe: (port: number) => Promise<boolean>,
): Promise<{ server: ServerProcess; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const server = await startServer(
      'kube-apiserver',
      join(bin, 'kube-apiserver'),
      [
        `--etcd-servers=${etcdUrl}`,
        '--bind-address=127.0.0.1',
        `--secure-port=${port}`,
        `--cert-dir=${join(dir, 'apiserver-certs')}`,
        `--tls-cert-file=${pki.serverCertFile}`,
        `--tls-private-key-file=${pki.serverKeyFile}`,
        `--client-ca-file=${pki.caFile}`,
        // RBAC only: later issues test kube-fresh's own RBAC manifests with restricted users.
        '--authorization-mode=RBAC',
        `--service-cluster-ip-range=${SERVICE_CIDR}`,
        '--allow-privileged=true',
        // The advertised address is 127.0.0.1, which the `kubernetes` Endpoints may not hold.
        '--endpoint-reconciler-type=none',
        '--service-account-issuer=https://kubernetes.default.svc',
        `--service-account-key-file=${pki.serviceAccountKeyFile}`,
        `--service-account-signing-key-file=${pki.serviceAccountKeyFile}`,
        '--profiling=false',
      ],
      dir,
    );
    try {
      await waitUntil('kube-apiserver /readyz', () => probe(port), { timeoutMs: 90_000, server });
      return { server, port };
    } catch (error) {
      if (attempt < PORT_ATTEMPTS && (await lostPortRace(server))) continue;
      await server.stop();
      throw error;
    }
  }
}

/**
 * kube-controller-manager and kube-scheduler with their own identities, so the bootstrap RBAC
 * roles are exercised. `--secure-port=0`: neither serves HTTPS, which saves generating their
 * self-signed certificates and two ports; readiness shows in the API (the `default`
 * ServiceAccount appears, Pods get bound).
 */
export async function startControllers(
  bin: string,
  dir: string,
  pki: ControlPlanePki,
  kubeconfigs: { controllerManager: string; scheduler: string },
): Promise<ServerProcess[]> {
  // A higher client-side budget than the defaults (20 QPS, burst 30) shortens start-up: the
  // controller-manager builds ~40 controllers, each with discovery and informer requests.
  const common = [
    '--leader-elect=false',
    '--secure-port=0',
    '--profiling=false',
    '--kube-api-qps=200',
    '--kube-api-burst=400',
  ];
  return Promise.all([
    startServer(
      'kube-controller-manager',
      join(bin, 'kube-controller-manager'),
      [
        `--kubeconfig=${kubeconfigs.controllerManager}`,
        '--use-service-account-credentials=true',
        `--service-account-private-key-file=${pki.serviceAccountKeyFile}`,
        `--root-ca-file=${pki.caFile}`,
        `--service-cluster-ip-range=${SERVICE_CIDR}`,
        ...common,
      ],
      dir,
    ),
    startServer(
      'kube-scheduler',
      join(bin, 'kube-scheduler'),
      [`--kubeconfig=${kubeconfigs.scheduler}`, ...common],
      dir,
    ),
  ]);
}

/** `/readyz` through the admin client (TLS verified against the generated CA). */
export function apiServerReady(admin: KubeAdminClient): Promise<boolean> {
  return admin.get<unknown>('/readyz').then((body) => body === 'ok');
}

async function httpOk(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  return response.ok;
}
