// The dashboard pages in chromium at 1,000 workloads (2,000 Pods over 10 nodes), served in-process
// from a synthetic snapshot judged by the real status flow: every row drawn, search and filters
// narrow it, the keyboard reaches everything. Durations are printed, not asserted.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { FakeClusterReader } from '../../src/cluster/read/fake-cluster-reader.ts';
import { createDashboard, type Dashboard } from '../../src/dashboard/dashboard-routes.ts';
import { manyWorkloads, pictureTaker } from '../support/dashboard-fixtures.ts';
import { SnapshotPictureSource } from '../../src/dashboard/picture-source.ts';
import { startServer, type RunningServer } from '../../src/serving/http-server.ts';
import { browserSkipReason, launchChromium, watchedPage } from './chromium.ts';

const skip = browserSkipReason();

describe('the dashboard at 1,000 workloads in chromium', { skip, timeout: 120_000 }, () => {
  let server: RunningServer;
  let dashboard: Dashboard;
  let browser: Browser;
  let base: string;
  const problems: string[] = [];
  const rows = (page: Page) => page.locator('#workloads-table tbody tr');

  before(async () => {
    const { state, tags } = manyWorkloads(1000);
    const source = new SnapshotPictureSource(pictureTaker(new FakeClusterReader(state), tags));
    await source.current();
    dashboard = createDashboard({ source });
    server = await startServer({
      listen: { host: '127.0.0.1', port: 0 },
      routes: dashboard.routes,
      onHandlerError: (error) => problems.push(String(error)),
    });
    base = `http://127.0.0.1:${server.port}`;
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    dashboard?.close();
    await server?.close(100);
  });

  it('draws all 1,000 rows, then narrows them by search and verdict', async () => {
    const page = await watchedPage(browser, problems);
    const started = performance.now();
    await page.goto(`${base}/workloads`);
    await page.getByText('Showing 1000 of 1000 workload containers').waitFor();
    const drawn = performance.now() - started;
    const inPage = await page.evaluate(() =>
      Math.round(performance.getEntriesByName('kube-fresh:drawn')[0]?.startTime ?? -1),
    );
    assert.equal(await rows(page).count(), 1000);
    const searchStarted = performance.now();
    await page.getByLabel('Search').fill('svc-99');
    // svc-99 and svc-990…svc-999.
    await page.getByText('Showing 11 of 1000 workload containers').waitFor();
    const searched = performance.now() - searchStarted;
    await page.getByLabel('Search').fill('');
    await page.getByLabel('Verdict').selectOption('mixed');
    await page.getByText('Showing 67 of 1000 workload containers').waitFor();
    assert.match(page.url(), /verdict=mixed/);
    console.log(
      `# 1,000 workloads in chromium: navigation to 1,000 rows drawn ${inPage} ms in the page (${drawn.toFixed(0)} ms as playwright saw it); search to 11 rows ${searched.toFixed(0)} ms`,
    );
    await page.close();
  });

  it('is keyboard usable: a skip link first, sortable headings are buttons', async () => {
    const page = await watchedPage(browser, problems);
    await page.goto(`${base}/workloads`);
    await page.getByText('Showing 1000 of 1000').waitFor();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');
    await page.getByRole('button', { name: 'Namespace' }).press('Enter');
    await page.waitForFunction(() => location.search.includes('sort=namespace'));
    assert.equal(
      await page.locator('th[data-key="namespace"]').getAttribute('aria-sort'),
      'ascending',
    );
    await page.close();
  });

  it('logged no console errors', () => {
    assert.deepEqual(problems, []);
  });
});
