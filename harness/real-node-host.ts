// What a real-node run may leave on the host, checked independently of hack/node/cluster-down.sh
// (which checks itself): processes, mounts, cgroups, CNI bridges and results, node IPs on lo, the
// work dir, and the kernel tunables the kubelet rewrites on start.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The tunables `setupKernelTunables` writes (pkg/kubelet/cm/container_manager_linux.go). */
const KUBELET_TUNABLES = [
  'vm/overcommit_memory',
  'vm/panic_on_oom',
  'kernel/panic',
  'kernel/panic_on_oops',
  'kernel/keys/root_maxkeys',
  'kernel/keys/root_maxbytes',
];

/** Where hack/node/lib.sh keeps its host-wide state (claims, the shared tunables record). */
function hostStateDir(): string {
  return process.env.KF_HOST_STATE_DIR ?? '/run/kube-fresh-node';
}

/** Real-node clusters registered as live users of the kernel tunables (lib.sh kf_sysctl_acquire). */
export function otherClustersRunning(): number {
  const dir = join(hostStateDir(), 'sysctl-users');
  return existsSync(dir) ? readdirSync(dir).length : 0;
}

export function readKernelTunables(): { values: Map<string, string>; othersRunning: boolean } {
  const values = new Map(
    KUBELET_TUNABLES.map((t) => [t, readFileSync(`/proc/sys/${t}`, 'utf8').trim()] as const),
  );
  return { values, othersRunning: otherClustersRunning() > 0 };
}

export interface HostLeftovers {
  /** Empty when the host is clean. */
  readonly problems: readonly string[];
  /** Checks that could not be made, and why. */
  readonly skipped: readonly string[];
}

export interface LeftoverQuery {
  readonly work: string;
  readonly runId: string;
  readonly nodeIpPrefix: string;
  readonly tunablesBefore: ReadonlyMap<string, string> | undefined;
}

export function findHostLeftovers(query: LeftoverQuery): HostLeftovers {
  const problems: string[] = [];
  const skipped: string[] = [];
  const { work, runId } = query;
  const processes = processesNaming(`${work}/`);
  if (processes.length > 0) problems.push(`processes naming ${work}: ${processes.join(', ')}`);
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((mountPoint) => mountPoint === work || mountPoint.startsWith(`${work}/`));
  if (mounts.length > 0) problems.push(`mounts under ${work}: ${mounts.join(', ')}`);
  const cgroups = cgroupRoots().flatMap((root) =>
    readdirSync(root)
      .filter((name) => name.startsWith(`kubefresh-${runId}-`))
      .map((name) => join(root, name)),
  );
  if (cgroups.length > 0) problems.push(`cgroups: ${cgroups.join(', ')}`);
  const bridges = readdirSync('/sys/class/net').filter((name) => name.startsWith(`kf${runId}n`));
  if (bridges.length > 0) problems.push(`network interfaces: ${bridges.join(', ')}`);
  const results = '/var/lib/cni/results';
  const cni = existsSync(results)
    ? readdirSync(results).filter((name) => name.startsWith(`kf-${runId}-`))
    : [];
  if (cni.length > 0) problems.push(`CNI results: ${cni.join(', ')}`);
  const lo = spawnSync('ip', ['-o', '-4', 'addr', 'show', 'dev', 'lo'], { encoding: 'utf8' });
  const addresses = lo.stdout
    .split('\n')
    .filter((line) => query.nodeIpPrefix !== '' && line.includes(` inet ${query.nodeIpPrefix}.`));
  if (addresses.length > 0) problems.push(`addresses on lo: ${addresses.join('; ')}`);
  if (existsSync(work) && process.env.KF_KEEP !== '1')
    problems.push(`work dir ${work} still there`);
  problems.push(...tunableChanges(query.tunablesBefore, skipped));
  return { problems, skipped };
}

function tunableChanges(
  before: ReadonlyMap<string, string> | undefined,
  skipped: string[],
): string[] {
  const others = otherClustersRunning();
  if (before === undefined || others > 0) {
    // Another cluster's kubelet owns the values until the last cluster stops (lib.sh).
    skipped.push('kernel tunables: another real-node cluster was running');
    return [];
  }
  const now = readKernelTunables().values;
  return [...before]
    .filter(([key, value]) => now.get(key) !== value)
    .map(
      ([key, value]) =>
        `kernel tunable ${key.replaceAll('/', '.')} is ${now.get(key)}, was ${value}`,
    );
}

/** /sys/fs/cgroup itself (v2) or each v1 hierarchy (not the cpu → cpu,cpuacct symlinks). */
function cgroupRoots(): string[] {
  const base = '/sys/fs/cgroup';
  if (existsSync(join(base, 'cgroup.controllers'))) return [base];
  return readdirSync(base)
    .map((name) => join(base, name))
    .filter((dir) => !lstatSync(dir).isSymbolicLink() && existsSync(join(dir, 'cgroup.procs')))
    .filter((dir) => !dir.endsWith('/unified'));
}

function processesNaming(text: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    if (Number(pid) === process.pid) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
    } catch {
      continue; // exited meanwhile
    }
    if (cmdline.includes(text)) found.push(`${pid} (${cmdline.slice(0, 120).trim()})`);
  }
  return found;
}
