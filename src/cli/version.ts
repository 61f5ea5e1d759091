// The kube-fresh version. Bundled builds (the single executable, the image) have no package.json
// beside them, so the bundler injects the version as a constant; the unbundled CLI reads the file.

import { readFileSync } from 'node:fs';

declare const __KUBE_FRESH_VERSION__: string | undefined;

/** The version in package.json, read once at start-up. */
export function readVersion(): string {
  if (typeof __KUBE_FRESH_VERSION__ === 'string') return __KUBE_FRESH_VERSION__;
  const file = new URL('../../package.json', import.meta.url);
  const pkg = JSON.parse(readFileSync(file, 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}
