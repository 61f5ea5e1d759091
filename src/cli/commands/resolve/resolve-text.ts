// `kube-fresh resolve` text: `reference → digest (media type)`, platforms indented below.

import type { ResolvedImage } from '../../../usecases/resolve-images.ts';

export function renderResolvedImages(results: readonly ResolvedImage[]): string {
  return results.map(renderOne).join('');
}

function renderOne(result: ResolvedImage): string {
  const lines: string[] = [];
  if (result.digest !== null) {
    const media = result.mediaType === null ? 'pinned by digest' : result.mediaType;
    const moved = result.pinned?.tagMoved ? `  (tag moved: was ${result.pinned.digest})` : '';
    lines.push(`${result.input} → ${result.digest} (${media})${moved}`);
  }
  if (result.selected !== undefined) {
    const { forPlatform, digest, platform } = result.selected;
    lines.push(
      `  on ${forPlatform} → ${digest} (${platform ?? 'single-platform image: runs as is'})`,
    );
  }
  for (const p of result.platforms ?? []) {
    lines.push(`  ${[p.os, p.architecture, p.variant].filter(Boolean).join('/')} → ${p.digest}`);
  }
  if (result.error !== undefined)
    lines.push(`${result.input} ✗ ${result.error.kind}: ${result.error.message}`);
  return lines.map((l) => `${l}\n`).join('');
}
