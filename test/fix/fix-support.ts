// Shared steps for the live `fix` tests: a real control plane (with controllers, so Deployments
// roll), a real registry, stand-in kubelets (test/status/story.ts), workload fixtures, and the
// kubelet's part in deleting Pods (without a kubelet, a deleted Pod stays Terminating forever),
// and the CLI run in-process with a terminal, to answer its prompt.
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.ts';
import { waitUntil } from '../../harness/control-plane/control-plane-processes.ts';
import { startControlPlane, type ControlPlane } from '../../harness/control-plane/control-plane.ts';
import { isApiStatus } from '../../harness/kubelet/kube-admin-client.ts';
import { startRegistry, type TestRegistry } from '../../harness/registry/registry.ts';
import { runCli, type CliResult } from '../support/run-cli.ts';
import { tellStory, type Story } from '../status/story.ts';

export interface FixWorld {
  readonly cp: ControlPlane;
  readonly registry: TestRegistry;
  readonly story: Story;
  /** Runs the built `kube-fresh fix` with the admin kubeconfig (or `kubeconfig`). */
  fix(args: readonly string[], kubeconfig?: string): Promise<CliResult>;
  status(namespace: string, ...args: string[]): Promise<StatusJson>;
  stop(): Promise<void>;
}

export interface StatusJson {
  workloads: Array<{
    workload: { kind: string; name: string };
    container: string;
    image: string;
    verdict: string;
  }>;
}

export async function startFixWorld(nodes: readonly string[]): Promise<FixWorld> {
  const [cp, registry] = await Promise.all([startControlPlane(), startRegistry('plain')]);
  const story = tellStory(cp, registry);
  for (const node of nodes) await story.addNode(node);
  // HOME without a docker config: the registry is anonymous, as the Pods see it.
  const env = { HOME: '/nonexistent' };
  return {
    cp,
    registry,
    story,
    fix: (args, kubeconfig = cp.kubeconfigPath) =>
      runCli(['fix', '--kubeconfig', kubeconfig, ...args], { env }),
    status: async (namespace, ...args) => {
      const result = await runCli(
        ['status', '--kubeconfig', cp.kubeconfigPath, '-n', namespace, '-o', 'json', ...args],
        { env },
      );
      if (result.code !== 0) throw new Error(`status failed: ${result.stderr}`);
      return JSON.parse(result.stdout) as StatusJson;
    },
    stop: async () => {
      await registry.pusher.close();
      await Promise.all([cp.stop(), registry.stop()]);
    },
  };
}

export interface PodTemplateOptions {
  readonly pullPolicy?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

export function podTemplate(app: string, image: string, options: PodTemplateOptions = {}): unknown {
  return {
    metadata: { labels: { app } },
    spec: {
      terminationGracePeriodSeconds: 0,
      containers: [
        {
          name: 'app',
          image,
          ...(options.pullPolicy === undefined ? {} : { imagePullPolicy: options.pullPolicy }),
        },
      ],
    },
  };
}

export function deployment(
  name: string,
  image: string,
  replicas: number,
  options: PodTemplateOptions = {},
): unknown {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: options.labels, annotations: options.annotations },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: podTemplate(name, image, options),
    },
  };
}

export type Workload = Record<string, unknown> & {
  metadata: {
    resourceVersion: string;
    /** Bumped by spec changes only (status writes by controllers leave it alone). */
    generation: number;
    uid: string;
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
  };
  spec: Record<string, unknown> & {
    replicas?: number;
    template?: PodTemplate;
    jobTemplate?: { spec: { template: PodTemplate } };
  };
};

export interface PodTemplate {
  metadata?: { annotations?: Record<string, string> };
  spec: { containers: Array<{ name: string; image: string; imagePullPolicy?: string }> };
}

/** The first container of the object's Pod template. */
export function templateContainer(object: Workload): { image: string; imagePullPolicy?: string } {
  const template = object.spec.template ?? object.spec.jobTemplate?.spec.template;
  const container = template?.spec.containers[0];
  if (container === undefined) throw new Error('no template container');
  return container;
}

export interface EventJson {
  reason: string;
  message: string;
  type: string;
  involvedObject: { kind: string; name: string; uid: string };
  source?: { component?: string };
  reportingComponent?: string;
}

export async function eventsAbout(
  cp: ControlPlane,
  namespace: string,
  name: string,
): Promise<EventJson[]> {
  const events = await cp.admin.listAll<EventJson>(`/api/v1/namespaces/${namespace}/events`);
  return events.filter(
    (e) => e.involvedObject.name === name && e.source?.component === 'kube-fresh',
  );
}

/** The kubelet's half of a Pod deletion: a Pod marked for deletion goes away now. */
export async function finishTerminatingPods(cp: ControlPlane, namespace: string): Promise<number> {
  const pods = await cp.admin.listAll<{ metadata: { name: string; deletionTimestamp?: string } }>(
    `/api/v1/namespaces/${namespace}/pods`,
  );
  let finished = 0;
  for (const pod of pods.filter((p) => p.metadata.deletionTimestamp !== undefined)) {
    try {
      // As a query parameter: a DELETE body left the admin client's keep-alive socket unusable.
      await cp.admin.delete(
        `/api/v1/namespaces/${namespace}/pods/${pod.metadata.name}?gracePeriodSeconds=0`,
      );
      finished++;
    } catch (error) {
      if (!isApiStatus(error, 404)) throw error;
    }
  }
  return finished;
}

/**
 * Plays the kubelets through a rollout: starts every new Pod of the namespace and finishes the
 * deleted ones, until `done` holds.
 */
export async function driveRollout(
  world: FixWorld,
  namespace: string,
  done: () => Promise<boolean>,
): Promise<void> {
  await waitUntil(
    `the rollout in ${namespace}`,
    async () => {
      await world.story.runScheduledPods(namespace, 0);
      await finishTerminatingPods(world.cp, namespace);
      return done();
    },
    { timeoutMs: 30_000, intervalMs: 150 },
  );
}

/** An output stream that keeps what was written. */
export function sink(isTTY = false): {
  write(chunk: string): boolean;
  isTTY: boolean;
  text: string;
} {
  return {
    isTTY,
    text: '',
    write(chunk: string) {
      this.text += chunk;
      return true;
    },
  };
}

/** The CLI in-process with a terminal on stdin and stderr, answering the prompt with `answer`. */
export async function runInTerminal(
  args: readonly string[],
  answer: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdin = Object.assign(new PassThrough(), { isTTY: true });
  stdin.end(answer);
  const stdout = sink();
  const stderr = sink(true);
  const code = await main(args, {
    stdin,
    stdout,
    stderr,
    env: { HOME: '/nonexistent', NO_COLOR: '1' },
    programName: 'kube-fresh',
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}
