// Which child of an image index a node runs: containerd's default platform matching for the node's
// `nodeInfo.operatingSystem` / `architecture` (the API reports no variant, so the default variant
// for the architecture is assumed: arm64 → v8, arm → v7).

import type { PlatformManifest } from './image-resolver.ts';

export interface NodePlatform {
  readonly os: string;
  readonly architecture: string;
}

const DEFAULT_VARIANT: Readonly<Record<string, string>> = { arm64: 'v8', arm: 'v7' };

/** The index child a node with this platform pulls, or undefined when none fits. */
export function selectPlatformChild(
  children: readonly PlatformManifest[],
  node: NodePlatform,
): PlatformManifest | undefined {
  const candidates = children.filter(
    (c) => c.os === node.os && c.architecture === node.architecture,
  );
  if (candidates.length <= 1) return candidates[0];
  const preferred = DEFAULT_VARIANT[node.architecture];
  return (
    candidates.find((c) => c.variant === preferred) ??
    candidates.find((c) => c.variant === undefined) ??
    candidates[0]
  );
}
