// The chart glitches of issue 17 ("What was seen" 4), checked in headless Chromium on a staged
// arrival-rate test (2 stages, so stage lines and the in-flight chart appear):
// - live charts: time ticks in whole seconds from the first seconds on (never milliseconds), round
//   y ticks (1, 2, 2.5 or 5 x 10^k: never 907.8 or 0.8819; whole numbers for counts), the third chart
//   and its axis say "in flight",
//   the first second is plotted and the first stage line drawn;
// - the latency histogram's bins are log-spaced (each bin a fixed ratio wider than the last);
// - the HTML report, as the browser renders it: no chart text cut at the chart's edges, legends clear of
//   the titles, round ticks, the last time label whole.
// Target: a Node loopback server this test starts. Usage: node charts.e2e.mjs BUILD_DIR SOURCE_DIR
import { createServer } from 'node:http';
import { once } from 'node:events';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { bounded, openBrowser, startServer, terminate, UI_URL } from './harness.mjs';

const [buildDir, sourceDir] = process.argv.slice(2);
if (!buildDir || !sourceDir) throw new Error('usage: node charts.e2e.mjs BUILD_DIR SOURCE_DIR');

// A tick value reads round: m x 10^k with m in 1, 2, 2.5, 5 (and their multiples along the axis).
function roundTick(text) {
  const v = Number(text.replace(/,/g, ''));
  if (!Number.isFinite(v)) return false;
  if (v === 0) return true;
  const p = Math.pow(10, Math.floor(Math.log10(Math.abs(v))) - 1);
  const m = Math.abs(v) / p;  // 10 .. 99.99
  return Math.abs(m - Math.round(m * 2) / 2) < 1e-6;  // at most one significant half-digit past the first two
}

async function main() {
  const target = createServer((req, res) => { req.resume(); setTimeout(() => res.end('OK'), 1 + Math.random() * 4); });
  target.listen(0, '127.0.0.1');
  await once(target, 'listening');
  const host = `http://127.0.0.1:${target.address().port}`;
  const cicada = await startServer([join(buildDir, 'apps/cicada/cicada'), '-f', join(sourceDir, 'examples/health.yaml'),
    '--host', host, '--web-port', '0', '--threads', '1', '--autostart', '--stages', '4s:30/s,30s:60/s'], 'cicada', UI_URL);
  const { context, page } = await openBrowser();
  try {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(cicada.url);
    await page.click('#tabs button[data-tab=charts]');
    // The first seconds: whole-second time ticks already.
    await page.waitForFunction(() => window.cicada.series.time.length >= 2, null, { timeout: 15_000 });
    const early = await page.evaluate(() => window.cicada.charts.rps.axes[0]._values);
    assert.ok(early.length > 0 && early.every((t) => !/\.\d/.test(t) && !/ms/.test(t)), `time ticks in whole seconds: ${early}`);

    // Into the second stage: both stage lines, the first second plotted.
    await page.waitForFunction(() => (window.cicada.drawnMarks['Total requests per second'] ?? 0) >= 2, null, { timeout: 20_000 });
    await page.waitForTimeout(2000);
    const charts = await page.evaluate(() => {
      const c = window.cicada.charts;
      const st = window.cicada.last.stages;
      return {
        firstPoint: window.cicada.series.time[0],
        stages: st.map((s) => s.time),
        usersTitle: c.users.root.querySelector('.u-title').textContent,
        usersAxis: c.users.axes[1].label,
        usersSeries: c.users.series[1].label,
        time: c.rps.axes[0]._values,
        y: Object.fromEntries(Object.entries(c).filter(([k]) => k !== 'histogram').map(([k, u]) => [k, u.axes[1]._values])),
      };
    });
    assert.equal(charts.stages.length, 2, JSON.stringify(charts));
    // The first point is the test's first second (the stage began within it), so the first stage line
    // is drawn at the chart's left edge rather than lost.
    assert.ok(charts.firstPoint <= Math.floor(charts.stages[0]) + 1, `first second plotted: ${JSON.stringify(charts)}`);
    assert.equal(charts.usersTitle, 'Iterations in flight');
    assert.equal(charts.usersAxis, 'in flight');
    assert.equal(charts.usersSeries, 'In flight');
    assert.ok(charts.time.every((t) => !/\.\d/.test(t)), `time ticks: ${charts.time}`);
    for (const [name, ticks] of Object.entries(charts.y))
      assert.ok(ticks.length >= 2 && ticks.every(roundTick), `round ${name} ticks: ${ticks}`);
    // Iterations in flight are counted: whole-number ticks (a run of 1 in flight is not ticked 0.2, 0.4).
    assert.ok(charts.y.users.every((t) => /^[\d,]+$/.test(t)), `whole in-flight ticks: ${charts.y.users}`);

    // The latency histogram: log-spaced bins.
    await page.click('#tabs button[data-tab=histogram]');
    await page.waitForFunction(() => window.cicada.charts.histogram.data[0].length > 10, null, { timeout: 10_000 });
    const xs = await page.evaluate(() => window.cicada.charts.histogram.data[0]);
    const ratios = xs.slice(1).map((x, i) => x / xs[i]);
    assert.ok(ratios[0] > 1.001 && ratios.every((r) => Math.abs(r - ratios[0]) < 1e-9 * ratios[0] + 1e-9),
      `each bin a fixed ratio wider: ${ratios.slice(0, 5)}`);

    // The HTML report as the browser lays it out.
    await page.goto(`${cicada.url}/stats/report`);
    const svgs = await page.evaluate(() => [...document.querySelectorAll('svg.chart')].map((svg) => {
      const box = svg.viewBox.baseVal;
      const texts = [...svg.querySelectorAll('text')].map((t) => {
        const b = t.getBBox();
        return { text: t.textContent, cls: t.getAttribute('class'), x: b.x, y: b.y, w: b.width, h: b.height };
      });
      return { width: box.width, height: box.height, texts };
    }));
    assert.ok(svgs.length >= 4, `the report has its charts: ${svgs.length}`);
    const overlap = (a, b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
    for (const svg of svgs) {
      const title = svg.texts.find((t) => t.cls === 'title');
      for (const t of svg.texts) {
        assert.ok(t.x >= -0.5 && t.x + t.w <= svg.width + 0.5, `"${t.text}" inside the chart (${t.x}..${t.x + t.w} of ${svg.width})`);
        if (t !== title && t.y < 25) assert.ok(!overlap(t, title), `"${t.text}" clear of the title "${title.text}"`);
      }
      const ticks = svg.texts.filter((t) => t.cls === 'tick');
      const times = ticks.filter((t) => /^\d\d:\d\d:\d\d$/.test(t.text));
      if (times.length) assert.equal(times.length, 5, `five whole time labels: ${times.map((t) => t.text)}`);
      const yTicks = ticks.filter((t) => t.x + t.w <= 60.5 && /^[\d.]+$/.test(t.text)).map((t) => t.text);
      assert.ok(yTicks.every(roundTick), `round report ticks in "${title.text}": ${yTicks}`);
    }
    console.log(`charts: time ${charts.time.join(' ')}; y ${JSON.stringify(charts.y)}; ${svgs.length} report charts`);
  } finally {
    await context.close();
  }
  await terminate(cicada);
  target.close();
  console.log('PASS: live charts, histogram and report charts without the glitches of issue 17');
}

bounded(120, main);
