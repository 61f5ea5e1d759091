// `npm run lab -- --real-nodes`: the lab's story on real nodes — containerd + a kubelet built from
// k8s.io/kubernetes, started on this machine by hack/node/cluster-up.sh — instead of stand-in
// kubelets. Two nodes instead of three: the second one is cordoned until step 4, so it joins the
// story with an empty image cache, as node-c does in the stand-in lab.

import { shortDigest } from '../src/core/digest.ts';
import { EnvironmentError } from '../src/core/errors.ts';
import { realNodePreflight, RealNodeCluster } from './real-node-cluster.ts';
import {
  setSchedulable,
  waitForNodeImage,
  waitForPodEvent,
  waitForRollout,
} from './cluster-waits.ts';
import { colorsFor } from '../src/cli/colors.ts';
import { ExitCode, type CliIo } from '../src/cli/io.ts';
import { labDeployment } from './lab-deployment.ts';
import { runLabCommand } from './run-lab-command.ts';

const NS = 'lab';
const STEPS = 7;
const REPOSITORY = 'lab/web';
const TAG = 'stable';

type Say = (text: string) => void;

export async function runRealNodeLab(
  options: { keep?: (() => Promise<void>) | undefined },
  io: CliIo,
): Promise<number> {
  const c = colorsFor(io.stdout, io.env);
  const say: Say = (text) => void io.stdout.write(`${text}\n`);
  const step = (n: number, text: string): void => say(`\n${c.bold(`[${n}/${STEPS}]`)} ${text}`);
  const started = performance.now();
  const preflight = await realNodePreflight();
  if (!preflight.available)
    throw new EnvironmentError(
      `real nodes cannot run on this machine: ${preflight.reasons.join('; ')}`,
      {
        hint: 'as root, run "bash scripts/install-test-deps.sh" once (containerd, runc, CNI plugins, the Go-built kubelet); "hack/node/preflight.sh" repeats the checks. Without --real-nodes the lab uses stand-in kubelets.',
      },
    );
  say(
    c.bold(
      `${io.programName} lab --real-nodes — the stale-image story on real kubelets and containerd, on this machine`,
    ),
  );
  step(
    1,
    'Starting a control plane (etcd, kube-apiserver, controller-manager, scheduler), a registry and 2 real nodes (containerd + kubelet) on this machine, on loopback (hack/node/cluster-up.sh)…',
  );
  const cluster = await startCluster();
  try {
    const nodes = cluster.nodes.map((n) => `${n.name} (${n.ip})`).join(', ');
    say(
      `      registry ${cluster.registry}, API server ${cluster.apiServer}, Kubernetes ${cluster.k8sVersion}, nodes ${nodes} (${cluster.upSeconds.toFixed(1)} s)`,
    );
    say(`      work dir ${cluster.work}, run ${cluster.runId}`);
    await tellStory(cluster, io, step, say);
    const run = (args: string[]): Promise<number> =>
      runLabCommand(cluster.kubeconfigPath, io, args, say);
    step(
      6,
      'The fix: pin the Pod template to what the tag points to now. A normal rolling update follows, and it works under IfNotPresent, because no node caches the image under that digest reference yet.',
    );
    await run(['fix', '-n', NS, 'deploy/web', '--yes']);
    await waitForRollout(cluster.admin, NS, 'web');
    step(7, 'Every replica now runs the current image:');
    const code = await run(['status', '-n', NS, '--exit-code']);
    say(
      `\n${code === 0 ? c.green('Done') : c.red('Something is still stale')} in ${((performance.now() - started) / 1000).toFixed(0)} s.`,
    );
    if (options.keep !== undefined) await keepRunning(cluster, io, say, options.keep);
    return code === 0 ? ExitCode.ok : ExitCode.findings;
  } finally {
    const stopped = await cluster.stop();
    if (stopped.code !== 0)
      io.stderr.write(
        `kube-fresh lab: hack/node/cluster-down.sh exited ${stopped.code}; the host may not be clean:\n${stopped.output}\n`,
      );
    else
      say(
        `      the real nodes are stopped and the host is clean (${stopped.seconds.toFixed(1)} s)`,
      );
  }
}

