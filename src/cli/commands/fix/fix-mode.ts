// Which `fix` the user means. Manifest mode (offline) when a manifest-only flag is given, or any
// argument is `-`, an existing file or folder, or ends in .yaml/.yml; live mode otherwise
// (KIND/NAME arguments, cluster flags alone, or nothing at all: the current namespace). A command
// line that mixes the two is refused rather than guessed at.

import { UsageError } from '../../../core/errors.ts';
import { parseWorkloadArgument } from '../../../core/workload-kinds.ts';

export type FixMode = 'manifests' | 'live';

/** Option keys (as commander names them) → the flag the user typed. */
export const MANIFEST_FLAGS: Readonly<Record<string, string>> = {
  write: '--write',
  diff: '--diff',
  config: '--config',
  pullPolicy: '--pull-policy',
};

export const LIVE_FLAGS: Readonly<Record<string, string>> = {
  strategy: '--strategy',
  dryRun: '--dry-run',
  yes: '--yes',
  namespace: '--namespace',
  allNamespaces: '--all-namespaces',
  selector: '--selector',
  output: '--output',
  kubeconfig: '--kubeconfig',
  context: '--context',
  requestTimeout: '--request-timeout',
  dockerConfig: '--docker-config',
  insecureRegistry: '--insecure-registry',
  registryCa: '--registry-ca',
  registryTimeout: '--registry-timeout',
};

export interface FixModeInput {
  readonly args: readonly string[];
  /** Option keys the user gave on the command line (not defaults). */
  readonly given: ReadonlySet<string>;
  /** Whether an argument names an existing file or folder. */
  readonly isPath: (arg: string) => boolean;
}

const HINT =
  'manifests: kube-fresh fix [--write|--diff] PATH...|-    live: kube-fresh fix [-n NS|-A] [KIND/NAME...] [--strategy …]';

export function detectFixMode(input: FixModeInput): FixMode {
  const { args, given } = input;
  const isManifest = (arg: string): boolean =>
    arg === '-' || /\.ya?ml$/i.test(arg) || input.isPath(arg);
  const manifestFlag = Object.keys(MANIFEST_FLAGS).find((key) => given.has(key));
  const manifestArg = args.find(isManifest);
  if (manifestFlag === undefined && manifestArg === undefined) return 'live';
  const why =
    manifestFlag !== undefined
      ? `${MANIFEST_FLAGS[manifestFlag]} selects manifest mode`
      : manifestArg === '-'
        ? '"-" (stdin) selects manifest mode'
        : `${JSON.stringify(manifestArg)} is a manifest path, which selects manifest mode`;
  const liveFlag = Object.keys(LIVE_FLAGS).find((key) => given.has(key));
  if (liveFlag !== undefined) {
    throw new UsageError(
      `${LIVE_FLAGS[liveFlag]} is a live-mode flag, but ${why}: fix manifests and live workloads in separate runs`,
      { hint: HINT },
    );
  }
  const workload = args.find((arg) => !isManifest(arg) && parseWorkloadArgument(arg).ok);
  if (workload !== undefined) {
    throw new UsageError(
      `${JSON.stringify(workload)} names a live workload (KIND/NAME), but ${why}: fix manifests and live workloads in separate runs`,
      { hint: HINT },
    );
  }
  if (args.length === 0)
    throw new UsageError(`${why}, which needs PATH... or - (stdin)`, { hint: HINT });
  return 'manifests';
}
