// The connection and namespace-scope flags shared by every command that reads a cluster, named
// as kubectl names them. Kept apart from cluster-options.ts so that declaring a command does not
// load @kubernetes/client-node.

import { Option, type Command, type OptionValues } from '@commander-js/extra-typings';

export interface ClusterCliOptions {
  readonly kubeconfig?: string | undefined;
  readonly context?: string | undefined;
  readonly namespace?: string | undefined;
  readonly allNamespaces?: true | undefined;
  readonly requestTimeout?: string | undefined;
}

/** Adds --kubeconfig, --context, -n/--namespace, -A/--all-namespaces and --request-timeout. */
// eslint-disable-next-line @typescript-eslint/explicit-module-boundary-types -- the option types are inferred
export function addClusterOptions<
  A extends unknown[],
  O extends OptionValues,
  G extends OptionValues,
>(command: Command<A, O, G>) {
  return command
    .addOption(
      new Option(
        '--kubeconfig <FILE>',
        'kubeconfig to use (default: the files in $KUBECONFIG, else ~/.kube/config, else in-cluster)',
      ),
    )
    .addOption(
      new Option('--context <NAME>', 'kubeconfig context to use (default: current-context)'),
    )
    .addOption(
      new Option(
        '-n, --namespace <NS>',
        "namespace to read (default: the context's namespace, else default)",
      ),
    )
    .addOption(new Option('-A, --all-namespaces', 'read every namespace (overrides --namespace)'))
    .addOption(
      new Option(
        '--request-timeout <DURATION>',
        'give up on one API request after this long: 30s, 1m, 1h1m, 500ms, or plain seconds',
      ).default('30s'),
    );
}
