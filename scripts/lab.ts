// `npm run lab [-- --real-nodes] [-- --keep]`: try kube-fresh without a cluster, from a checkout.
// Replays the stale-image story on a local registry and control plane (harness/) and runs the real
// kube-fresh commands against it. This script owns the process: its exit status, Ctrl-C, and the
// teardown of real nodes when it is interrupted.
import { parseArgs } from 'node:util';
import { stopRealNodeClustersSync } from '../harness/real-node-cluster.ts';
import { runLab } from '../harness/lab-story.ts';
import { ExitCode, type CliIo } from '../src/cli/io.ts';
import { reportError } from '../src/cli/main.ts';

const HELP = `Usage: npm run lab [-- --real-nodes] [-- --keep]

Starts a local registry and a real Kubernetes control plane (etcd, kube-apiserver, controller-manager, scheduler) on loopback, with stand-in kubelets that follow the real image-manager rules (pull policy × node cache), and replays the story: a Deployment on a mutable tag under IfNotPresent, a new image pushed to the same tag, a scale-up and a rollout restart that leave the replicas on different images — then runs kube-fresh status, explain and fix against it until every replica is current.

Needs a kube-fresh checkout with "bash scripts/install-test-deps.sh" run once (Debian docker-registry, and the control plane built from its Go modules). Everything listens on 127.0.0.1 and is removed at the end.

  --real-nodes  the same story on 2 real nodes started on this machine by hack/node/cluster-up.sh: containerd and runc from Debian, and a kubelet built from k8s.io/kubernetes, pulling from the loopback registry (about 1 minute; needs root). The second node joins at step 4 instead of a third one. Everything is stopped and the host cleaned at the end, also on Ctrl-C.
  --keep        leave the lab running at the end (prints a KUBECONFIG to use; Ctrl-C stops it)

Exit status: 0 when the story ends with every replica current; 1 otherwise; 2 for an unknown option; 3 when the lab cannot start (with --real-nodes: when real nodes cannot run here, with the reason); 130/143 when interrupted.
`;

const io: CliIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  programName: 'kube-fresh',
};

/** Set while --keep waits: the first Ctrl-C then ends the wait and the lab stops normally. */
let endKeep: (() => void) | undefined;

process.on('exit', () => stopRealNodeClustersSync(false));
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
  ['SIGHUP', 129],
] as const) {
  process.on(signal, () => {
    if (endKeep !== undefined) {
      endKeep();
      endKeep = undefined;
      return;
    }
    process.stderr.write(`kube-fresh lab: ${signal}: stopping…\n`);
    stopRealNodeClustersSync(true);
    process.exit(code);
  });
}

process.exitCode = await run(process.argv.slice(2));

async function run(argv: string[]): Promise<number> {
  let values: { keep?: boolean; 'real-nodes'?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        keep: { type: 'boolean' },
        'real-nodes': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n\n${HELP}`);
    return ExitCode.usage;
  }
  if (values.help === true) {
    process.stdout.write(HELP);
    return ExitCode.ok;
  }
  const keep =
    values.keep === true
      ? () =>
          new Promise<void>((resolve) => {
            endKeep = resolve;
          })
      : undefined;
  try {
    if (values['real-nodes'] !== true) return await runLab({ keep }, io);
    const { runRealNodeLab } = await import('../harness/real-node-lab-story.ts');
    return await runRealNodeLab({ keep }, io);
  } catch (error) {
    return reportError(error, io);
  }
}
