// The registry flags shared by every command that talks to registries. Kept apart from
// registry-options.ts so that declaring a command does not load the HTTP client.

import { Option, type Command, type OptionValues } from '@commander-js/extra-typings';

export interface RegistryCliOptions {
  readonly dockerConfig?: string | undefined;
  readonly insecureRegistry?: readonly string[] | undefined;
  readonly registryCa?: readonly string[] | undefined;
  readonly registryTimeout?: string | undefined;
}

const collect = (value: string, previous: string[] | undefined): string[] => [
  ...(previous ?? []),
  value,
];

/** Adds --docker-config, --insecure-registry, --registry-ca and --registry-timeout. */
// eslint-disable-next-line @typescript-eslint/explicit-module-boundary-types -- the option types are inferred
export function addRegistryOptions<
  A extends unknown[],
  O extends OptionValues,
  G extends OptionValues,
>(command: Command<A, O, G>) {
  return command
    .addOption(
      new Option(
        '--docker-config <FILE>',
        'docker config.json with registry credentials (default: $DOCKER_CONFIG/config.json, else ~/.docker/config.json)',
      ),
    )
    .addOption(
      new Option(
        '--insecure-registry <HOST[:PORT]>',
        'allow plain HTTP or unverified TLS for this registry (repeatable)',
      ).argParser(collect),
    )
    .addOption(
      new Option(
        '--registry-ca <FILE>',
        'trust this PEM CA certificate for registries, besides the system roots (repeatable)',
      ).argParser(collect),
    )
    .addOption(
      new Option(
        '--registry-timeout <SECONDS>',
        'give up on one image look-up after this long, all its tries and Retry-After waits included; after 3 failed requests in a row to one registry, its other images fail at once as unreachable',
      ).default('20'),
    );
}
