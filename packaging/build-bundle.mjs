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
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'cli/version.ts')
  .filter((f) => readFileSync(`${root}src/${f}`, 'utf8').includes('import.meta'));
if (metaUsers.length > 0) {
  console.error(
    `build-bundle: import.meta is empty in the bundle; used by ${metaUsers.join(', ')}`,
  );
  process.exit(1);
}

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
  define: { __KUBE_FRESH_VERSION__: JSON.stringify(pkg.version) },
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
