// `npm run build`'s second step: bundles the dashboard's page script and stylesheet with esbuild
// into dist/dashboard/assets/, next to the compiled server that serves them.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { CLIENT_BUILD_OPTIONS, clientEntryPoints } from '../src/dashboard/client-assets.ts';

const outdir = fileURLToPath(new URL('../dist/dashboard/assets/', import.meta.url));
const result = await build({
  ...CLIENT_BUILD_OPTIONS,
  target: [...CLIENT_BUILD_OPTIONS.target],
  entryPoints: [clientEntryPoints().script, clientEntryPoints().style],
  outdir,
  metafile: true,
});
for (const [file, output] of Object.entries(result.metafile.outputs))
  console.log(`bundle-dashboard: ${file} ${output.bytes} bytes`);
