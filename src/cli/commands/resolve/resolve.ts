// Runs `kube-fresh resolve`.

import { resolveImages } from '../../../usecases/resolve-images.ts';
import { ExitCode, type CliIo } from '../../io.ts';
import {
  createRegistryClientFromOptions,
  type RegistryCliOptions,
} from '../../registry-options.ts';
import { renderResolvedImages } from './resolve-text.ts';

export interface ResolveCliOptions extends RegistryCliOptions {
  readonly platforms?: true | undefined;
  readonly output: 'text' | 'json';
}

export async function runResolve(
  images: readonly string[],
  options: ResolveCliOptions,
  io: CliIo,
): Promise<number> {
  const client = await createRegistryClientFromOptions(options, io);
  try {
    const results = await resolveImages(images, client.resolver, {
      platforms: options.platforms === true,
    });
    io.stdout.write(
      options.output === 'json'
        ? `${JSON.stringify(results, null, 2)}\n`
        : renderResolvedImages(results),
    );
    return results.every((r) => r.error === undefined) ? ExitCode.ok : ExitCode.findings;
  } finally {
    await client.close();
  }
}
