// Browser test of shaped and arrival-rate tests started from the web UI's form (headless Chromium):
// 1. malformed stages: the form shows the server's message and nothing starts;
// 2. stages of arrival rates from the form, with Poisson arrivals chosen: the header shows the rate and
//    the distribution, the iterations in flight and the dropped count, the corrected/uncorrected strip
//    fills in, and the live charts mark both stages;
// 3. a cicada started with --arrival-rate: the form says the shape is set, offers its arrivals (Poisson
//    chosen), and starting runs it;
// 4. --class-picker with a locustfile of two user classes and a shape class: the form lists both classes
//    picked and the shape as "Default"; picking the shape hides the load choice; one class picked runs
//    only that class.
// Target: cicada-model on loopback. Usage: node shaped_start.e2e.mjs BUILD_DIR SOURCE_DIR
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { bounded, openBrowser, startModelServer, startServer, terminate, UI_URL } from './harness.mjs';

const [buildDir, sourceDir] = process.argv.slice(2);
if (!buildDir || !sourceDir) throw new Error('usage: node shaped_start.e2e.mjs BUILD_DIR SOURCE_DIR');
const cicadaBin = join(buildDir, 'apps/cicada/cicada');
const scenario = join(sourceDir, 'examples/health.yaml');
const text = (page, sel) => page.evaluate((s) => document.querySelector(s).textContent, sel);
const visible = (page, sel) => page.evaluate((s) => document.querySelector(s).offsetParent !== null, sel);

async function stagesFromTheForm(page, api) {
  const cicada = await startServer([cicadaBin, '-f', scenario, '--host', api.url, '--web-port', '0', '--threads', '1'], 'cicada', UI_URL);
  await page.goto(cicada.url);
  await page.waitForSelector('#swarm-dialog[open]', { timeout: 10_000 });
  assert.equal(await visible(page, '#load-choice'), true, 'the load choice is offered without a configured shape');
  await page.check('input[name=load_kind][value=stages]');
  assert.equal(await visible(page, '#user_count'), false, 'users are hidden for stages');
  // Stages end the test themselves: no run time to cut them short, no in-flight limit of their own.
  assert.equal(await visible(page, '#run_time'), false, 'no run time with stages');
  assert.equal(await visible(page, '#max_inflight'), false, 'no max in-flight with stages');
  assert.equal(await visible(page, '#arrival_distribution'), true, 'stages of rates take a distribution');
  await page.check('input[name=load_kind][value=arrival_rate]');
  assert.equal(await visible(page, '#run_time'), true, 'run time is back for an arrival rate');
  assert.equal(await visible(page, '#max_inflight'), true, 'max in-flight is offered for an arrival rate');
  assert.equal(await visible(page, '#arrival_distribution'), true, 'an arrival rate takes a distribution');
  await page.check('input[name=load_kind][value=users]');
  assert.equal(await visible(page, '#arrival_distribution'), false, 'users have no arrival distribution');
  await page.check('input[name=load_kind][value=stages]');
  assert.equal(await page.inputValue('#arrival_distribution'), 'constant', 'the command line\'s default');
  await page.selectOption('#arrival_distribution', 'poisson');

  // Malformed stages: the server's message in the form, the test not started.
  await page.fill('#stages', '30x:10');
  await page.click('#swarm-submit');
  await page.waitForFunction(() => document.querySelector('#swarm-error').textContent.includes('stages'), null, { timeout: 10_000 });
  assert.equal(await text(page, '#state'), 'READY');

  await page.fill('#stages', '2s:20/s, 60s:40/s');
  await page.click('#swarm-submit');
  await page.waitForFunction(() => !document.querySelector('#swarm-dialog').open, null, { timeout: 10_000 });
  // The second stage's rate and its arrivals, iterations in flight and dropped in the header; users hidden.
  await page.waitForFunction(() => document.querySelector('#arrival-rate').textContent === '40/s (Poisson)', null, { timeout: 15_000 });
  assert.equal(await visible(page, '#in-flight'), true);
  assert.equal(await visible(page, '#users-fact'), false, 'in flight replaces users in the open model');
  assert.match(await text(page, '#in-flight'), /^\d+$/);
  assert.equal(await text(page, '#dropped'), '0');
  await page.waitForFunction(() => /^[\d.]+$/.test(document.querySelector('#uncorrected-p99').textContent), null, { timeout: 10_000 });
  assert.match(await text(page, '#corrected-p95'), /^[\d.]+$/);
  assert.equal(await visible(page, '#edit-button'), false, 'stages move on by themselves: no edit');

  // Both stage boundaries drawn on the live charts.
  await page.click('#tabs button[data-tab=charts]');
  await page.waitForFunction(() => (window.cicada.drawnMarks['Total requests per second'] ?? 0) >= 2, null, { timeout: 10_000 });
  const stages = await page.evaluate(() => window.cicada.last.stages.map((s) => s.label));
  assert.deepEqual(stages.map((l) => l.slice(0, 9)), ['stage 1/2', 'stage 2/2'], JSON.stringify(stages));

  await page.click('#stop-button');
  await page.waitForFunction(() => document.querySelector('#state').textContent === 'STOPPED', null, { timeout: 15_000 });
  assert.equal(await terminate(cicada), 0, cicada.output());
}

