// Real nodes for `kube-fresh lab --real-nodes` and the end-to-end tests: drives the scripts in
// hack/node/ (cluster-up.sh, images.sh, restart-kubelet.sh, cluster-down.sh), which start etcd,
// kube-apiserver, kube-controller-manager, kube-scheduler, a loopback registry and N nodes made
// of Debian's containerd + runc and the kubelet built from k8s.io/kubernetes. The daemons run
// detached (setsid) so that the scripts can be used from a shell too; that is why teardown must
// never be skipped: stop() in a finally/after(), and a synchronous cluster-down.sh when the
// process exits or is interrupted before that happened.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KubeAdminClient } from './kubelet/kube-admin-client.ts';
import { readKernelTunables, type HostLeftovers, findHostLeftovers } from './real-node-host.ts';
import { runScript, stopScriptsSync, type ScriptResult } from './real-node-scripts.ts';

/** hack/node/ of the checkout this file belongs to (harness/ sits at the top of the checkout). */
export const HACK_NODE_DIR = fileURLToPath(new URL('../hack/node/', import.meta.url));

export interface RealNodePreflight {
  readonly available: boolean;
  /** Why real nodes cannot run here (empty when available). */
  readonly reasons: readonly string[];
  readonly warnings: readonly string[];
}

/** Runs hack/node/preflight.sh: can containerd + a kubelet run Pods on this machine? (~0.2 s) */
export async function realNodePreflight(): Promise<RealNodePreflight> {
  const script = join(HACK_NODE_DIR, 'preflight.sh');
  if (!existsSync(script))
    return {
      available: false,
      reasons: [`${script} is missing: real nodes run from a kube-fresh checkout`],
      warnings: [],
    };
  // The plain output, not --json: the JSON form needs jq, which may be one of the missing tools.
  const result = await runScript(script, [], { timeoutMs: 60_000 });
  const verdict = result.stdout.trim().split('\n').at(-1) ?? '';
  const warnings = result.stderr
    .split('\n')
    .filter((line) => line.startsWith('warning: '))
    .map((line) => line.slice('warning: '.length));
  if (result.code === 0 && verdict === 'real-node: available')
    return { available: true, reasons: [], warnings };
  const listed = /^real-node: unavailable: (.*)$/.exec(verdict)?.[1];
  const reasons =
    listed === undefined
      ? [
          `preflight.sh exited ${result.code}: ${(result.stderr || result.stdout).trim().slice(-500)}`,
        ]
      : listed.split(';').filter((reason) => reason !== '');
  return { available: false, reasons, warnings };
}

export interface RealNode {
  readonly name: string;
  readonly dir: string;
  readonly ip: string;
  readonly containerdSocket: string;
}

export interface StartOptions {
  /** 1–9 nodes, kf-node-1 … (default 1). */
  readonly nodes?: number;
  /** Deadline for cluster-up.sh (default 240 s: about 10 s normally, more on a loaded machine). */
  readonly timeoutMs?: number;
  /** Receives cluster-up.sh's progress lines (stderr) as they come. */
  readonly onLog?: (line: string) => void;
}

export interface StopResult {
  readonly code: number | null;
  readonly output: string;
  readonly seconds: number;
}

/** The test images in the OCI layout hack/node/images.sh builds (busybox + /version vN). */
type LayoutRef = 'app-v1' | 'app-v2' | 'app-v3';

/** Started and not yet stopped: what the exit hooks tear down. */
const live = new Set<RealNodeCluster>();

export class RealNodeCluster {
  readonly admin: KubeAdminClient;
  #stopping: Promise<StopResult> | undefined;

  private constructor(
    readonly env: Readonly<Record<string, string>>,
    readonly nodes: readonly RealNode[],
    /** Kernel tunables before the start, when no other real-node cluster was running then. */
    readonly tunablesBefore: ReadonlyMap<string, string> | undefined,
  ) {
    const pki = env.KF_PKI ?? '';
    this.admin = new KubeAdminClient({
      server: this.apiServer,
      caPem: readFileSync(join(pki, 'ca.crt'), 'utf8'),
      certPem: readFileSync(join(pki, 'admin.crt'), 'utf8'),
      keyPem: readFileSync(join(pki, 'admin.key'), 'utf8'),
    });
  }

