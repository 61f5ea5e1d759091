// `kube-fresh ui` (the built binary, a real process) on a real control plane and registry with
// stale and mixed workloads, looked at in Debian's chromium through playwright-core.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { browserSkipReason, launchChromium, watchedPage } from './chromium.ts';
import { startScenario, startUi, type RunningUi, type Scenario } from './scenario.ts';

const skip = browserSkipReason();

describe('the dashboard in chromium', { skip, timeout: 240_000 }, () => {
  let scenario: Scenario;
  let ui: RunningUi;
  let browser: Browser;
  const problems: string[] = [];
  const open = async (path: string): Promise<Page> => {
    const page = await watchedPage(browser, problems);
    await page.goto(new URL(path, ui.url).href);
    return page;
  };
  const rowOf = (page: Page, name: string) =>
    page.locator('#workloads-table tbody tr', { has: page.getByRole('link', { name }) });

  before(async () => {
    scenario = await startScenario();
    ui = await startUi(scenario);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    const code = await ui?.stop();
    await scenario?.stop();
    assert.equal(code, 0, `kube-fresh ui did not stop cleanly on SIGTERM: ${ui?.stderr()}`);
  });

  it('shows the namespace with its stale and mixed counts on the overview', async () => {
    const page = await open('/');
    const row = page.locator('tbody tr', { has: page.getByRole('rowheader', { name: 'shop' }) });
    await row.waitFor();
    // Columns: mixed, stale, pinned-behind, unknown, fresh, pinned.
    assert.deepEqual(await row.locator('td').allTextContents(), ['1', '1', '0', '0', '1', '0']);
    await page.close();
  });

  it('lists the workloads with verdicts, digests and policy, and filters and searches them', async () => {
    const page = await open('/workloads');
    await rowOf(page, 'deployment/web').waitFor();
    assert.match(await rowOf(page, 'deployment/web').innerText(), /mixed/);
    assert.match(await rowOf(page, 'deployment/api').innerText(), /stale/);
    assert.match(await rowOf(page, 'deployment/cart').innerText(), /latest\s+Always\s+fresh/);
    // Stale and mixed sort first by default.
    const names = await page.locator('#workloads-table tbody tr td:nth-child(2)').allTextContents();
    assert.deepEqual(names, ['deployment/web', 'deployment/api', 'deployment/cart']);

    await page.getByLabel('Search').fill('api');
    await page.getByText('Showing 1 of 3 workload containers').waitFor();
    assert.match(page.url(), /\?q=api$/);
    await page.getByLabel('Search').fill('');
    await page.getByLabel('Verdict').selectOption('attention');
    await page.getByText('Showing 2 of 3 workload containers').waitFor();
    // Sorting by a column heading, with the keyboard.
    await page.getByRole('button', { name: 'Workload' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.search.includes('sort=workload'));
    assert.deepEqual(
      await page.locator('#workloads-table tbody tr td:nth-child(2)').allTextContents(),
      ['deployment/api', 'deployment/web'],
    );
    await page.close();
  });

  it('opens a deep link in the state it names', async () => {
    const page = await open('/workloads?verdict=mixed&q=shop');
    await page.getByText('Showing 1 of 3 workload containers').waitFor();
    assert.equal(await page.getByLabel('Verdict').inputValue(), 'mixed');
    assert.equal(await page.getByLabel('Search').inputValue(), 'shop');
    assert.equal(await rowOf(page, 'deployment/web').count(), 1);
    await page.close();
  });

  it("tells one workload's replicas × nodes × digests, Pod stories and fixes", async () => {
    const page = await open('/workloads/shop/Deployment/web');
    await page.getByRole('heading', { name: /Container app/ }).waitFor();
    const grid = page.locator('table.grid');
    assert.deepEqual(await grid.locator('thead th').allTextContents(), [
      'Digest',
      'node-a',
      'node-b',
      'node-c',
    ]);
    assert.match(await grid.locator('tbody tr').nth(0).innerText(), /stale/);
    assert.match(await grid.locator('tbody tr').nth(1).innerText(), /fresh\s+\(current\)/);
    await page.getByText('kube-fresh fix -n shop deployment/web', { exact: true }).waitFor();
    assert.match(await page.locator('main').innerText(), /Old image cached on node-a/);
    await page.close();
  });

  it('draws the node × tag cache matrix with the old caches', async () => {
    const page = await open('/nodes');
    const web = page.locator('#matrix tbody tr', { hasText: 'shop/web:stable' });
    await web.waitFor();
    assert.deepEqual(await web.locator('td .badge').allTextContents(), ['old', 'old', 'current']);
    await page.close();
  });

  it('shows a moved tag after a refresh, without reloading the pages', async () => {
    const watching = await open('/workloads?q=cart');
    await rowOf(watching, 'deployment/cart').waitFor();
    assert.match(await rowOf(watching, 'deployment/cart').innerText(), /fresh/);
    await watching.evaluate(() => {
      (window as unknown as { marker: string }).marker = 'not reloaded';
    });
    await scenario.moveCartTag();
    const clicking = await open('/');
    await clicking.getByRole('button', { name: 'Refresh' }).click();
    await clicking.getByText(/Snapshot #2/).waitFor();
    await rowOf(watching, 'deployment/cart').filter({ hasText: 'stale' }).waitFor();
    await watching.getByText(/Snapshot #2/).waitFor();
    assert.equal(
      await watching.evaluate(() => (window as unknown as { marker?: string }).marker),
      'not reloaded',
    );
    await watching.close();
    await clicking.close();
  });

  it('logged no console errors', () => {
    assert.deepEqual(problems, []);
  });
});

if (skip !== undefined) console.log(`# skipped the browser tests: ${skip}`);
