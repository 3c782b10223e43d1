// The Streams tab: streamed responses (server-sent events and other chunked token streams,
// docs/protocols.md), from the stats event's cicada keys `streams` (one row per entry that streamed, then
// Aggregated) and `current_streams` (the Aggregated time to first token and inter-token gap over the last
// ~10 s, also in each GET stats/history point). The tab's button shows only once something streamed, so a
// run without streams looks as it did. Classic script loaded before app.js, whose chart helpers and
// live series it uses when called.
'use strict';

// The table's time columns: the same key columns as the console table and the HTML report
// (report/stream_tables.hpp, kStreamKeyColumns).
const STREAM_TIME_COLUMNS = [
  ['ttfb', 'p50'], ['ttfb', 'p95'], ['ttft', 'p50'], ['ttft', 'p95'], ['ttft', 'p99'],
  ['itl', 'p50'], ['itl', 'p95'], ['itl', 'p99'],
];

function hasStreams(s) { return !!(s && s.streams && s.streams.length); }

function renderStreams(s) {
  const show = hasStreams(s);
  $('streams-tab-button').classList.toggle('hidden', !show);
  $('download-streams-item').classList.toggle('hidden', !show);
  if (!show) return;
  const body = $('streams-table').tBodies[0];
  body.replaceChildren();
  for (const e of s.streams) {
    const row = body.insertRow();
    if (e.name === 'Aggregated' && !e.method) row.className = 'total';
    cell(row, e.method || '');
    cell(row, '', 'text').innerHTML = e.name;  // escaped by the server, as the stats table's names
    cell(row, fmt(e.streams));
    cell(row, fmt(e.tokens));
    cell(row, fmt(e.tokens_per_s, 1));
    for (const [series, p] of STREAM_TIME_COLUMNS) cell(row, fmt(e[series]?.[p] ?? null));
  }
}

// The two charts over time, in app.js's `charts` (so they resize with the others).
function makeStreamCharts() {
  charts.ttft = new uPlot(chartOptions('Time to first token, last ~10 s (ms)', 'ms',
    [['TTFT p50', '#3d7ec9'], ['TTFT p95', '#e69b22'], ['TTFT p99', '#8e44ad']]), [[], [], [], []], $('chart-ttft'));
  charts.itl = new uPlot(chartOptions('Inter-token latency, last ~10 s (ms)', 'ms',
    [['ITL p50', '#3d7ec9'], ['ITL p95', '#e69b22'], ['ITL p99', '#8e44ad']]), [[], [], [], []], $('chart-itl'));
}

function redrawStreamCharts() {
  if (!$('tab-streams').classList.contains('active')) return;
  charts.ttft.setData([series.time, series.ttft50, series.ttft95, series.ttft99]);
  charts.itl.setData([series.time, series.itl50, series.itl95, series.itl99]);
}

// A chart point's stream values (null where the second had none).
function streamPoint(streams) {
  return {
    ttft50: streams?.ttft?.p50 ?? null, ttft95: streams?.ttft?.p95 ?? null, ttft99: streams?.ttft?.p99 ?? null,
    itl50: streams?.itl?.p50 ?? null, itl95: streams?.itl?.p95 ?? null, itl99: streams?.itl?.p99 ?? null,
  };
}