  /** Runs hack/node/cluster-up.sh and waits until every node is Ready. */
  static async start(options: StartOptions = {}): Promise<RealNodeCluster> {
    const tunablesBefore = readKernelTunables();
    const result = await runScript(join(HACK_NODE_DIR, 'cluster-up.sh'), [], {
      env: { KF_NODES: String(options.nodes ?? 1) },
      timeoutMs: options.timeoutMs ?? 240_000,
      onInterrupt: 'terminate',
      ...(options.onLog === undefined ? {} : { onStderrLine: options.onLog }),
    });
    const envFile = result.stdout.trim().split('\n').at(-1) ?? '';
    if (result.code !== 0 || !envFile.endsWith('/cluster.env')) {
      // cluster-up.sh tears down on failure itself; a timeout killed it with SIGTERM, which it
      // also traps. Its work dir is named in its log in case neither happened.
      const work = /work dir (\/\S+)/.exec(result.stderr)?.[1];
      if (work !== undefined && existsSync(work))
        await runScript(join(HACK_NODE_DIR, 'cluster-down.sh'), [work], {
          timeoutMs: 300_000,
          onInterrupt: 'finish',
        });
      throw new Error(
        `hack/node/cluster-up.sh ${result.timedOut ? 'timed out' : `exited ${result.code}`}:\n${tail(result.stderr, 40)}`,
      );
    }
    try {
      const env = readEnvFile(join(dirname(envFile), 'cluster.json'));
      const nodes = (env.KF_NODES ?? '')
        .split(' ')
        .filter((n) => n !== '')
        .map((name, i) => readNode(env.KF_WORK ?? '', name, i + 1));
      const cluster = new RealNodeCluster(
        env,
        nodes,
        tunablesBefore.othersRunning ? undefined : tunablesBefore.values,
      );
      live.add(cluster);
      return cluster;
    } catch (error) {
      // The cluster runs, but this process cannot use it: it must not outlive the error.
      await runScript(join(HACK_NODE_DIR, 'cluster-down.sh'), [dirname(envFile)], {
        timeoutMs: 300_000,
        onInterrupt: 'finish',
      });
      throw error;
    }
  }

  get work(): string {
    return this.env.KF_WORK ?? '';
  }
  get runId(): string {
    return this.env.KF_RUN_ID ?? '';
  }
  get kubeconfigPath(): string {
    return this.env.KUBECONFIG ?? '';
  }
  get apiServer(): string {
    return this.env.KF_API_SERVER ?? '';
  }
  /** `127.0.0.1:PORT`, plain HTTP. */
  get registry(): string {
    return this.env.KF_REGISTRY ?? '';
  }
  get upSeconds(): number {
    return Number(this.env.KF_UP_SECONDS);
  }
  get k8sVersion(): string {
    return this.env.KF_K8S_VERSION ?? '';
  }

  node(name: string): RealNode {
    const node = this.nodes.find((n) => n.name === name);
    if (node === undefined)
      throw new Error(`no node ${name} in ${this.nodes.map((n) => n.name).join(', ')}`);
    return node;
  }

  /**
   * Pushes one of the deterministic test images (hack/node/images.sh: busybox + /version) to
   * `dest` (`REGISTRY/repo:tag`), moving the tag if it existed. Returns the manifest digest.
   */
  async pushImage(ref: LayoutRef, dest: string): Promise<string> {
    const result = await runScript(
      this.env.KF_IMAGES_SH ?? join(HACK_NODE_DIR, 'images.sh'),
      ['push', this.env.KF_IMAGE_LAYOUT ?? '', ref, dest],
      { timeoutMs: 60_000 },
    );
    const digest = result.stdout.trim().split('\n').at(-1) ?? '';
    if (result.code !== 0 || !/^sha256:[0-9a-f]{64}$/.test(digest))
      throw new Error(
        `images.sh push ${ref} ${dest} failed (${result.code}): ${tail(result.stderr, 10)}`,
      );
    return digest;
  }

  /** The config digest (containerd's image id) of `repository@digest` in the test registry. */
  async configDigest(repository: string, digest: string): Promise<string> {
    const manifest = await httpGetJson(
      `http://${this.registry}/v2/${repository}/manifests/${digest}`,
      'application/vnd.oci.image.manifest.v1+json',
    );
    const config = (manifest as { config?: { digest?: unknown } }).config?.digest;
    if (typeof config !== 'string') throw new Error(`${repository}@${digest} has no config digest`);
    return config;
  }

  /** Restarts one node's kubelet with the same command line (hack/node/restart-kubelet.sh). */
  async restartKubelet(name: string): Promise<void> {
    const result = await runScript(
      join(HACK_NODE_DIR, 'restart-kubelet.sh'),
      [this.node(name).dir],
      {
        timeoutMs: 90_000,
      },
    );
    if (result.code !== 0)
      throw new Error(`restart-kubelet.sh ${name} failed: ${tail(result.stderr, 10)}`);
  }

