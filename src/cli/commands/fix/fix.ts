// Runs `kube-fresh fix`: decides the mode (fix-mode.ts), then loads only that mode's
// implementation — manifest mode never loads client-node, live mode never loads YAML.

import { existsSync } from 'node:fs';
import type { CliIo } from '../../io.ts';
import type { FixManifestsCliOptions } from './fix-manifests.ts';
import type { FixLiveCliOptions } from './fix-live.ts';
import { detectFixMode } from './fix-mode.ts';

export type FixCliOptions = FixManifestsCliOptions & FixLiveCliOptions;

export async function runFix(
  args: readonly string[],
  options: FixCliOptions,
  given: ReadonlySet<string>,
  io: CliIo,
): Promise<number> {
  const mode = detectFixMode({ args, given, isPath: (arg) => existsSync(arg) });
  if (mode === 'manifests') {
    const { runFixManifests } = await import('./fix-manifests.ts');
    return runFixManifests(args, options, io);
  }
  const { runFixLive } = await import('./fix-live.ts');
  return runFixLive(args, options, io);
}
