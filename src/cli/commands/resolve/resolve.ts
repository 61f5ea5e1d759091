// Runs `kube-fresh resolve`.

import { parsePlatformSpecifier } from '../../../core/platform.ts';
import { UsageError } from '../../../core/errors.ts';
import { resolveImages } from '../../../usecases/resolve-images.ts';
import { ExitCode, type CliIo } from '../../io.ts';
import {
  createRegistryClientFromOptions,
  type RegistryCliOptions,
} from '../../registry-options.ts';
import { renderResolvedImages } from './resolve-text.ts';

export interface ResolveCliOptions extends RegistryCliOptions {
  readonly platforms?: true | undefined;
  readonly platform?: string | undefined;
  readonly output: 'text' | 'json';
}

export async function runResolve(
  images: readonly string[],
  options: ResolveCliOptions,
  io: CliIo,
): Promise<number> {
  const platform =
    options.platform === undefined ? undefined : parsePlatformSpecifier(options.platform);
  if (options.platform !== undefined && platform === undefined)
    throw new UsageError(
      `--platform ${JSON.stringify(options.platform)}: expected OS/ARCH[/VARIANT], e.g. linux/arm64 or linux/arm/v7 (Windows: windows(10.0.20348)/amd64)`,
    );
  const client = await createRegistryClientFromOptions(options, io);
  try {
    const results = await resolveImages(images, client.resolver, {
      platforms: options.platforms === true,
      platform,
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
