// End-to-end test of cicada's web UI in headless Debian Chromium (playwright-core):
// cicada-model serves a trained model, `cicada -f examples/health.yaml --web-port 0` serves the UI; the
// test starts a test from the form, sees the stats table and the charts update live, edits the user
// count, stops, and downloads a CSV. Usage: node webui.e2e.mjs BUILD_DIR SOURCE_DIR [SCREENSHOT.png]
// (run from a folder whose node_modules has playwright-core). Everything is bounded in time.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { bounded, openBrowser, requestCount, startModelServer, startServer, terminate, UI_URL, waitForCountToGrow } from './harness.mjs';

const [buildDir, sourceDir, screenshot] = process.argv.slice(2);
if (!buildDir || !sourceDir) throw new Error('usage: node webui.e2e.mjs BUILD_DIR SOURCE_DIR [SCREENSHOT]');

async function main() {
  const api = await startModelServer(buildDir, sourceDir);
  const cicada = await startServer([join(buildDir, 'apps/cicada/cicada'), '-f', join(sourceDir, 'examples/health.yaml'),
    '--host', api.url, '--web-port', '0', '--threads', '1', '-u', '7', '-r', '3'], 'cicada', UI_URL);
  const uiUrl = cicada.url;

  const { context, page } = await openBrowser();
  try {
    const offsite = [];
    page.on('request', (r) => { if (!r.url().startsWith(uiUrl)) offsite.push(r.url()); });
    await page.goto(uiUrl);

    // The start form opens by itself in the ready state, with the command line's values.
    await page.waitForSelector('#swarm-dialog[open]', { timeout: 10_000 });
    assert.equal(await page.inputValue('#user_count'), '7');
    assert.equal(await page.inputValue('#host-input'), api.url);
    await page.fill('#user_count', '3');
    await page.fill('#spawn_rate', '10');
    await page.click('#swarm-submit');
    await page.waitForFunction(() => ['SPAWNING', 'RUNNING'].includes(document.querySelector('#state').textContent), null, { timeout: 10_000 });

    // The stats table updates without a reload: the /health row appears and its count grows.
    const first = await waitForCountToGrow(page, '/health');
    assert.ok(await requestCount(page, '/health') > first, 'the request count grows live');

    // Charts: uPlot canvases, fed a new point every second.
    await page.click('#tabs button[data-tab=charts]');
    assert.equal(await page.locator('#chart-rps canvas').count(), 1);
    const points = await page.evaluate(() => window.cicada.series.time.length);
    await page.waitForFunction((n) => window.cicada.series.time.length >= n + 2, points, { timeout: 10_000 });
    const drawn = await page.evaluate(() => window.cicada.charts.rps.data[0].length);
    assert.ok(drawn >= points + 2, `the RPS chart holds the new points (${drawn})`);
    // The stage-boundary plugin ran on the redraw; a run without a load shape has no stage to mark.
    const marks = await page.evaluate(() => window.cicada.drawnMarks['Total requests per second']);
    assert.equal(marks, 0, `stage marks drawn without stages: ${marks}`);

    // Latency histogram of the selected entry.
    await page.click('#tabs button[data-tab=histogram]');
    await page.waitForFunction(() => document.querySelector('#histogram-note').textContent.includes('requests'), null, { timeout: 10_000 });

    // Edit the running test's user count.
    await page.click('#tabs button[data-tab=stats]');
    await page.click('#edit-button');
    await page.fill('#user_count', '5');
    await page.click('#swarm-submit');
    await page.waitForFunction(() => document.querySelector('#user-count').textContent === '5', null, { timeout: 15_000 });
    if (screenshot) {
      await page.click('#tabs button[data-tab=charts]');
      await page.waitForTimeout(8000);  // a few more seconds of chart
      await page.screenshot({ path: screenshot, fullPage: true });
      await page.click('#tabs button[data-tab=stats]');
    }

    await page.click('#stop-button');
    await page.waitForFunction(() => document.querySelector('#state').textContent === 'STOPPED', null, { timeout: 15_000 });

    // Download the request statistics CSV.
    await page.click('#tabs button[data-tab=download]');
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 10_000 }), page.click('#download-stats')]);
    assert.match(download.suggestedFilename(), /^requests_[0-9.]+\.csv$/);
    const csv = readFileSync(await download.path(), 'utf8');
    assert.ok(csv.startsWith('Type,Name,Request Count,Failure Count,'), csv);
    assert.match(csv, /\nGET,\/health,[1-9]/);
    assert.deepEqual(offsite, [], 'the UI loads nothing from the network');
  } finally {
    await context.close();
  }

  const code = await terminate(cicada);
  assert.equal(code, 0, `cicada exits 0 on SIGTERM after a clean test: ${cicada.output()}`);
  console.log('PASS: web UI end-to-end (start, live stats and charts, edit, stop, CSV download)');
}

bounded(150, main);
