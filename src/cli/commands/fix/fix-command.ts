// `kube-fresh fix`: one command, two modes — live (patch stale workloads in the cluster) and
// manifests (offline pull-policy edits). Options are declared here; the work is loaded on demand,
// so declaring the command loads neither client-node, nor YAML, nor the registry client.

import { Option, type Command } from '@commander-js/extra-typings';
// The light declarations of the fix-live entry (no client-node, no registry client: start-up).
import { FIX_STRATEGIES } from '../../../usecases/fix-live/fix-types.ts';
import { addClusterOptions } from '../../cluster-flags.ts';
import type { CliIo } from '../../io.ts';
import { addRegistryOptions } from '../../registry-flags.ts';

const DESCRIPTION = `Live mode rolls stale workloads forward. It judges the workloads in scope as "status" does and, for each container whose Pods are stale, mixed or pinned-behind, patches the Pod template:

  pin (default)  image → repo:tag@sha256:<current>: a normal rolling update
                 that works under IfNotPresent on every node and keeps the
                 registry off the start path. An untagged or :latest image
                 becomes name:latest@sha256:… with imagePullPolicy
                 IfNotPresent. The workload records the original image, the
                 new one and the time in kube-fresh.io/pinned.
  restart        kubectl.kubernetes.io/restartedAt, as "kubectl rollout
                 restart" does. Refused for containers whose imagePullPolicy
                 is not Always: new Pods on nodes that cached the tag would
                 start the old image again.
  pull-always    imagePullPolicy: Always and a restart. Every container start
                 then needs the registry: Pods cannot start while it is down
                 or rate-limiting.

Kinds: Deployment, StatefulSet, DaemonSet, ReplicaSet without an owner (its running Pods keep the old image until deleted; the command is printed), CronJob (the next runs), Argo Rollout (when the CRD is installed). Bare Pods and Jobs get the manual step; nothing is changed.

Safety: the plan comes first. On a terminal fix asks before patching unless --yes; without one it needs --yes or --dry-run (a server-side dry run: nothing is stored). A patch carries the resourceVersion it was computed from: when another writer changed the object meanwhile, fix reads it again and recomputes, so neither change is lost. Objects managed by Argo CD or Flux are patched with a warning: the next sync reverts a live patch, so pin the manifests in git too. Each patched workload gets an Event (KubeFreshPinned, KubeFreshRestarted, KubeFreshPullAlways). A second run when nothing moved changes nothing.

Manifest mode (offline) sets imagePullPolicy: Always on the containers lint flags KF001 or KF003, editing files byte for byte as pin does; without --write or --diff the fixed manifests go to stdout.

Mode: manifests when --write, --diff, --config or --pull-policy is given, or an argument is -, an existing file or folder, or ends in .yaml/.yml; live otherwise (KIND/NAME arguments, or none: the namespace in scope from -n, -A or the context). Mixing the two modes' flags or arguments is a usage error.

Exit status, live: 0 when everything planned was applied or nothing needed fixing; 1 when some targets could not be fixed (unknown verdicts, refused restarts, manual steps, unresolved conflicts, a declined prompt, a refused patch); 2 on a usage error; 3 when the cluster cannot be read, or nothing could be done because access was refused. Manifests: 0 when done, 1 when a file could not be edited, 2 on a usage error or unreadable input.`;

export function registerFixCommand(
  program: Command,
  io: CliIo,
  setExit: (code: number) => void,
): void {
  const command = program
    .command('fix')
    .summary('roll stale workloads forward to the current digest (live), or fix manifests offline')
    .description(DESCRIPTION)
    .argument(
      '[ARGS...]',
      'live: workloads as KIND/NAME (deploy/web sts/db); manifests: files, folders, or - for stdin',
    )
    .addOption(
      new Option('--strategy <strategy>', 'live: how to fix')
        .choices(FIX_STRATEGIES)
        .default('pin'),
    )
    .option('--dry-run', 'live: server-side dry run: what the API server would do, nothing stored')
    .option('-y, --yes', 'live: apply the plan without asking')
    .addOption(new Option('-l, --selector <SELECTOR>', 'live: only Pods with these labels'))
    .addOption(
      new Option('-o, --output <format>', 'live: output format')
        .choices(['text', 'json'] as const)
        .default('text' as const),
    )
    .addOption(new Option('--write', 'manifests: replace the files in place').conflicts('diff'))
    .addOption(new Option('--diff', 'manifests: print a unified diff instead of the manifests'))
    .addOption(
      new Option('--pull-policy <policy>', 'manifests: the policy to set')
        .choices(['Always'] as const)
        .default('Always' as const),
    )
    .option(
      '--config <FILE>',
      'manifests: lint config file (default: the nearest .kube-fresh.yaml)',
    );
  addRegistryOptions(addClusterOptions(command))
    .addHelpText(
      'after',
      `\nExamples:\n` +
        `  ${io.programName} fix -n shop deployment/web            # pin, after asking\n` +
        `  ${io.programName} fix -n shop --dry-run -o json         # preview the whole namespace\n` +
        `  ${io.programName} fix -A -l team=payments --yes         # no prompt (CI, scripts)\n` +
        `  ${io.programName} fix --strategy pull-always -n shop deployment/web\n` +
        `  ${io.programName} fix --diff k8s/                       # manifests: show the edits\n` +
        `  kustomize build overlays/prod | ${io.programName} fix - | kubectl apply -f -\n`,
    )
    .action(async (args, options, self) => {
      const given = new Set(
        Object.keys(options).filter((key) => self.getOptionValueSource(key) === 'cli'),
      );
      const { runFix } = await import('./fix.ts');
      setExit(await runFix(args, options, given, io));
    });
}
