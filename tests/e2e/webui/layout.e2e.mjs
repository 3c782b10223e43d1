// The web UI's layout and its finish, in headless Chromium at 1,280, 1,440 and 400 px wide:
// - the start form is reachable in every state (open at ready, back after Escape via Start, Edit while
//   running, New test after the stop) and inside the window, also on a phone-sized one and on an
//   emulated phone;
// - no state or tab makes the page scroll sideways; the header's figures stay in view;
// - the statistics table shows requests, failures, median, p95, p99 and RPS at 1,280 px with the other
//   percentiles one click away, and sorts by a clicked column (Aggregated stays last);
// - the Current ratio tab lists the scenario's user types and tasks;
// - a dead target raises a banner (every recent request failed), a dead cicada another (no connection).
// Target: a Node loopback server this test starts and kills. Usage:
//   node layout.e2e.mjs BUILD_DIR SOURCE_DIR [SCREENSHOT_DIR]   (writes webui-1280.png, webui-400.png)
import { createServer } from 'node:http';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { bounded, openBrowser, startServer, work, UI_URL } from './harness.mjs';

const [buildDir, sourceDir, screenshots] = process.argv.slice(2);
if (!buildDir || !sourceDir) throw new Error('usage: node layout.e2e.mjs BUILD_DIR SOURCE_DIR [SCREENSHOT_DIR]');

const SCENARIO = `user_types:
  ShopUser:
    weight: 3
    wait_time: between(0.05, 0.2)
    tasks:
      browse:
        weight: 3
        requests:
          - get: /products
      product_page_with_a_rather_long_name:
        requests:
          - get: /products/42/reviews?sort=newest&page=1&per_page=50
  AdminUser:
    wait_time: between(0.1, 0.3)
    tasks:
      report:
        requests:
          - post: /admin/report
            json: {"days": 7}
`;