  /** What containerd on the node has under each image name (`ctr -n k8s.io images ls`). */
  async containerdImages(name: string): Promise<Array<{ ref: string; digest: string }>> {
    const result = await runScript(
      'ctr',
      ['-a', this.node(name).containerdSocket, '-n', 'k8s.io', 'images', 'ls'],
      { timeoutMs: 30_000 },
    );
    if (result.code !== 0) throw new Error(`ctr images ls on ${name} failed: ${result.stderr}`);
    return result.stdout
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(/\s+/))
      .map(([ref = '', , digest = '']) => ({ ref, digest }));
  }

  /** Runs hack/node/cluster-down.sh once (later calls share the first one's result). */
  stop(): Promise<StopResult> {
    this.#stopping ??= (async () => {
      const started = performance.now();
      this.admin.close();
      const result = await runScript(join(HACK_NODE_DIR, 'cluster-down.sh'), [this.work], {
        timeoutMs: 300_000,
        onInterrupt: 'finish',
      });
      live.delete(this);
      const seconds = (performance.now() - started) / 1000;
      return { code: result.code, output: result.stdout + result.stderr, seconds };
    })();
    return this.#stopping;
  }

  /** An independent check, after stop(), that the run left nothing on the host. */
  leftovers(): HostLeftovers {
    return findHostLeftovers({
      work: this.work,
      runId: this.runId,
      nodeIpPrefix: this.env.KF_NODE_IP_PREFIX ?? '',
      tunablesBefore: this.tunablesBefore,
    });
  }

  /** Synchronous teardown for process exit paths, where nothing asynchronous runs any more. */
  stopSync(): void {
    // A stop() in progress ran cluster-down.sh already; stopScriptsSync waited for it.
    if (this.#stopping !== undefined) return;
    live.delete(this);
    spawnSync('bash', [join(HACK_NODE_DIR, 'cluster-down.sh'), this.work], {
      stdio: ['ignore', 'ignore', 'inherit'],
      timeout: 300_000,
    });
  }
}

/**
 * Tears down, synchronously, every cluster whose owner never reached stop() (an uncaught error,
 * process.exit, Ctrl-C, a test runner's SIGTERM): the daemons run in their own sessions, so
 * nothing else would stop them, and they would leave mounts, cgroups and lo addresses behind.
 * The process owner (scripts/lab.ts, test/support/real-nodes.ts) calls it from its exit and
 * signal handlers; `interrupted` also ends a cluster-up.sh in progress (a cluster-down.sh is let
 * finish).
 */
export function stopRealNodeClustersSync(interrupted: boolean): void {
  if (interrupted) stopScriptsSync(300);
  for (const cluster of [...live]) cluster.stopSync();
}

function readEnvFile(jsonPath: string): Record<string, string> {
  const parsed = JSON.parse(readFileSync(jsonPath, 'utf8')) as unknown;
  if (typeof parsed !== 'object' || parsed === null)
    throw new Error(`${jsonPath} is not an object`);
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed))
    if (typeof value === 'string') env[key] = value;
  for (const key of [
    'KF_WORK',
    'KF_RUN_ID',
    'KUBECONFIG',
    'KF_API_SERVER',
    'KF_PKI',
    'KF_REGISTRY',
    'KF_NODES',
  ])
    if (!env[key]) throw new Error(`${jsonPath} has no ${key}`);
  return env;
}

function readNode(work: string, name: string, index: number): RealNode {
  const dir = join(work, 'nodes', `n${index}`);
  const env: Record<string, string> = {};
  for (const line of readFileSync(join(dir, 'node.env'), 'utf8').split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (match?.[1] !== undefined) env[match[1]] = match[2] ?? '';
  }
  if (env.KF_NODE_NAME !== name)
    throw new Error(`${dir}/node.env names ${env.KF_NODE_NAME}, not ${name}`);
  return {
    name,
    dir,
    ip: env.KF_NODE_IP ?? '',
    containerdSocket: env.KF_NODE_CONTAINERD_SOCK ?? '',
  };
}

function httpGetJson(url: string, accept: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { accept }, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200)
          reject(new Error(`GET ${url}: HTTP ${res.statusCode}: ${text}`));
        else resolve(JSON.parse(text));
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url}: no answer in 10 s`)));
    req.on('error', reject);
    req.end();
  });
}

function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

export type { HostLeftovers, ScriptResult };
