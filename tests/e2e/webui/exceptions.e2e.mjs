// Browser test of the Exceptions tab with tracebacks (issue 17): a locustfile whose task raises shows its
// real Python traceback, a C++ scenario whose task throws a nested exception shows its trace (user type
// and task, the C++ types and messages of the chain). Each row shows one line (the innermost frame, or
// the deepest cause) and opens to the whole trace on a click; an open trace stays open when the table
// refreshes. The same trace is in GET /exceptions (with Locust's JSON types, compared with Locust's own
// capture), the exceptions CSV's Traceback column and the HTML report (collapsible there too).
// Usage: node exceptions.e2e.mjs BUILD_DIR SOURCE_DIR
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { bounded, openBrowser, startServer, terminate, UI_URL, work } from './harness.mjs';

const [buildDir, sourceDir] = process.argv.slice(2);
if (!buildDir || !sourceDir) throw new Error('usage: node exceptions.e2e.mjs BUILD_DIR SOURCE_DIR');

const python = `from locust import User, task, constant


class Raising(User):
    wait_time = constant(0.2)

    @task
    def fail_later(self):
        self.helper()

    def helper(self):
        raise ValueError("bad value from the task")
`;

const cpp = `#include <cicada/cicada.hpp>
#include <stdexcept>

struct CartError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Shopper : public cicada::User {
 public:
  cicada::Task<> checkout() {
    try {
      throw CartError("no item 7");
    } catch (...) {
      std::throw_with_nested(std::runtime_error("loading the cart"));
    }
    co_return;
  }
};

CICADA_SCENARIO(scenario) {
  scenario.user<Shopper>("Shopper").wait(cicada::constant(0.2)).task("checkout", &Shopper::checkout);
}
`;

// Locust's JSON types for GET /exceptions (its own capture).
const locust = JSON.parse(readFileSync(join(sourceDir, 'tests/golden/locust-2.12/webui/exceptions.json'), 'utf8'));

// One scenario in the UI: the row's message, its one-line summary, the whole trace on a click.
async function check(file, { message, summary, traceParts }) {
  const cicada = await startServer([join(buildDir, 'apps/cicada/cicada'), '-f', file, '--host', 'http://127.0.0.1:9',
    '--web-port', '0', '--threads', '1', '--autostart', '-u', '1', '-r', '1'], 'cicada', UI_URL);
  const { context, page } = await openBrowser();
  try {
    await page.goto(cicada.url);
    await page.click('#tabs button[data-tab=exceptions]');
    const row = page.locator('#exceptions-table tbody tr').first();
    await row.waitFor({ timeout: 60_000 });
    assert.equal(await row.locator('td').nth(1).textContent(), message);
    const details = row.locator('details.traceback');
    const shown = await details.locator('summary').textContent();
    assert.ok(shown.includes(summary), `summary "${shown}" has "${summary}"`);
    // Collapsed: one line; a click opens the whole trace.
    const pre = details.locator('pre');
    assert.equal(await pre.isVisible(), false, 'the trace starts collapsed');
    await details.locator('summary').click();
    await pre.waitFor({ state: 'visible', timeout: 5_000 });
    const trace = await pre.textContent();
    for (const part of traceParts) assert.ok(trace.includes(part), `trace has "${part}": ${trace}`);
    // The table refreshes while the tab is open (every ~4 s): the count grows and the trace stays open.
    const count = Number(await row.locator('td').first().textContent());
    await page.waitForFunction((before) => {
      const cell = document.querySelector('#exceptions-table tbody tr td');
      return cell && Number(cell.textContent.replace(/,/g, '')) > before;
    }, count, { timeout: 15_000 });
    assert.equal(await page.locator('#exceptions-table tbody tr').first().locator('details.traceback pre').isVisible(), true,
      'an open trace stays open across a refresh');

    // A phone-wide window: the open trace wraps or scrolls in its table's box, never the page sideways.
    await page.setViewportSize({ width: 400, height: 780 });
    await page.waitForTimeout(300);
    const widths = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
    assert.ok(widths[0] <= widths[1], `no sideways scroll at 400 px with a trace open: ${widths}`);
    await page.setViewportSize({ width: 1400, height: 900 });

    // GET /exceptions: Locust's keys with Locust's types, the trace HTML-escaped as Locust does.
    const json = await page.evaluate(() => fetch('exceptions').then((r) => r.json()));
    const ours = json.exceptions[0];
    for (const [key, value] of Object.entries(locust.exceptions[0])) {
      assert.equal(typeof ours[key], typeof value, `/exceptions ${key}: ${JSON.stringify(ours)}`);
      if (typeof value === 'number') assert.ok(Number.isInteger(ours[key]), `${key} is an integer`);
    }
    assert.ok(ours.traceback.includes(traceParts[0].replaceAll('"', '&quot;')), ours.traceback);
    // The exceptions CSV's Traceback column (multi-line, quoted).
    const csv = await page.evaluate(() => fetch('exceptions/csv').then((r) => r.text()));
    assert.ok(csv.startsWith('Count,Message,Traceback,Nodes'), csv);
    for (const part of traceParts) assert.ok(csv.includes(part.replaceAll('"', '""')), `CSV has "${part}": ${csv}`);
    // The HTML report: the same trace, collapsible without a script.
    const report = await page.evaluate(() => fetch('stats/report').then((r) => r.text()));
    const escaped = (s) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
    assert.ok(report.includes(`<details><summary>${escaped(shown)}</summary><pre>`), 'the report has the row collapsed');
    for (const part of traceParts) assert.ok(report.includes(escaped(part)), `report has "${part}"`);
    console.log(`${file}: "${message}" / ${shown}`);
  } finally {
    await context.close();
    await terminate(cicada);
  }
}

bounded(170, async () => {
  const py = join(work, 'raising.py');
  writeFileSync(py, python);
  await check(py, {
    message: 'bad value from the task',
    summary: 'raising.py", line 12, in helper',
    traceParts: ['raising.py", line 9, in fail_later', '    self.helper()', 'raising.py", line 12, in helper',
      '    raise ValueError("bad value from the task")'],
  });
  const native = join(work, 'raising.cpp');
  writeFileSync(native, cpp);
  await check(native, {
    message: 'loading the cart',
    summary: 'caused by CartError: no item 7',
    traceParts: ['  in Shopper.checkout', '  std::runtime_error: loading the cart', '  caused by CartError: no item 7'],
  });
  console.log('PASS: exceptions with tracebacks in the UI, /exceptions, the CSV and the report');
});
