// `npm run screenshots`: regenerates docs/screenshots/*.png, the README's pictures of the
// dashboard, from `kube-fresh ui` on the browser test's scenario (a real control plane and
// registry with a mixed, a stale and a fresh Deployment) in Debian's chromium.
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { CHROMIUM, launchChromium, watchedPage } from '../test/dashboard/chromium.ts';
import { startScenario, startUi } from '../test/dashboard/scenario.ts';

const out = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
const shots: ReadonlyArray<{ file: string; path: string; ready: string }> = [
  { file: 'overview.png', path: '/', ready: 'By namespace' },
  { file: 'workloads.png', path: '/workloads', ready: 'Showing 3 of 3' },
  { file: 'workload.png', path: '/workloads/shop/Deployment/web', ready: 'How to fix it' },
  { file: 'nodes.png', path: '/nodes', ready: 'Node × image-tag cache' },
];

await mkdir(out, { recursive: true });
const scenario = await startScenario();
try {
  const ui = await startUi(scenario);
  const browser = await launchChromium();
  try {
    const problems: string[] = [];
    for (const shot of shots) {
      const page = await watchedPage(browser, problems);
      await page.goto(new URL(shot.path, ui.url).href);
      await page.getByText(shot.ready).first().waitFor();
      // The registry's random port would change every picture; show a stable name instead.
      await page.evaluate((host) => {
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n !== null; n = walker.nextNode())
          n.textContent = (n.textContent ?? '').replaceAll(host, 'registry.example');
      }, scenario.registry.host);
      await page.screenshot({ path: `${out}${shot.file}`, fullPage: true });
      console.log(`screenshots: ${shot.file}`);
      await page.close();
    }
    if (problems.length > 0) throw new Error(`console errors:\n${problems.join('\n')}`);
  } finally {
    await browser.close();
    await ui.stop();
  }
} finally {
  await scenario.stop();
}
console.log(`screenshots: written to ${out} with ${CHROMIUM}`);
