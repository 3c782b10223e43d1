// The web UI open in seven tabs of one headless Chromium (playwright-core), as a Locust user keeps it
// open in several: every tab loads and stays live (a browser keeps 6 HTTP/1.1 connections per host, and
// each tab's own event stream held one: the 7th tab never loaded), a test started from a script shows
// its host in every tab's header and clears every tab's charts (not only those of the tab that started
// it), and the Download tab's "Download Report" link and the report's own link download the HTML report.
// Usage: node multi_tab.e2e.mjs BUILD_DIR SOURCE_DIR (from a folder whose node_modules has playwright-core).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { bounded, openBrowser, startModelServer, startServer, terminate, UI_URL } from './harness.mjs';

const [buildDir, sourceDir] = process.argv.slice(2);
if (!buildDir || !sourceDir) throw new Error('usage: node multi_tab.e2e.mjs BUILD_DIR SOURCE_DIR');

const TABS = 7;
const state = (page) => page.evaluate(() => document.querySelector('#state').textContent);

async function main() {
  const api = await startModelServer(buildDir, sourceDir);
  const cicada = await startServer([join(buildDir, 'apps/cicada/cicada'), '-f', join(sourceDir, 'examples/health.yaml'),
    '--host', api.url, '--web-port', '0', '--threads', '1', '-u', '2', '-r', '10'], 'cicada', UI_URL);
  const uiUrl = cicada.url;
  // The same target under another name: a test started with it has a host the pages were not told of.
  const otherHost = api.url.replace('127.0.0.1', 'localhost');

  const { context, page: first } = await openBrowser();
  try {
    const pages = [first];
    while (pages.length < TABS) pages.push(await context.newPage());
    // Each tab loads and gets its live updates. The 30 s only catch a tab that waits for a connection.
    for (const [i, page] of pages.entries()) {
      await page.goto(uiUrl, { timeout: 30_000 });
      await page.waitForFunction(() => document.querySelector('#state').textContent === 'READY', null, { timeout: 30_000 });
      if (await page.isVisible('#swarm-dialog[open]')) await page.click('#swarm-cancel');
      assert.equal(await page.textContent('#host'), api.url, `tab ${i + 1}'s header names the command line's host`);
    }

    // Tab 1 starts a test; every tab follows it live, the 7th too.
    await first.click('#new-button');
    await first.click('#swarm-submit');
    for (const [i, page] of pages.entries()) {
      await page.waitForFunction(() => window.cicada.series.time.length >= 3, null, { timeout: 30_000 });
      assert.ok(['SPAWNING', 'RUNNING'].includes(await state(page)), `tab ${i + 1} is live`);
    }

    // A script stops that test and starts another against the other host name.
    const stop = await fetch(`${uiUrl}/stop`).then((r) => r.json());
    assert.equal(stop.success, true);
    const second = pages[1];
    await second.waitForFunction(() => document.querySelector('#state').textContent === 'STOPPED', null, { timeout: 30_000 });
    // The old test's points are all dated at or before its stopped second: the new test starts in a later one.
    const stoppedAt = await second.evaluate(() => window.cicada.last.time);
    while (Date.now() / 1000 < Math.floor(stoppedAt) + 1) await new Promise((r) => setTimeout(r, 50));
    const swarmSentAt = Date.now() / 1000;
    const swarm = await fetch(`${uiUrl}/swarm`, {
      method: 'POST', body: new URLSearchParams({ user_count: '1', spawn_rate: '10', host: otherHost }),
    }).then((r) => r.json());
    assert.equal(swarm.success, true, JSON.stringify(swarm));
    assert.equal(swarm.host, otherHost);

    for (const [i, page] of pages.entries()) {
      await page.waitForFunction(() => window.cicada.last.test_id === 2 && window.cicada.series.time.length >= 2, null, { timeout: 30_000 });
      assert.equal(await page.textContent('#host'), otherHost, `tab ${i + 1}'s header names the running test's host`);
      const times = await page.evaluate(() => window.cicada.series.time);
      assert.ok(times.every((t) => t >= Math.floor(swarmSentAt)),
        `tab ${i + 1}'s charts hold only the new test's seconds (from ${Math.floor(swarmSentAt)}): ${times}`);
    }

    // Locust's "Download Report" link in the Download tab: the HTML report as an attachment.
    await second.click('#tabs button[data-tab=download]');
    const [download] = await Promise.all([second.waitForEvent('download', { timeout: 15_000 }), second.click('#download-report')]);
    assert.match(download.suggestedFilename(), /^report_[0-9.]+\.html$/);
    const html = readFileSync(await download.path(), 'utf8');
    assert.ok(html.includes('cicada test report') && html.includes(otherHost), 'the report of the running test');
    assert.ok(!html.includes('?download=1'), 'a downloaded report has no download link');
    // The report opened in the browser links its own download, as Locust's does.
    const [report] = await Promise.all([context.waitForEvent('page', { timeout: 15_000 }), second.click('#open-report')]);
    await report.waitForLoadState();
    const [again] = await Promise.all([report.waitForEvent('download', { timeout: 15_000 }), report.click('text=Download the Report')]);
    assert.match(again.suggestedFilename(), /^report_[0-9.]+\.html$/);
    await report.close();

    // A page closed: the others stay live (the page holding the shared stream may be the one that went).
    await first.close();
    const before = await second.evaluate(() => window.cicada.series.time.length);
    await second.waitForFunction((n) => window.cicada.series.time.length >= n + 2, before, { timeout: 30_000 });
  } finally {
    await context.close();
  }

  assert.equal(await terminate(cicada), 0, `cicada exits 0 on SIGTERM: ${cicada.output()}`);
  console.log(`PASS: web UI in ${TABS} tabs: all live, a script's test shows its host and clears every tab's charts, report download`);
}

bounded(170, main);