async function startTarget() {
  const server = createServer((req, res) => { req.resume(); setTimeout(() => res.end('OK'), 2); });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

// Facts about the page's horizontal fit, measured in the page.
const fit = (page) => page.evaluate(() => {
  const inView = (sel) => {
    const el = document.querySelector(sel);
    if (!el || !el.checkVisibility()) return false;  // (a modal dialog is fixed: it has no offsetParent)
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.left >= 0 && r.right <= window.innerWidth + 0.5 && r.top >= 0 &&
      r.bottom <= window.innerHeight + 0.5;
  };
  return {
    width: window.innerWidth,
    scrollWidth: document.documentElement.scrollWidth,
    header: ['#state', '#user-count', '#total-rps', '#fail-ratio'].every(inView),
    dialog: document.querySelector('#swarm-dialog').open ? inView('#swarm-dialog') && inView('#swarm-submit') : null,
  };
});

async function noSideScroll(page, what) {
  const f = await fit(page);
  assert.ok(f.scrollWidth <= f.width, `${what} at ${f.width} px: the page is ${f.scrollWidth} px wide`);
  assert.ok(f.header, `${what} at ${f.width} px: the header's figures are in view`);
  if (f.dialog !== null) assert.ok(f.dialog, `${what} at ${f.width} px: the form is inside the window`);
}

// Every tab, with no sideways scroll.
async function everyTab(page, what) {
  for (const tab of ['stats', 'charts', 'histogram', 'failures', 'exceptions', 'ratio', 'download']) {
    await page.click(`#tabs button[data-tab=${tab}]`);
    await page.waitForTimeout(150);
    await noSideScroll(page, `${what}, ${tab} tab`);
  }
  await page.click('#tabs button[data-tab=stats]');
}

const headVisible = (page, label) => page.evaluate((l) => {
  const th = [...document.querySelectorAll('#stats-table th')].find((h) => h.textContent === l);
  if (!th || th.offsetParent === null) return false;
  const r = th.getBoundingClientRect();
  return r.right <= window.innerWidth;
}, label);

const rows = (page) => page.evaluate(() => [...document.querySelectorAll('#stats-table tbody tr')]
  .map((r) => ({ name: r.cells[1].textContent, requests: Number(r.cells[2].textContent.replace(/,/g, '')) })));

async function main() {
  const target = await startTarget();
  const targetUrl = `http://127.0.0.1:${target.address().port}`;
  const scenario = join(work, 'shop.yaml');
  writeFileSync(scenario, SCENARIO);
  const cicada = await startServer([join(buildDir, 'apps/cicada/cicada'), '-f', scenario, '--host', targetUrl,
    '--web-port', '0', '--threads', '1', '-u', '8', '-r', '8'], 'cicada', UI_URL);
  // A phone (emulated Pixel 5: 393 px at 2.75x, touch, mobile viewport): the form opens inside the screen
  // with its Start button in reach, and nothing scrolls sideways.
  const phone = await openBrowser('Pixel 5');
  try {
    await phone.page.goto(cicada.url);
    await phone.page.waitForSelector('#swarm-dialog[open]', { timeout: 10_000 });
    assert.ok(await phone.page.evaluate(() => window.innerWidth < 500 && devicePixelRatio > 2), 'a phone-sized screen');
    await noSideScroll(phone.page, 'phone, form open');
    assert.equal((await fit(phone.page)).dialog, true, 'on a phone the form is inside the screen');
  } finally {
    await phone.context.close();
  }

  const { context, page } = await openBrowser();
  try {
    // Ready: the form opens by itself, fits every width, and comes back after Escape.
    for (const width of [1280, 1440, 400]) {
      await page.setViewportSize({ width, height: width === 400 ? 780 : 900 });
      await page.goto(cicada.url);
      await page.waitForSelector('#swarm-dialog[open]', { timeout: 10_000 });
      await noSideScroll(page, 'ready, form open');
      await page.keyboard.press('Escape');
      await page.waitForFunction(() => !document.querySelector('#swarm-dialog').open);
      assert.ok(await page.isVisible('#new-button'), `after Escape at ${width} px a Start button remains`);
      await noSideScroll(page, 'ready, form closed');
    }
    // Cancel leaves the Start button too (the dead end was Cancel or Escape), and Start reopens the form.
    await page.click('#new-button');
    await page.waitForSelector('#swarm-dialog[open]');
    await page.click('#swarm-cancel');
    await page.waitForFunction(() => !document.querySelector('#swarm-dialog').open);
    assert.ok(await page.isVisible('#new-button'), 'after Cancel a Start button remains');
    await page.click('#new-button');
    await page.waitForSelector('#swarm-dialog[open]');
    await page.click('#swarm-submit');
    await page.waitForFunction(() => document.querySelectorAll('#stats-table tbody tr').length >= 4, null, { timeout: 15_000 });
    await page.waitForTimeout(3000);

    for (const width of [1280, 1440, 400]) {
      await page.setViewportSize({ width, height: width === 400 ? 780 : 900 });
      await page.waitForTimeout(300);
      await everyTab(page, 'running');
      if (width !== 400) {
        for (const label of ['# Requests', '# Fails', 'Median', '95%', '99%', 'Current RPS'])
          assert.ok(await headVisible(page, label), `${label} visible at ${width} px`);
      }
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    // The other percentiles are one click away, and hidden before it.
    assert.equal(await headVisible(page, '66%'), false, '66% is not among the key columns');
    await page.click('#columns-button');
    assert.ok(await page.isVisible('#stats-table th[data-p="1"]'), '66% shows after one click');
    await noSideScroll(page, 'all columns');
    await page.click('#columns-button');

    // Sorting: by requests, largest first, Aggregated last; again: smallest first.
    await page.click('#stats-table th[data-key=num_requests]');
    let r = await rows(page);
    assert.equal(r[r.length - 1].name, 'Aggregated');
    const entries = r.slice(0, -1).map((x) => x.requests);
    assert.deepEqual(entries, [...entries].sort((a, b) => b - a), `sorted by requests: ${JSON.stringify(r)}`);
    await page.click('#stats-table th[data-key=num_requests]');
    r = await rows(page);
    const ascending = r.slice(0, -1).map((x) => x.requests);
    assert.deepEqual(ascending, [...ascending].sort((a, b) => a - b), `ascending: ${JSON.stringify(r)}`);
    assert.equal(r[r.length - 1].name, 'Aggregated');

    // Current ratio: 3:1 user types, tasks within them.
    await page.click('#tabs button[data-tab=ratio]');
    await page.waitForFunction(() => document.querySelector('#ratio-total').textContent.includes('ShopUser'), null, { timeout: 10_000 });
    const ratio = await page.textContent('#ratio-total');
    assert.match(ratio, /75\.0%\s*ShopUser/);
    assert.match(ratio, /25\.0%\s*AdminUser/);
    assert.match(await page.textContent('#ratio-per-class'), /75\.0%\s*browse/);
    await page.click('#tabs button[data-tab=stats]');

    // Editing is reachable while running.
    await page.click('#edit-button');
    await page.waitForSelector('#swarm-dialog[open]');
    await noSideScroll(page, 'edit form');
    await page.click('#swarm-cancel');

    if (screenshots) {
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.waitForTimeout(1500);
      await page.screenshot({ path: join(screenshots, 'webui-1280.png'), fullPage: true });
      await page.click('#tabs button[data-tab=charts]');
      await page.waitForTimeout(1500);
      await page.screenshot({ path: join(screenshots, 'webui-charts-1280.png'), fullPage: true });
      await page.click('#tabs button[data-tab=stats]');
      await page.setViewportSize({ width: 400, height: 780 });
      await page.waitForTimeout(1500);
      await page.screenshot({ path: join(screenshots, 'webui-400.png'), fullPage: true });
      await page.setViewportSize({ width: 1280, height: 900 });
    }

    // The target dies: every request fails, and a banner says so.
    target.closeAllConnections();
    target.close();
    await page.waitForFunction(() => {
      const b = document.querySelector('#banner');
      return !b.classList.contains('hidden') && b.textContent.includes('target may be down');
    }, null, { timeout: 20_000 });

    await page.click('#stop-button');
    await page.waitForFunction(() => document.querySelector('#state').textContent === 'STOPPED', null, { timeout: 15_000 });
    assert.ok(await page.isVisible('#new-button'), 'New test after the stop');
    assert.ok(await page.isHidden('#banner'), 'no target banner once the test stopped');

    // cicada itself goes away: the page says its figures are stale.
    cicada.child.kill('SIGTERM');
    await page.waitForFunction(() => document.querySelector('#banner').textContent.includes('Lost the connection'), null, { timeout: 15_000 });
    await noSideScroll(page, 'connection lost');
  } finally {
    await context.close();
  }
  console.log('PASS: web UI layout at 1280/1440/400 px, form reachable, key columns, sorting, ratio, banners');
}

bounded(170, main);
