// Browser test of `cicada capacity` with its web UI (headless Chromium): a search against cicada-model
// throttled to ~500 requests/s (one thread, 2 ms sleep per /predict, as tests/e2e/capacity) fills the
// steps table and the throughput-latency curve as steps end, then shows the answer with its limiting
// objective; GET /capacity has the same data. Short steps (1 s warm-up, 2 s measured) from 100/s by 150/s
// keep it to a few steps (100, 250, 400 within, 550 and 700 past the capacity, where the queue grows),
// with Poisson arrivals, which the page names.
// The objective is loose (p95 < 1 s) so the first step passes even on a loaded machine: this test is
// about the page, tests/e2e/capacity about the answer. Usage: node capacity_ui.e2e.mjs BUILD_DIR SOURCE_DIR
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { bounded, openBrowser, startModelServer, startServer, terminate, UI_URL, work } from './harness.mjs';

const [buildDir, sourceDir] = process.argv.slice(2);
if (!buildDir || !sourceDir) throw new Error('usage: node capacity_ui.e2e.mjs BUILD_DIR SOURCE_DIR');

bounded(150, async () => {
  const api = await startModelServer(buildDir, sourceDir, ['--simulated-cost-us', '2000', '--simulated-cost-mode', 'sleep']);
  const search = await startServer([join(buildDir, 'apps/cicada/cicada'), 'capacity',
    '-f', join(sourceDir, 'examples/fixed-predict.yaml'), '--host', api.url,
    '--slo', 'p95 < 1s', '--slo', 'fail_ratio < 1%', '--mode', 'rate', '--start', '100', '--step', '150',
    '--max-steps', '5', '--warmup', '1s', '--hold', '2s', '--threads', '1', '--seed', '7', '--arrival-distribution', 'poisson',
    '--history-db', join(work, 'history.db'), '--web-port', '0'], 'cicada capacity', UI_URL);

  const { context, page } = await openBrowser();
  let starved = false;
  try {
    await page.goto(search.url);
    await page.waitForFunction(() => document.querySelector('#objectives').textContent.includes('p95 < 1s'), null, { timeout: 10_000 });
    assert.match(await page.textContent('#setup'), /arrival rate \(Poisson arrivals\) from 100\/s/);
    // Steps appear while the search runs: the first one before the answer.
    await page.waitForFunction(() => document.querySelectorAll('#steps-table tbody tr').length >= 1, null, { timeout: 20_000 });
    const early = await page.evaluate(() => window.cicadaCapacity.data.state);
    if (early !== 'running' && search.output().includes('the load generator was starved of CPU')) {
      // The search ended after its first step because other work on this machine took the generator's
      // CPU (its run-queue wait was over 25%): it is right to stop there, and nothing is left to watch live.
      const answer = await page.evaluate(() => window.cicadaCapacity.data.state);
      assert.equal(answer, 'done', search.output());
      starved = true;
    } else {
      assert.equal(early, 'running', `the first step is shown while the search still runs: ${search.output()}`);
      await page.waitForFunction(() => window.cicadaCapacity.data?.state === 'done', null, { timeout: 60_000 });
      await page.waitForFunction(() => document.querySelector('#state').textContent === 'DONE', null, { timeout: 5_000 });

      const data = await page.evaluate(() => fetch('capacity').then((r) => r.json()));
      assert.ok(data.points.length >= 2, `at least two steps: ${JSON.stringify(data.points)}`);
      assert.deepEqual(data.slos, ['p95 < 1s', 'fail_ratio < 1%']);
      // The curve holds one point per step, x the offered load, y the throughput.
      const curve = await page.evaluate(() => window.cicadaCapacity.chart.data);
      assert.deepEqual(curve[0], data.points.map((p) => p.load));
      assert.deepEqual(curve[1], data.points.map((p) => p.throughput_rps));
      assert.equal(await page.locator('#chart-curve canvas').count(), 1);
      // The load axis ends at the highest load measured.
      const xMax = await page.evaluate(() => window.cicadaCapacity.chart.scales.x.max);
      assert.equal(xMax, Math.max(...data.points.map((p) => p.load)), 'the load axis ends at the highest load');
      const rows = await page.locator('#steps-table tbody tr').count();
      assert.equal(rows, data.points.length);
      // Each row shows the generator's CPU and its threads' wait for a CPU (issue 16): the search's own
      // evidence when it calls the generator, not the target, the limit.
      const headers = await page.locator('#steps-table thead th').allTextContents();
      const waitColumn = headers.indexOf('CPU wait');
      assert.ok(waitColumn > 0 && headers[waitColumn - 1] === 'Generator CPU', headers.join(' | '));
      const waits = await page.locator(`#steps-table tbody tr td:nth-child(${waitColumn + 1})`).allTextContents();
      assert.deepEqual(waits, data.points.map((p) => (p.generator_cpu_wait === null ? 'N/A' : `${Math.round(100 * p.generator_cpu_wait)}%`)));
      // And, above the polling rate, its polling loops' busy share (null below it: N/A).
      assert.equal(headers[waitColumn + 1], 'Polling loops busy', headers.join(' | '));
      const busy = await page.locator(`#steps-table tbody tr td:nth-child(${waitColumn + 2})`).allTextContents();
      assert.deepEqual(busy, data.points.map((p) => (p.generator_busy === null ? 'N/A' : `${Math.round(100 * p.generator_busy)}%`)));
      // Each row says how its step ended, in the words of the HTML report (the server's `outcome`).
      const rowTexts = await page.locator('#steps-table tbody tr').allTextContents();
      data.points.forEach((p, i) => assert.ok(p.outcome && rowTexts[i].includes(p.outcome), `${rowTexts[i]} | ${p.outcome}`));
      // The answer, and the limit named after the step that crossed it. (How close the answer is to the
      // known capacity is tests/e2e/capacity's job: here a browser shares the cores with the search.)
      assert.equal(data.result.found, true, JSON.stringify(data.result));
      assert.ok(data.result.max_load >= 100 && data.result.max_load <= 700, `max sustainable ${data.result.max_load}/s`);
      const result = await page.textContent('#result');
      // The console's words: a generator that saturated found a lower bound, not the maximum.
      const answer = data.result.generator_saturated ? 'Highest load measured before the generator saturated'
        : 'Maximum sustainable load';
      assert.equal(data.result.answer_label, answer, JSON.stringify(data.result));
      assert.ok(result.includes(`${answer}: ${data.result.max_load_text}`), result);
      assert.equal(typeof data.result.saturated_bound_text, 'string', JSON.stringify(data.result));
      if (data.result.saturated_bound_text) assert.ok(result.includes(data.result.saturated_bound_text), result);
      assert.equal(typeof data.result.past_limit_note, 'string', JSON.stringify(data.result));
      if (data.result.past_limit_note) assert.ok(result.includes(`Note: ${data.result.past_limit_note}`), result);
      if (data.result.limit) assert.ok(result.includes(`Limiting objective: ${data.result.limit}`), result);
      console.log(`capacity UI: ${data.points.map((p) => `${p.load}/s -> ${p.throughput_rps.toFixed(0)} req/s p95 ${p.p95_ms.toFixed(1)} ms`).join('; ')}; max ${data.result.max_load_text}`);
    }
  } finally {
    await context.close();
  }
  if (starved) {
    await terminate(search);
    console.log(`SKIP: the machine is too busy for this test's load, the search says so: ${search.output()}`);
    return;
  }
  const code = await terminate(search);
  assert.equal(code, 0, `a found capacity exits 0: ${search.output()}`);
  assert.match(search.output(), /Recorded as run \d+/, 'the search is in the run history');
  console.log('PASS: capacity search in the web UI (live steps, curve, answer, /capacity)');
});
