// `npm run lab`: replays the stale-image story on a real kube-apiserver and registry with
// stand-in kubelets, and runs the real kube-fresh commands against it, printing each one as a user
// would type it.

import { shortDigest } from '../src/core/digest.ts';
import { waitForRollout } from './cluster-waits.ts';
import { startLabCluster, type LabCluster } from './lab-cluster.ts';
import { colorsFor } from '../src/cli/colors.ts';
import { ExitCode, type CliIo } from '../src/cli/io.ts';
import { labDeployment } from './lab-deployment.ts';
import { runLabCommand } from './run-lab-command.ts';

export interface LabOptions {
  /** Keeps the lab running at the end until the promise settles (the script resolves it on Ctrl-C). */
  readonly keep?: (() => Promise<void>) | undefined;
}

const NS = 'lab';
const STEPS = 7;

export async function runLab(options: LabOptions, io: CliIo): Promise<number> {
  const c = colorsFor(io.stdout, io.env);
  const say = (text: string): void => void io.stdout.write(`${text}\n`);
  const step = (n: number, text: string): void => say(`\n${c.bold(`[${n}/${STEPS}]`)} ${text}`);
  const started = performance.now();
  say(
    c.bold(
      `${io.programName} lab — the stale-image story on a real kube-apiserver and registry, with stand-in kubelets`,
    ),
  );
  step(
    1,
    'Starting a registry and a Kubernetes control plane (etcd, kube-apiserver, controller-manager, scheduler) on loopback…',
  );
  const lab = await startLabCluster(NS);
  try {
    say(
      `      registry ${lab.registry.host}, API server ${lab.cp.server} (${(lab.cp.startupMs / 1000).toFixed(1)} s)`,
    );
    await tellStory(lab, io, step, say);
    const run = (args: string[]): Promise<number> =>
      runLabCommand(lab.cp.kubeconfigPath, io, args, say);
    step(
      6,
      'The fix: pin the Pod template to what the tag points to now. A normal rolling update follows, and it works under IfNotPresent, because a digest is not in any node cache yet.',
    );
    await run(['fix', '-n', NS, 'deploy/web', '--yes']);
    await waitForRollout(lab.cp.admin, NS, 'web');
    await lab.kubelets.settle(3);
    step(7, 'Every replica now runs the current image:');
    const code = await run(['status', '-n', NS, '--exit-code']);
    say(
      `\n${code === 0 ? c.green('Done') : c.red('Something is still stale')} in ${((performance.now() - started) / 1000).toFixed(0)} s.`,
    );
    if (options.keep !== undefined) await keepRunning(lab, io, say, options.keep);
    return code === 0 ? ExitCode.ok : ExitCode.findings;
  } finally {
    await lab.stop();
  }
}

async function tellStory(
  lab: LabCluster,
  io: CliIo,
  step: (n: number, text: string) => void,
  say: (text: string) => void,
): Promise<void> {
  const image = `${lab.registry.host}/lab/web:stable`;
  step(
    2,
    `Two nodes, node-a and node-b. Pushing ${image} (v1) and deploying it with 2 replicas; imagePullPolicy is not set, so the API server defaults it to IfNotPresent.`,
  );
  await lab.kubelets.addNode('node-a');
  await lab.kubelets.addNode('node-b');
  const v1 = await lab.push('lab/web', 'stable');
  await lab.cp.admin.create(
    `/apis/apps/v1/namespaces/${NS}/deployments`,
    labDeployment({ namespace: NS, image, replicas: 2 }),
  );
  await waitForRollout(lab.cp.admin, NS, 'web');
  await lab.kubelets.settle(2);
  say(`      both nodes pulled v1 = ${shortDigest(v1)} and cache it under the tag`);
  step(
    3,
    'A new image is pushed to the same tag. Nothing in the cluster notices: IfNotPresent never asks the registry again.',
  );
  const v2 = await lab.push('lab/web', 'stable');
  say(`      ${image} now points to v2 = ${shortDigest(v2)}`);
  step(
    4,
    'node-c joins and the Deployment scales to 3. The new replica lands on node-c, which has nothing cached: it pulls v2.',
  );
  await lab.kubelets.addNode('node-c');
  await lab.cp.admin.patch(`/apis/apps/v1/namespaces/${NS}/deployments/web`, {
    spec: { replicas: 3 },
  });
  await waitForRollout(lab.cp.admin, NS, 'web');
  await lab.kubelets.settle(3);
  step(
    5,
    'The usual advice, "kubectl rollout restart": every Pod is replaced, but node-a and node-b start the image they cached — "already present on machine" — so the replicas still differ.',
  );
  await lab.cp.admin.patch(`/apis/apps/v1/namespaces/${NS}/deployments/web`, {
    spec: {
      template: {
        metadata: {
          annotations: { 'kubectl.kubernetes.io/restartedAt': new Date().toISOString() },
        },
      },
    },
  });
  await waitForRollout(lab.cp.admin, NS, 'web');
  await lab.kubelets.settle(3);
  await runLabCommand(lab.cp.kubeconfigPath, io, ['status', '-n', NS, '-o', 'wide'], say);
  await runLabCommand(lab.cp.kubeconfigPath, io, ['explain', '-n', NS, 'deploy/web'], say);
}

async function keepRunning(
  lab: LabCluster,
  io: CliIo,
  say: (text: string) => void,
  untilStopped: () => Promise<void>,
): Promise<void> {
  say(
    `\nThe lab keeps running. In another terminal:\n  export KUBECONFIG=${lab.cp.kubeconfigPath}\n  ${io.programName} status -n ${NS}\nPress Ctrl-C to stop it.`,
  );
  await untilStopped();
}
