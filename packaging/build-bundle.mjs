// Bundles the CLI into one CommonJS file (what Node 20's single executable can run) with esbuild.
// Usage: node packaging/build-bundle.mjs [OUTFILE]   (default build/kube-fresh.cjs)
// Deterministic: the same sources give the same bytes. MINIFY=0 for a readable bundle.
import { build } from 'esbuild';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
const missing = fileURLToPath(new URL('./missing-optional.cjs', import.meta.url));
const outfile = process.argv[2] ?? `${root}build/kube-fresh.cjs`;

// In a CommonJS bundle `import.meta` is empty. version.ts only reads it when the version was not
// injected, which the bundle always does; any other use would break at run time, so refuse it.
const metaUsers = readdirSync(`${root}src`, { recursive: true })
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  // Both read import.meta only when the bundler's constants below are absent.
  .filter((f) => f !== 'cli/version.ts' && f !== 'dashboard/client-assets.ts')
  .filter((f) => readFileSync(`${root}src/${f}`, 'utf8').includes('import.meta'));
if (metaUsers.length > 0) {
  console.error(
    `build-bundle: import.meta is empty in the bundle; used by ${metaUsers.join(', ')}`,
  );
  process.exit(1);
}

// The dashboard's page script and stylesheet, built as `npm run build` builds them, go inside the
// bundle: a single executable has no dist/dashboard/assets beside it.
const clientOptions = {
  bundle: true,
  minify: true,
  target: ['chrome120', 'firefox120', 'safari16'],
  format: 'iife',
  legalComments: 'none',
  logLevel: 'warning',
  write: false,
};
const built = await Promise.all(
  ['dashboard.ts', 'dashboard.css'].map(async (name) => {
    const out = await build({
      ...clientOptions,
      entryPoints: [`${root}src/dashboard/client/${name}`],
      outfile: name,
    });
    return out.outputFiles[0].text;
  }),
);
const dashboardAssets = { script: built[0], style: built[1] };

const result = await build({
  entryPoints: [`${root}src/cli/bin.ts`],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: process.env.MINIFY !== '0',
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
  logOverride: { 'empty-import-meta': 'silent' },
  define: {
    __KUBE_FRESH_VERSION__: JSON.stringify(pkg.version),
    __KUBE_FRESH_DASHBOARD_ASSETS__: JSON.stringify(dashboardAssets),
  },
  // Only reached when the assets above are missing, which the bundle never is.
  external: ['esbuild'],
  alias: Object.fromEntries(
    ['bufferutil', 'utf-8-validate', 'supports-color', 'encoding'].map((name) => [name, missing]),
  ),
});
const leaked = Object.keys(result.metafile.inputs).filter((input) => input.startsWith('harness/'));
if (leaked.length > 0) {
  console.error(`build-bundle: the test harness must not be bundled: ${leaked.join(', ')}`);
  process.exit(1);
}
writeFileSync(`${outfile}.meta.json`, JSON.stringify(result.metafile));
console.log(outfile);
