// The Streams tab (issue 18), in headless Chromium against the streaming test target
// (cicada-stream-target: first token 40 ms after the request, then a token every 10 ms):
// - before anything streamed (the ready state) the tab's button is hidden: a run without streams looks as
//   it did;
// - once the test streams, the button shows; the tab's table has the chat entry and Aggregated, with the
//   figures of the stats event (cicada's `streams` key) and a time to first token no shorter than the
//   target's 40 ms;
// - the TTFT and inter-token charts plot points over time;
// - at 400 px the tab does not scroll the page sideways (its table scrolls in its box);
// - the Download tab links the streamed responses CSV (GET stats/streams/csv), with the stats' figures;
// - the HTML report the UI serves has its "Streamed responses" section.
// Usage: node streams.e2e.mjs BUILD_DIR SOURCE_DIR
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { bounded, openBrowser, startServer, terminate, UI_URL } from './harness.mjs';

const [buildDir, sourceDir] = process.argv.slice(2);
if (!buildDir || !sourceDir) throw new Error('usage: node streams.e2e.mjs BUILD_DIR SOURCE_DIR');

async function main() {
  const target = await startServer([join(buildDir, 'tests/support/cicada-stream-target'), '--first-token-ms', '40',
    '--token-gap-ms', '10'], 'cicada-stream-target');
  const cicada = await startServer([join(buildDir, 'apps/cicada/cicada'), '-f', join(sourceDir, 'examples/chat-stream.yaml'),
    '--host', target.url, '--web-port', '0', '--threads', '1', '-u', '2', '-r', '2', '-t', '60s',
    '--stream-tokens', 'json:/choices/0/delta/content'], 'cicada', UI_URL);
  const { context, page } = await openBrowser();
  try {
    await page.goto(cicada.url);
    await page.waitForSelector('#swarm-dialog[open]', { timeout: 10_000 });
    assert.ok(await page.isHidden('#streams-tab-button'), 'no Streams tab before anything streamed');
    assert.ok(await page.isHidden('#download-streams-item'), 'no streams CSV before anything streamed');
    await page.click('#swarm-submit');
    await page.waitForSelector('#streams-tab-button:not(.hidden)', { timeout: 15_000 });
    await page.click('#tabs button[data-tab=streams]');
    // A few seconds of streams: points on both charts.
    await page.waitForFunction(() => window.cicada.series.ttft50.filter((v) => v !== null).length >= 3 &&
      window.cicada.series.itl95.filter((v) => v !== null).length >= 3, null, { timeout: 30_000 });
    await page.click('#stop-button');
    await page.waitForFunction(() => document.querySelector('#state').textContent === 'STOPPED', null, { timeout: 15_000 });
    await page.waitForTimeout(1500);  // the last stats event after the stop

    const seen = await page.evaluate(() => {
      const rows = [...document.querySelectorAll('#streams-table tbody tr')].map((r) => [...r.cells].map((c) => c.textContent));
      const heads = [...document.querySelectorAll('#streams-table thead th')].map((c) => c.textContent);
      const c = window.cicada.charts;
      const drawn = (u) => ({ title: u.root.querySelector('.u-title').textContent, labels: u.series.slice(1).map((s) => s.label),
        points: u.data[1].filter((v) => v !== null).length, visible: u.root.getBoundingClientRect().height > 0 });
      return { rows, heads, json: window.cicada.last.streams, ttft: drawn(c.ttft), itl: drawn(c.itl) };
    });
    assert.equal(seen.rows.length, 2, JSON.stringify(seen.rows));
    const [chat, total] = seen.rows;
    assert.deepEqual(chat.slice(0, 2), ['POST', 'chat']);
    assert.equal(total[1], 'Aggregated');
    // The table shows the stats event's figures (whole ms with two decimals at most, as fmt() writes).
    const row = seen.json[0];
    const column = (name) => chat[seen.heads.indexOf(name)];
    const num = (text) => Number(text.replace(/,/g, ''));
    assert.equal(num(column('# Streams')), row.streams);
    assert.equal(num(column('# Tokens')), row.tokens);
    // max_tokens 8, one token per event: 8 for each stream that ended; the streams the Stop cut while they
    // arrived (at most one per user) have from 0 to 8.
    assert.ok(row.streams_cut <= 2, `streams cut by the stop: ${row.streams_cut}`);
    const ended = row.streams - row.streams_cut;
    assert.ok(row.tokens >= 8 * ended && row.tokens <= 8 * row.streams,
      `tokens ${row.tokens} for ${ended} ended and ${row.streams_cut} cut streams`);
    for (const [head, series, p] of [['TTFT p50', 'ttft', 'p50'], ['TTFT p95', 'ttft', 'p95'], ['ITL p99', 'itl', 'p99']])
      assert.ok(Math.abs(num(column(head)) - row[series][p]) < 0.006, `${head}: ${column(head)} vs ${row[series][p]}`);
    // The target writes the first token 40 ms after reading the request: no stream can see it sooner.
    assert.ok(row.ttft.p50 >= 40, `TTFT p50 ${row.ttft.p50} ms >= 40 ms`);
    assert.ok(row.streams >= 4, `streams: ${row.streams}`);
    for (const chart of [seen.ttft, seen.itl]) {
      assert.ok(chart.visible, `${chart.title} shown`);
      assert.ok(chart.points >= 3, `${chart.title}: ${chart.points} points`);
    }
    assert.equal(seen.ttft.title, 'Time to first token, last ~10 s (ms)');
    assert.deepEqual(seen.ttft.labels, ['TTFT p50', 'TTFT p95', 'TTFT p99']);
    assert.deepEqual(seen.itl.labels, ['ITL p50', 'ITL p95', 'ITL p99']);

    // A phone-sized window: the wide table scrolls inside its box, the page does not.
    await page.setViewportSize({ width: 400, height: 800 });
    await page.waitForTimeout(300);
    const sideways = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(sideways <= 0, `no sideways scroll at 400 px: ${sideways} px`);
    await page.setViewportSize({ width: 1400, height: 900 });

    await page.click('#tabs button[data-tab=download]');
    assert.ok(await page.isVisible('#download-streams'), 'the streams CSV is offered once something streamed');
    const csv = await page.evaluate(() => fetch('stats/streams/csv').then((r) => r.text()));
    const lines = csv.trim().split('\n');
    assert.ok(lines[0].startsWith('Type,Name,Streams,Events,Tokens,'), lines[0]);
    assert.equal(lines.length, 3, csv);
    assert.ok(lines[1].startsWith(`POST,chat,${row.streams},${row.tokens},${row.tokens},`), `${lines[1]} vs ${JSON.stringify(row)}`);

    await page.goto(`${cicada.url}/stats/report`);
    const report = await page.evaluate(() => ({
      heading: document.querySelector('#streams')?.textContent,
      rows: document.querySelectorAll('table.streams tr').length,
      charts: [...document.querySelectorAll('svg.chart .title')].map((t) => t.textContent),
    }));
    assert.equal(report.heading, 'Streamed responses');
    assert.equal(report.rows, 3, 'heading, chat, Aggregated');
    assert.ok(report.charts.includes('Time to first token, last ~10 s (ms)'), JSON.stringify(report.charts));
    console.log(`streams: ${row.streams} streams, TTFT p50 ${row.ttft.p50} ms, ITL p50 ${row.itl.p50} ms; ` +
      `${seen.ttft.points} chart points`);
  } finally {
    await context.close();
  }
  await terminate(cicada);
  await terminate(target);
  console.log('PASS: the Streams tab shows the table and charts of a streaming run, and only then');
}

bounded(150, main);
