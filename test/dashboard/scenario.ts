// The dashboard's scenario on a real control plane and a real registry, with stand-in kubelets:
// shop/web mixed (two replicas on the old digest, one on the new), shop/api stale, shop/cart
// fresh until its tag moves. Shared by the browser test and `npm run screenshots`; `kube-fresh ui`
// runs against it as a real process.
import { spawn, type ChildProcess } from 'node:child_process';
import { startControlPlane, type ControlPlane } from '../../harness/control-plane/control-plane.ts';
import { BUILT_BIN } from '../support/run-cli.ts';
import { startRegistry, type TestRegistry } from '../../harness/registry/registry.ts';
import { spreadDeployment, tellStory, type Story } from '../status/story.ts';

export const NS = 'shop';

export interface Scenario {
  readonly cp: ControlPlane;
  readonly registry: TestRegistry;
  readonly story: Story;
  /** Moves shop/cart:latest to a new digest (the picture shows it after a refresh). */
  moveCartTag(): Promise<string>;
  stop(): Promise<void>;
}

export async function startScenario(): Promise<Scenario> {
  const [cp, registry] = await Promise.all([startControlPlane(), startRegistry('plain')]);
  try {
    const story = tellStory(cp, registry);
    await cp.createNamespace(NS);
    await story.addNode('node-a');
    await story.addNode('node-b');
    const deploy = (name: string, tag: string, replicas: number): Promise<unknown> =>
      cp.admin.create(
        `/apis/apps/v1/namespaces/${NS}/deployments`,
        spreadDeployment(NS, name, `${registry.host}/shop/${name}:${tag}`, replicas),
      );
    await story.push('shop/web', 'stable');
    await story.push('shop/api', '1.0');
    await story.push('shop/cart', 'latest');
    await deploy('web', 'stable', 2);
    await story.runScheduledPods(NS, 2);
    await deploy('api', '1.0', 1);
    await story.runScheduledPods(NS, 3);
    await deploy('cart', 'latest', 1);
    await story.runScheduledPods(NS, 4);
    await story.push('shop/web', 'stable'); // web's tag moves
    await story.push('shop/api', '1.0'); // api's tag moves: its one replica is stale
    await story.addNode('node-c');
    await cp.admin.patch(`/apis/apps/v1/namespaces/${NS}/deployments/web`, {
      spec: { replicas: 3 },
    });
    await story.runScheduledPods(NS, 5); // web's third replica pulls the new digest: mixed
    return {
      cp,
      registry,
      story,
      moveCartTag: async () => (await story.push('shop/cart', 'latest')).digest,
      stop: async () => {
        await registry.pusher.close();
        await Promise.all([cp.stop(), registry.stop()]);
      },
    };
  } catch (error) {
    await Promise.all([cp.stop(), registry.stop()]);
    throw error;
  }
}

export interface RunningUi {
  readonly url: string;
  readonly stderr: () => string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Starts the built `kube-fresh ui` on a free loopback port and waits for its address. */
export async function startUi(
  scenario: Scenario,
  extra: readonly string[] = [],
): Promise<RunningUi> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      BUILT_BIN,
      'ui',
      '--kubeconfig',
      scenario.cp.kubeconfigPath,
      '-n',
      NS,
      '--listen',
      '127.0.0.1:0',
      ...extra,
    ],
    { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      const match = /serving (http:\/\/\S+\/)/.exec(stderr);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    void exited.then((code) => reject(new Error(`kube-fresh ui exited ${code}: ${stderr}`)));
  });
  return {
    url,
    stderr: () => stderr,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}
