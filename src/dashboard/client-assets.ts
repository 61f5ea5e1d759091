// The page's script and stylesheet. `npm run build` bundles them with esbuild into
// dist/dashboard/assets/ (scripts/bundle-dashboard.ts); run from the sources (tests, tsx), they
// are bundled in memory on first request with the same options, esbuild being a devDependency.

import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type * as Esbuild from 'esbuild';
import { InternalError } from '../core/errors.ts';

export interface ClientAssets {
  readonly script: string;
  readonly style: string;
}

/** Set by packaging/build-bundle.mjs: the single executable carries its assets inside. */
declare const __KUBE_FRESH_DASHBOARD_ASSETS__: ClientAssets | undefined;

/** The client's sources (a function: in the single executable import.meta is empty). */
export function clientEntryPoints(): { readonly script: string; readonly style: string } {
  return {
    script: fileURLToPath(new URL('./client/dashboard.ts', import.meta.url)),
    style: fileURLToPath(new URL('./client/dashboard.css', import.meta.url)),
  };
}

/** esbuild options shared by the build script and the in-memory fallback. */
export const CLIENT_BUILD_OPTIONS = {
  bundle: true,
  minify: true,
  target: ['chrome120', 'firefox120', 'safari16'],
  format: 'iife',
  legalComments: 'none',
  logLevel: 'warning',
} as const;

let loading: Promise<ClientAssets> | undefined;

export function loadClientAssets(): Promise<ClientAssets> {
  if (typeof __KUBE_FRESH_DASHBOARD_ASSETS__ === 'object') {
    return Promise.resolve(__KUBE_FRESH_DASHBOARD_ASSETS__);
  }
  loading ??= readBuilt().catch(async (error: unknown) => {
    if (!isMissing(error)) throw error;
    return bundleInMemory();
  });
  return loading;
}

async function readBuilt(): Promise<ClientAssets> {
  const [script, style] = await Promise.all([
    readFile(new URL('./assets/dashboard.js', import.meta.url), 'utf8'),
    readFile(new URL('./assets/dashboard.css', import.meta.url), 'utf8'),
  ]);
  return { script, style };
}

async function bundleInMemory(): Promise<ClientAssets> {
  let esbuild: typeof Esbuild;
  try {
    esbuild = await import('esbuild');
  } catch (error) {
    throw new InternalError('the dashboard assets are not built: run npm run build', {
      cause: error,
    });
  }
  const build = async (entry: string): Promise<string> => {
    const result = await esbuild.build({
      ...CLIENT_BUILD_OPTIONS,
      target: [...CLIENT_BUILD_OPTIONS.target],
      entryPoints: [entry],
      write: false,
      outdir: 'out',
    });
    return result.outputFiles[0]?.text ?? '';
  };
  const [script, style] = await Promise.all([
    build(clientEntryPoints().script),
    build(clientEntryPoints().style),
  ]);
  return { script, style };
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}
