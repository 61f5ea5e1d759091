// `kube-fresh lab`: try kube-fresh without a cluster.

import type { Command } from '@commander-js/extra-typings';
import type { CliIo } from '../io.ts';

export function registerLabCommand(
  program: Command,
  io: CliIo,
  setExit: (code: number) => void,
): void {
  program
    .command('lab')
    .summary('replay the stale-image story on a local control plane (no cluster needed)')
    .description(
      'Starts a local registry and a real Kubernetes control plane (etcd, kube-apiserver, controller-manager, scheduler) on loopback, with stand-in kubelets that follow the real image-manager rules (pull policy × node cache), and replays the story: a Deployment on a mutable tag under IfNotPresent, a new image pushed to the same tag, a scale-up and a rollout restart that leave the replicas on different images — then runs kube-fresh status, explain and fix against it until every replica is current.\n\n' +
        'Needs a kube-fresh checkout with "bash scripts/install-test-deps.sh" run once (Debian docker-registry, and the control plane built from its Go modules). Everything listens on 127.0.0.1 and is removed at the end.\n\n' +
        'With --real-nodes the same story runs on 2 real nodes started on this machine by hack/node/cluster-up.sh: containerd and runc from Debian, and a kubelet built from k8s.io/kubernetes, pulling from the loopback registry (about 1 minute; needs root and the packages scripts/install-test-deps.sh installs). The second node joins at step 4 instead of a third one. Everything is stopped and the host cleaned at the end, also on Ctrl-C.\n\n' +
        'Exit status: 0 when the story ends with every replica current; 1 otherwise; 3 when the lab cannot start (with --real-nodes: when real nodes cannot run here, with the reason).',
    )
    .option(
      '--keep',
      'leave the lab running at the end (prints a KUBECONFIG to use; Ctrl-C stops it)',
    )
    .option(
      '--real-nodes',
      'run the story on real kubelets + containerd on this machine (root; hack/node) instead of stand-ins',
    )
    .addHelpText(
      'after',
      `\nExamples:\n  ${io.programName} lab\n  npm run lab\n  sudo ${io.programName} lab --real-nodes\n`,
    )
    .action(async (options) => {
      const { runLab } = await import('./lab.ts');
      setExit(await runLab(options, io));
    });
}