async function startCluster(): Promise<RealNodeCluster> {
  try {
    return await RealNodeCluster.start({ nodes: 2 });
  } catch (error) {
    throw new EnvironmentError(`the real-node lab could not start: ${(error as Error).message}`, {
      cause: error,
      hint: 'hack/node/README.md lists what the nodes need; without --real-nodes the lab uses stand-in kubelets',
    });
  }
}

async function tellStory(
  cluster: RealNodeCluster,
  io: CliIo,
  step: (n: number, text: string) => void,
  say: Say,
): Promise<void> {
  const { admin } = cluster;
  const [first, second] = cluster.nodes.map((n) => n.name);
  if (first === undefined || second === undefined) throw new Error('the lab needs 2 nodes');
  const repository = `${cluster.registry}/${REPOSITORY}`;
  const image = `${repository}:${TAG}`;
  step(
    2,
    `Pushing ${image} (v1) and deploying it with 1 replica; ${second} is cordoned, not in service yet. imagePullPolicy is not set, so the API server defaults it to IfNotPresent.`,
  );
  await setSchedulable(admin, second, false);
  const v1 = await cluster.pushImage('app-v1', image);
  await admin.create(`/api/v1/namespaces`, { metadata: { name: NS } });
  await admin.create(
    `/apis/apps/v1/namespaces/${NS}/deployments`,
    labDeployment({ namespace: NS, image: image, replicas: 1, terminationGracePeriodSeconds: 5 }),
  );
  await waitForRollout(admin, NS, 'web');
  say(`      ${first}'s containerd pulled v1 = ${shortDigest(v1)} and caches it under the tag`);
  step(
    3,
    'A new image is pushed to the same tag. Nothing in the cluster notices: IfNotPresent never asks the registry again.',
  );
  const v2 = await cluster.pushImage('app-v2', image);
  say(`      ${image} now points to v2 = ${shortDigest(v2)}`);
  step(
    4,
    `${second} goes into service and the Deployment scales to 2. The new replica lands on ${second}, whose containerd has nothing cached: it pulls v2.`,
  );
  await setSchedulable(admin, second, true);
  await admin.patch(`/apis/apps/v1/namespaces/${NS}/deployments/web`, { spec: { replicas: 2 } });
  await waitForRollout(admin, NS, 'web');
  step(
    5,
    `The usual advice, "kubectl rollout restart": every Pod is replaced, but ${first}'s containerd still has the tag cached — "already present on machine" — so the replicas still differ.`,
  );
  await admin.patch(`/apis/apps/v1/namespaces/${NS}/deployments/web`, {
    spec: {
      template: {
        metadata: {
          annotations: { 'kubectl.kubernetes.io/restartedAt': new Date().toISOString() },
        },
      },
    },
  });
  const pods = await waitForRollout(admin, NS, 'web');
  const restarted = pods.find((p) => p.spec.nodeName === first);
  if (restarted !== undefined)
    await waitForPodEvent(admin, {
      namespace: NS,
      pod: restarted.metadata.name,
      reason: 'Pulled',
      text: 'already present on machine',
    });
  say(
    `      (waiting until ${first} reports its image cache: a kubelet re-lists its images every 30 s and sends them with its node status)`,
  );
  await waitForNodeImage(admin, first, { repository, tag: TAG, digest: v1 });
  await runLabCommand(cluster.kubeconfigPath, io, ['status', '-n', NS, '-o', 'wide'], say);
  await runLabCommand(cluster.kubeconfigPath, io, ['explain', '-n', NS, 'deploy/web'], say);
}

async function keepRunning(
  cluster: RealNodeCluster,
  io: CliIo,
  say: Say,
  untilStopped: () => Promise<void>,
): Promise<void> {
  say(
    `\nThe lab keeps running. In another terminal:\n  export KUBECONFIG=${cluster.kubeconfigPath}\n  ${io.programName} status -n ${NS}\n  kubectl get pods -n ${NS} -o wide\nPress Ctrl-C to stop it: the real nodes are stopped and the host is cleaned.`,
  );
  await untilStopped();
}
