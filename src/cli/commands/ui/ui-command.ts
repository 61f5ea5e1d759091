// `kube-fresh ui`: the freshness dashboard in a browser, from a snapshot refreshed on demand.

import { Option, type Command } from '@commander-js/extra-typings';
import { addClusterOptions } from '../../cluster-flags.ts';
import type { CliIo } from '../../io.ts';
import { addRegistryOptions } from '../../registry-flags.ts';

export function registerUiCommand(
  program: Command,
  io: CliIo,
  setExit: (code: number) => void,
): void {
  const command = program
    .command('ui')
    .summary('serve a read-only dashboard of the workloads, their digests and the node caches')
    .description(
      "Takes a snapshot with the same check as status (and reads each workload object, to show which ones Argo CD or Flux manage), then serves it as a web dashboard: an overview of verdicts per namespace, a workloads table to filter, sort and search, one page per workload (replicas × nodes × digests, each Pod's story as explain tells it, the fix options with their commands) and a node × image-tag cache matrix. The Refresh button (or POST /api/v1/refresh) takes a new snapshot; open pages update by themselves. The same data is a JSON API under /api/v1/ (see the README).\n\n" +
        'Read-only: nothing is written to the cluster and no credential is ever shown. Listens on loopback unless --listen says otherwise.\n\n' +
        'Exit status: 0 after SIGTERM or Ctrl-C; 2 on a usage error; 3 when the first snapshot cannot be taken or the address cannot be bound.',
    )
    .addOption(
      new Option('--listen <HOST:PORT>', 'address to serve on; port 0 picks a free one').default(
        '127.0.0.1:8787',
      ),
    );
  addRegistryOptions(addClusterOptions(command))
    .addHelpText(
      'after',
      `\nExamples:\n` +
        `  ${io.programName} ui -A\n` +
        `  ${io.programName} ui -n prod --listen 127.0.0.1:9000\n` +
        `  curl -s http://127.0.0.1:8787/api/v1/workloads |\n` +
        `    jq '.workloads[] | select(.verdict=="stale")'\n`,
    )
    .action(async (options) => {
      const { runUi } = await import('./ui.ts');
      setExit(await runUi(options, io));
    });
}