async function shapeFromTheCommandLine(page, api) {
  const cicada = await startServer([cicadaBin, '-f', scenario, '--host', api.url, '--web-port', '0', '--threads', '1',
    '--arrival-rate', '30'], 'cicada', UI_URL);
  await page.goto(cicada.url);
  await page.waitForSelector('#swarm-dialog[open]', { timeout: 10_000 });
  assert.equal(await visible(page, '#load-choice'), false, 'no load choice: the command line set the shape');
  assert.equal(await visible(page, '#user_count'), false);
  assert.match(await text(page, '#shape-note'), /arrival rate 30\/s/);
  // A configured rate still takes its arrivals from the form.
  assert.equal(await visible(page, '#arrival_distribution'), true, 'a configured arrival rate offers its arrivals');
  await page.selectOption('#arrival_distribution', 'poisson');
  await page.click('#swarm-submit');
  await page.waitForFunction(() => document.querySelector('#arrival-rate').textContent === '30/s (Poisson)', null, { timeout: 15_000 });
  await page.click('#stop-button');
  await page.waitForFunction(() => document.querySelector('#state').textContent === 'STOPPED', null, { timeout: 15_000 });
  assert.equal(await terminate(cicada), 0, cicada.output());
}

async function classPicker(page, api) {
  const locustfile = join(sourceDir, 'tests/locustfiles/api/class_picker.py');
  const cicada = await startServer([cicadaBin, '-f', locustfile, '--host', api.url, '--web-port', '0', '--threads', '1',
    '--class-picker'], 'cicada', UI_URL);
  await page.goto(cicada.url);
  await page.waitForSelector('#swarm-dialog[open]', { timeout: 10_000 });
  assert.equal(await visible(page, '#user_classes'), true, 'the picker is offered');
  const picked = () => page.evaluate(() => [...document.querySelector('#user_classes').selectedOptions].map((o) => o.value));
  assert.deepEqual(await picked(), ['Healthy', 'Lost'], 'every class picked at first');
  assert.equal(await page.inputValue('#shape_class'), 'Default');
  assert.equal(await visible(page, '#load-choice'), true, 'Default: the form sets the load');
  await page.selectOption('#shape_class', 'Steps');
  assert.equal(await visible(page, '#load-choice'), false, 'a shape picked sets the load');
  assert.equal(await visible(page, '#shape-note'), true);
  await page.selectOption('#shape_class', 'Default');
  assert.equal(await visible(page, '#load-choice'), true);
  await page.selectOption('#user_classes', ['Lost']);
  await page.fill('#user_count', '2');
  await page.fill('#spawn_rate', '10');
  await page.click('#swarm-submit');
  await page.waitForFunction(() => !document.querySelector('#swarm-dialog').open, null, { timeout: 10_000 });
  await page.waitForFunction(() => (window.cicada.last?.stats || []).some((e) => e.name === '/nowhere' && e.num_requests >= 10),
    null, { timeout: 15_000 });
  const names = await page.evaluate(() => window.cicada.last.stats.map((e) => e.name));
  assert.ok(!names.includes('/health'), `only the class picked ran: ${names}`);
  // An edit changes the load only: the picker is not offered.
  await page.click('#edit-button');
  await page.waitForSelector('#swarm-dialog[open]', { timeout: 10_000 });
  assert.equal(await visible(page, '#user_classes'), false, 'an edit keeps the classes');
  await page.click('#swarm-cancel');
  await page.click('#stop-button');
  await page.waitForFunction(() => document.querySelector('#state').textContent === 'STOPPED', null, { timeout: 15_000 });
  assert.equal(await terminate(cicada), 1, cicada.output());  // the 404s failed: Locust's exit code 1
}

bounded(150, async () => {
  const api = await startModelServer(buildDir, sourceDir);
  const { context, page } = await openBrowser();
  try {
    await stagesFromTheForm(page, api);
    await shapeFromTheCommandLine(page, api);
    await classPicker(page, api);
  } finally {
    await context.close();
  }
  console.log('PASS: shaped and arrival-rate tests from the web UI (bad stages refused, rate, Poisson arrivals, in flight, dropped, latencies, stage marks, configured shape, class picker)');
});
