// `kube-fresh controller`: keep a cluster fresh continuously (issue 13).

import { Option, type Command } from '@commander-js/extra-typings';
import type { CliIo } from '../../io.ts';
import { addRegistryOptions } from '../../registry-flags.ts';

export function registerControllerCommand(
  program: Command,
  io: CliIo,
  setExit: (code: number) => void,
): void {
  const command = program
    .command('controller')
    .summary('run in (or against) a cluster: watch workloads, track their tags, pin per policy')
    .description(
      'Lists, then watches, the Pods, Nodes, ReplicaSets, Jobs and the workload kinds fix patches (Deployments, StatefulSets, DaemonSets, CronJobs, Argo Rollouts when installed), keeps a trimmed copy of each, and judges every workload container exactly as `status` does. Each distinct tag in use is resolved with one manifest HEAD per --poll-interval (jittered; a workload may ask for a shorter one with the annotation kube-fresh.io/poll-interval).\n\n' +
        "Policy per workload, from its annotation kube-fresh.io/policy, else its namespace's, else --default-policy: report (metrics, Events, logs), pin (pin the Pod template to what the tag points to now, with the same conflict-safe patch as `fix --strategy pin`), or off. Argo CD / Flux-managed workloads are only reported unless the workload itself says pin. No pin while the last rollout is not progressing; at most --max-concurrent-rollouts at a time and one per --min-pin-interval per workload.\n\n" +
        'Serves /healthz, /readyz (ready once every cache is synced) and /metrics (Prometheus) on --listen; logs JSON lines on stdout, never credentials. Stops gracefully on SIGTERM. Runs out of cluster with a kubeconfig, or in cluster with its ServiceAccount.',
    )
    .addOption(
      new Option(
        '--kubeconfig <FILE>',
        'kubeconfig to use (default: the files in $KUBECONFIG, else ~/.kube/config, else in-cluster)',
      ),
    )
    .addOption(
      new Option('--context <NAME>', 'kubeconfig context to use (default: current-context)'),
    )
    .addOption(new Option('-n, --namespace <NS>', 'watch only this namespace (default: all)'))
    .addOption(
      new Option(
        '--namespace-selector <SELECTOR>',
        'only namespaces with these labels (kubectl label selector syntax)',
      ),
    )
    .addOption(
      new Option(
        '--request-timeout <DURATION>',
        'give up on one API request (not a watch) after this long',
      ).default('30s'),
    )
    .addOption(
      new Option('--listen <HOST:PORT>', 'address for /healthz, /readyz, /metrics').default(
        ':8080',
      ),
    )
    .addOption(
      new Option(
        '--poll-interval <DURATION>',
        'resolve each tag in use this often: 30s, 5m, 1h',
      ).default('5m'),
    )
    .addOption(
      new Option(
        '--default-policy <POLICY>',
        'policy for workloads whose workload and namespace do not say',
      )
        .choices(['report', 'pin', 'off'] as const)
        .default('report' as const),
    )
    .addOption(
      new Option(
        '--dry-run',
        'pin nothing: log, send the patch as a server-side dry run, and record a PinDryRun Event',
      ),
    )
    .addOption(
      new Option(
        '--max-concurrent-rollouts <N>',
        'rollouts started by the controller at the same time',
      ).default('3'),
    )
    .addOption(
      new Option(
        '--min-pin-interval <DURATION>',
        'at least this long between two pins of one workload (0 for none)',
      ).default('1m'),
    )
    .addOption(
      new Option(
        '--leader-elect <BOOL>',
        'elect one leader among replicas with the Lease kube-fresh-controller; only the leader writes',
      ).default('false'),
    )
    .addOption(
      new Option(
        '--leader-election-namespace <NS>',
        "the Lease's namespace (default: $POD_NAMESPACE, else the kubeconfig's namespace)",
      ),
    )
    .addOption(
      new Option(
        '--lease-duration <DURATION>',
        'a standby takes over after the Lease is unrenewed this long',
      ).default('15s'),
    )
    .addOption(
      new Option(
        '--renew-deadline <DURATION>',
        'a leader that cannot renew for this long stops writing',
      ).default('10s'),
    )
    .addOption(new Option('--retry-period <DURATION>', 'time between Lease tries').default('2s'))
    .addOption(
      new Option(
        '--notification-token <TOKEN>',
        'enable the POST /hooks/PROVIDER routes (distribution, harbor, github, dockerhub, quay) with this shared secret; prefer the env KUBE_FRESH_NOTIFICATION_TOKEN (flags show in ps)',
      ),
    )
    .addOption(
      new Option('--log-level <LEVEL>', 'log level')
        .choices(['debug', 'info', 'warn', 'error'] as const)
        .default('info' as const),
    );
  addRegistryOptions(command)
    .addHelpText(
      'after',
      `\nAnnotations (on a workload; kube-fresh.io/policy also on its namespace):\n` +
        `  kube-fresh.io/policy: report | pin | off\n` +
        `  kube-fresh.io/poll-interval: 30s\n` +
        `\nExamples:\n` +
        `  ${io.programName} controller --kubeconfig ~/.kube/config --poll-interval 1m\n` +
        `  ${io.programName} controller -n prod --default-policy pin --dry-run\n` +
        `  ${io.programName} controller --namespace-selector team=web --listen 127.0.0.1:9090\n`,
    )
    .action(async (options) => {
      const { runController } = await import('../../../controller/run-controller.ts');
      setExit(await runController(options, io));
    });
}
