// cicada web UI: one page, live over server-sent events (GET events: a "stats" event at least once a
// second), using the same JSON API a script would (POST swarm, GET stop, GET stats/reset, ...).
// Plain ES2020, no framework; charts by uPlot (global `uPlot`, embedded beside this file); the helpers
// and the simple tabs (failures, exceptions, current ratio) are in tabs.js, the Streams tab in streams.js,
// both loaded before this file.
'use strict';

const PERCENTILE_COLUMNS = 11;  // 50% ... 100%, as in the CSV
const MAX_POINTS = 3600;        // chart history kept in the page: one hour of seconds

let last = null;                // latest /stats/requests object
let selected = { method: '', name: 'Aggregated' };
const series = {
  time: [], rps: [], fails: [], p50: [], p95: [], p99: [], users: [],
  // streamed responses (streams.js): Aggregated TTFT and inter-token gap, last ~10 s
  ttft50: [], ttft95: [], ttft99: [], itl50: [], itl95: [], itl99: [],
};
const charts = {};
let stages = [];                 // [{time, label}]: stage boundaries of the run, from /stats/requests
const drawnMarks = {};           // chart title -> marks drawn at its last redraw (for the browser test)

// ---- state, header and buttons ----
function renderHeader(s) {
  // The host of the test running now, whichever page or script started it.
  if (s.host) $('host').textContent = s.host;
  $('state').textContent = s.state.toUpperCase();
  $('user-count').textContent = fmt(s.user_count);
  $('total-rps').textContent = fmt(s.total_rps, 1);
  $('fail-ratio').textContent = `${fmt(100 * s.fail_ratio, 1)}%`;
  const running = s.state === 'spawning' || s.state === 'running';
  $('edit-button').classList.toggle('hidden', !running || !loadForm.editable(s.load_mode));
  $('stop-button').classList.toggle('hidden', !running);
  // Ready, stopped or stopping: a new test can be started, also after the form was dismissed.
  $('new-button').classList.toggle('hidden', running);
  $('new-button').textContent = s.state === 'ready' ? 'Start' : 'New test';
  renderBanner(s);
}

// A banner no one can miss when the figures stopped meaning what they seem: cicada itself unreachable
// (the page shows the last figures it got), or every request of the last seconds failing (the target
// is down or refusing).
let lostSince = null;
let controlNotice = null;  // { text, until }: a Start, Stop or Reset cicada refused or did not answer, or a
                           // start that waits for the previous test to stop
// Shows a notice in the banner for 10 s.
function showNotice(text) {
  controlNotice = {text, until: Date.now() + 10000};
  renderBanner(last);
}
const recentTotals = [];  // [requests, failures] of the Aggregated row at the latest updates (~1 s apart)

// Requests were made over the last few updates and every one of them failed.
function targetDown(s) {
  if (!s || !(s.state === 'spawning' || s.state === 'running')) { recentTotals.length = 0; return false; }
  const total = s.stats.find((e) => e.name === 'Aggregated' && !e.method);
  if (!total) return false;
  const now = [total.num_requests, total.num_failures];
  const prev = recentTotals[recentTotals.length - 1];
  if (!prev || prev[0] !== now[0] || prev[1] !== now[1]) recentTotals.push(now);
  if (recentTotals.length > 4) recentTotals.shift();
  if (recentTotals.length < 3) return false;
  const first = recentTotals[0];
  const requests = now[0] - first[0], failures = now[1] - first[1];
  return requests > 0 && failures === requests;
}
function renderBanner(s) {
  const banner = $('banner');
  if (lostSince) {
    banner.textContent = `Lost the connection to cicada at ${lostSince.toLocaleTimeString()}: ` +
      'the figures below are the last received. Reconnecting…';
    banner.className = 'banner';
    return;
  }
  if (controlNotice && Date.now() < controlNotice.until) {
    banner.textContent = controlNotice.text;
    banner.className = 'banner warning';
    return;
  }
  if (targetDown(s)) {
    const latest = s.errors.length ? unescapeHtml(s.errors[0].error) : '';
    banner.textContent = 'Every request of the last seconds failed: the target may be down or refusing.' +
      (latest ? ` Error: ${latest}` : '');
    banner.className = 'banner warning';
    return;
  }
  banner.className = 'banner hidden';
}

// An open-model test: its arrival rate, iterations in flight (what the user count means there) and
// dropped, and the whole run's latency from the scheduled start beside that from the send.
function renderOpenModel(s) {
  const o = s.open_model;
  $('users-fact').classList.toggle('hidden', !!o);
  for (const el of document.querySelectorAll('.open-model-fact')) el.classList.toggle('hidden', !o);
  $('open-model').classList.toggle('hidden', !o);
  // In the open model the "users" series is the iterations in flight (what the runner reports there).
  if (charts.users) makeUsersChart(!!o);
  if (!o) return;
  $('arrival-rate').textContent =
      `${fmt(o.arrival_rate, 1)}/s${o.arrival_distribution === 'poisson' ? ' (Poisson)' : ''}`;
  $('in-flight').textContent = fmt(o.in_flight);
  $('dropped').textContent = fmt(o.dropped_iterations);
  $('corrected-p95').textContent = fmt(o.corrected.p95);
  $('corrected-p99').textContent = fmt(o.corrected.p99);
  $('uncorrected-p95').textContent = fmt(o.uncorrected.p95);
  $('uncorrected-p99').textContent = fmt(o.uncorrected.p99);
}

// The statistics table's columns, in Locust's order. `more` columns show with "All columns"; the others
// are what a person reads first (requests, failures, median, p95, p99, RPS).
const pct = (i) => (e) => (e.response_time_percentiles || [])[i] ?? null;
const STATS_COLUMNS = [
  { get: (e) => e.method || '' },
  { get: (e) => e.name, html: true },
  { get: (e) => e.num_requests },
  { get: (e) => e.num_failures },
  // Locust's median_response_time is whole ms (its type); the 50% column has microseconds.
  { get: pct(0) },
  { get: (e) => e.avg_response_time, more: true },
  { get: (e) => e.min_response_time, more: true },
  { get: (e) => e.max_response_time, more: true },
  { get: (e) => e.avg_content_length, more: true, digits: 0 },
  { get: (e) => e.current_rps, digits: 1 },
  { get: (e) => e.current_fail_per_sec, digits: 1 },
  ...Array.from({ length: PERCENTILE_COLUMNS }, (_, i) => ({ get: pct(i), more: i !== 5 && i !== 7 })),
];
let sortColumn = -1;  // index into STATS_COLUMNS; -1: the server's order (by name)
let sortDescending = false;

function sortedEntries(entries) {
  if (sortColumn < 0) return entries;
  const get = STATS_COLUMNS[sortColumn].get;
  const rows = entries.filter((e) => !(e.name === 'Aggregated' && !e.method));
  const totals = entries.filter((e) => e.name === 'Aggregated' && !e.method);
  rows.sort((a, b) => {
    const x = get(a), y = get(b);
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x ?? '').localeCompare(String(y ?? ''));
    return sortDescending ? -c : c;
  });
  return [...rows, ...totals];  // the Aggregated row stays last, as in Locust
}

function sortBy(index) {
  sortDescending = sortColumn === index ? !sortDescending : index > 1;  // numbers: largest first
  sortColumn = index;
  const heads = $('stats-table').tHead.rows[0].cells;
  for (let i = 0; i < heads.length; i++) {
    heads[i].classList.toggle('sorted-asc', i === index && !sortDescending);
    heads[i].classList.toggle('sorted-desc', i === index && sortDescending);
  }
  if (last) renderStats(last);
}

function renderStats(s) {
  const body = $('stats-table').tBodies[0];
  body.replaceChildren();
  for (const e of sortedEntries(s.stats)) {
    const row = body.insertRow();
    const isTotal = e.name === 'Aggregated' && !e.method;
    if (isTotal) row.className = 'total';
    if (unescapeHtml(e.name) === selected.name && (e.method || '') === selected.method) row.classList.add('selected');
    STATS_COLUMNS.forEach((c, i) => {
      const td = cell(row, c.html ? '' : (i === 0 ? c.get(e) : fmt(c.get(e), c.digits)));
      if (c.html) { td.className = 'text'; td.innerHTML = c.get(e); }  // already escaped by the server
      if (c.more) td.classList.add('more');
    });
    row.addEventListener('click', () => {
      selected = { method: e.method || '', name: unescapeHtml(e.name) };
      showTab('histogram');
    });
  }
}

// ---- charts ----
// A uPlot plugin: a dashed vertical line and its label at each stage boundary, drawn after the series.
function stageMarks() {
  const draw = (u) => {
    const { ctx, bbox } = u, px = devicePixelRatio;
    let drawn = 0;
    ctx.save();
    ctx.strokeStyle = '#7a8794';
    ctx.fillStyle = '#5c6b7a';
    ctx.lineWidth = px;
    ctx.setLineDash([4 * px, 3 * px]);
    ctx.font = `${10 * px}px system-ui, sans-serif`;
    for (const st of stages) {
      // Points are whole seconds: a stage that began within the second before the first point is
      // drawn at the left edge rather than lost.
      if (u.scales.x.min == null || st.time < u.scales.x.min - 1 || st.time > u.scales.x.max) continue;
      const x = u.valToPos(Math.max(st.time, u.scales.x.min), 'x', true);
      ctx.beginPath();
      ctx.moveTo(x, bbox.top);
      ctx.lineTo(x, bbox.top + bbox.height);
      ctx.stroke();
      ctx.fillText(st.label, x + 3 * px, bbox.top + 10 * px);
      drawn++;
    }
    ctx.restore();
    drawnMarks[u.root.querySelector('.u-title')?.textContent || ''] = drawn;
  };
  return { hooks: { draw: [draw] } };
}

// Counts (users, iterations in flight) are ticked in whole numbers: never 0.2 users.
const COUNT_INCREMENTS = [1, 2, 5].flatMap((m) => Array.from({ length: 8 }, (_, k) => m * 10 ** k))
  .concat([25, 250, 2500, 25000]).sort((a, b) => a - b);

function chartOptions(title, yLabel, lines, counts = false) {
  return {
    plugins: [stageMarks()],
    title, width: chartWidth(), height: 240,
    // y from 0, so a steady line does not look like a swing.
    scales: { x: { time: true }, y: { range: (u, min, max) => [0, max > 0 ? max * 1.1 : 1] } },
    // Whole seconds at least: the first seconds of a run are not labelled in milliseconds.
    axes: [{ space: 80, incrs: TIME_INCREMENTS }, counts ? { label: yLabel, incrs: COUNT_INCREMENTS } : { label: yLabel }],
    series: [{}, ...lines.map(([label, stroke]) => ({ label, stroke, width: 2, spanGaps: false }))],
  };
}

const TIME_INCREMENTS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 43200, 86400];

// The width inside main's padding, so a chart never makes the page scroll sideways.
function chartWidth() {
  const main = document.querySelector('main'), css = getComputedStyle(main);
  return Math.max(200, Math.floor(main.clientWidth - parseFloat(css.paddingLeft) - parseFloat(css.paddingRight)));
}

// The third chart counts users, or in an open-model test the iterations in flight: its title, series
// and axis say which (rebuilt when the model changes).
let usersChartOpen = null;
function makeUsersChart(open) {
  if (usersChartOpen === open) return;
  usersChartOpen = open;
  if (charts.users) charts.users.destroy();
  charts.users = open
    ? new uPlot(chartOptions('Iterations in flight', 'in flight', [['In flight', '#3d7ec9']], true), [[], []], $('chart-users'))
    : new uPlot(chartOptions('Number of users', 'users', [['Users', '#3d7ec9']], true), [[], []], $('chart-users'));
  redrawCharts();
}

function makeCharts() {
  charts.rps = new uPlot(chartOptions('Total requests per second', 'req/s',
    [['RPS', '#2e9d5b'], ['Failures/s', '#d0413e']]), [[], [], []], $('chart-rps'));
  charts.latency = new uPlot(chartOptions('Response times, last ~10 s (ms)', 'ms',
    [['p50', '#3d7ec9'], ['p95', '#e69b22'], ['p99', '#8e44ad']]), [[], [], [], []], $('chart-latency'));
  makeUsersChart(false);
  makeStreamCharts();
  charts.histogram = new uPlot({
    title: 'Latency histogram (whole run, log scale)', width: chartWidth(), height: 280,
    scales: { x: { time: false, distr: 3 } },
    axes: [{ label: 'ms' }, { label: 'requests' }],
    series: [{}, { label: 'requests', fill: '#3d7ec988', stroke: '#3d7ec9', paths: uPlot.paths.bars({ size: [0.95, 60] }) }],
  }, [[], []], $('chart-histogram'));
  window.addEventListener('resize', () => {
    for (const c of Object.values(charts)) c.setSize({ width: chartWidth(), height: c.height });
  });
}

function pushPoint(p) {
  const n = series.time.length;
  if (n && p.time <= series.time[n - 1]) return;  // the same second again
  series.time.push(p.time);
  series.rps.push(p.rps);
  series.fails.push(p.fail_per_s);
  series.p50.push(p.p50);
  series.p95.push(p.p95);
  series.p99.push(p.p99);
  series.users.push(p.user_count);
  for (const [k, v] of Object.entries(streamPoint(p.streams))) series[k].push(v);
  if (series.time.length > MAX_POINTS) for (const k of Object.keys(series)) series[k].shift();
}

function redrawCharts() {
  if (!$('tab-charts').classList.contains('active')) return;
  charts.rps.setData([series.time, series.rps, series.fails]);
  charts.latency.setData([series.time, series.p50, series.p95, series.p99]);
  charts.users.setData([series.time, series.users]);
}
function redrawAllCharts() {
  redrawCharts();
  redrawStreamCharts();
}

async function loadHistory() {
  const points = await fetch('stats/history').then((r) => r.json());
  for (const k of Object.keys(series)) series[k].length = 0;
  for (const p of points) pushPoint(p);
}

// ---- latency histogram of the selected entry ----
function fillEntrySelect(s) {
  const select = $('histogram-entry');
  const wanted = s.stats.map((e) => `${e.method || ''} ${unescapeHtml(e.name)}`);
  const have = [...select.options].map((o) => o.value);
  if (wanted.join('\n') !== have.join('\n')) {
    select.replaceChildren(...wanted.map((w) => new Option(w.trim(), w)));
  }
  select.value = `${selected.method} ${selected.name}`;
}

async function refreshHistogram() {
  const q = new URLSearchParams({ method: selected.method, name: selected.name });
  const h = await fetch(`stats/histogram?${q}`).then((r) => r.json());
  if (!h || !h.buckets.length) {
    charts.histogram.setData([[], []]);
    $('histogram-note').textContent = 'No requests yet for this entry.';
    return;
  }
  // Re-bin the fine log-linear buckets into 60 log-spaced bins (as the HDR histogram's own) up to the
  // 99.9th percentile, so a millisecond tail does not squash a microsecond body; the slowest 0.1% go
  // into the last bin so one outlier does not set the scale.
  const total = h.buckets.reduce((a, b) => a + b[2], 0);
  let seen = 0, hi = h.buckets[h.buckets.length - 1][1];
  for (const b of h.buckets) { seen += b[2]; if (seen >= total * 0.999) { hi = b[1]; break; } }
  const lo = Math.max(h.buckets[0][0], 0.001);
  hi = Math.max(hi, lo * 2);
  const bins = 60, ratio = Math.pow(hi / lo, 1 / bins);
  const xs = Array.from({ length: bins }, (_, i) => lo * Math.pow(ratio, i + 0.5));
  const ys = new Array(bins).fill(0);
  for (const b of h.buckets) {
    const mid = Math.max(lo, (b[0] + b[1]) / 2);
    const i = Math.min(bins - 1, Math.max(0, Math.floor(Math.log(mid / lo) / Math.log(ratio))));
    ys[i] += b[2];
  }
  charts.histogram.setData([xs, ys]);
  $('histogram-note').textContent = `${h.method || ''} ${h.name}: ${total.toLocaleString('en-US')} requests, ` +
    `${fmt(lo, 3)} to ${fmt(h.buckets[h.buckets.length - 1][1], 3)} ms (log scale: each bin ${fmt(100 * (ratio - 1), 1)}% wider than the last)`;
}

// A distributed master lists its workers (Locust's Workers tab); a single process has no `workers`.
function renderWorkers(s) {
  const workers = s.workers;
  $('workers-fact').classList.toggle('hidden', !workers);
  $('workers-tab-button').classList.toggle('hidden', !workers);
  if (!workers) return;
  $('worker-count').textContent = fmt(s.worker_count);
  const body = $('workers-table').tBodies[0];
  body.replaceChildren();
  for (const w of workers) {
    const row = body.insertRow();
    if (w.state === 'missing') row.className = 'missing';  // lost: listed in red, as Locust lists it
    cell(row, w.id, 'text');
    cell(row, w.state, 'text');
    cell(row, fmt(w.user_count));
    cell(row, `${fmt(w.cpu_usage, 1)}%`, w.cpu_usage > 90 ? 'error' : undefined);
    cell(row, `${fmt(w.memory_usage / (1024 * 1024), 1)} MB`);
  }
}

// ---- one update ----
let testId = null;  // the test the charts show (test_id of /stats/requests)
function onStats(s) {
  // A new test, started here or from another page or a script: its charts start empty, as its stats do.
  if (testId !== null && s.test_id !== testId)
    for (const k of Object.keys(series)) series[k].length = 0;
  testId = s.test_id;
  last = s;
  stages = s.stages || [];
  renderHeader(s);
  renderOpenModel(s);
  renderStats(s);
  renderFailures(s);
  renderWorkers(s);
  renderStreams(s);
  fillEntrySelect(s);
  if (s.state !== 'ready') {
    pushPoint({
      time: Math.floor(s.time), rps: s.total_rps, fail_per_s: s.total_fail_per_sec,
      p50: s.current_response_time_ms?.p50 ?? null, p95: s.current_response_time_ms?.p95 ?? null,
      p99: s.current_response_time_ms?.p99 ?? null, user_count: s.user_count, streams: s.current_streams,
    });
  }
  redrawAllCharts();
  if ($('tab-histogram').classList.contains('active')) refreshHistogram();
  if ($('tab-exceptions').classList.contains('active')) refreshExceptionsIfStale();
}

// Live updates (live.js: one stream shared by every page of this cicada).
function connect() {
  liveUpdates(onStats, (text, ok) => {
    if ($('connection').textContent !== text) $('connection').textContent = text;
    if (ok === !lostSince) return;
    lostSince = ok ? null : new Date();
    renderBanner(last);
  });
}

// ---- tabs ----
function showTab(name) {
  for (const b of $('tabs').querySelectorAll('button')) b.classList.toggle('active', b.dataset.tab === name);
  for (const t of document.querySelectorAll('.tab')) t.classList.toggle('active', t.id === `tab-${name}`);
  if (name === 'charts' || name === 'streams') {
    for (const c of Object.values(charts)) c.setSize({ width: chartWidth(), height: c.height });
    redrawAllCharts();
  }
  if (name === 'histogram') { if (last) fillEntrySelect(last); refreshHistogram(); }
  if (name === 'exceptions') refreshExceptions();
  if (name === 'ratio') refreshRatio();
}

// ---- start / edit form ----
let editing = false;
function openSwarmDialog(edit) {
  editing = edit;
  $('swarm-title').textContent = edit ? 'Change the running test' : 'Start new load test';
  $('swarm-submit').textContent = edit ? 'Update' : 'Start swarming';
  $('host-row').classList.toggle('hidden', edit);
  loadForm.open(edit, last?.load_mode);  // also shows or hides Run time (not for an edit nor for stages)
  $('swarm-error').textContent = '';
  $('swarm-dialog').showModal();
}

// A control route's answer as { success, message }: its JSON, the text of a refusal that is not JSON (a
// 401 or 403 is plain text; /stats/reset answers "ok"), or, when cicada did not answer, a message saying so
// instead of an uncaught page error.
async function control(url, options) {
  let r;
  try {
    r = await fetch(url, options);
  } catch (e) {
    return { success: false, message: `cicada did not answer (${e.message})` };
  }
  const text = await r.text();
  try {
    return JSON.parse(text);
  } catch {
    return { success: r.ok, message: text || `${r.status} ${r.statusText}` };
  }
}

async function command(what, url) {
  const answer = await control(url);
  if (answer.success === false) {
    showNotice(`${what} failed: ${answer.message}`);
  }
}

async function submitSwarm(ev) {
  ev.preventDefault();
  const body = new URLSearchParams(new FormData($('swarm-form')));
  body.delete('load_kind');  // the form's own choice; the fields sent say what the load is
  if (editing) { body.delete('host'); body.delete('run_time'); }
  const answer = await control('swarm', { method: 'POST', body });
  if (!answer.success) { $('swarm-error').textContent = answer.message; return; }
  $('host').textContent = answer.host;
  $('swarm-dialog').close();
  // The charts start over when the stats events say a new test began (onStats), here as in other pages.
  if (answer.waiting_for_stop) showNotice('The new test starts once the previous one has stopped.');
}

async function init() {
  const config = await fetch('config').then((r) => r.json());
  loadForm.init(config);
  $('host-input').value = config.host;
  $('run_time').value = config.run_time;
  $('host').textContent = config.host || '-';
  makeCharts();
  await loadHistory();
  for (const b of $('tabs').querySelectorAll('button')) b.addEventListener('click', () => showTab(b.dataset.tab));
  $('swarm-form').addEventListener('submit', submitSwarm);
  $('swarm-cancel').addEventListener('click', () => $('swarm-dialog').close());
  $('columns-button').addEventListener('click', () => {
    const all = $('stats-table').classList.toggle('all-columns');
    $('columns-button').setAttribute('aria-pressed', String(all));
    $('columns-button').textContent = all ? 'Key columns' : 'All columns';
  });
  [...$('stats-table').tHead.rows[0].cells].forEach((th, i) => th.addEventListener('click', () => sortBy(i)));
  $('edit-button').addEventListener('click', () => openSwarmDialog(true));
  $('new-button').addEventListener('click', () => openSwarmDialog(false));
  $('stop-button').addEventListener('click', () => command('Stop', 'stop'));
  $('reset-button').addEventListener('click', () => command('Reset', 'stats/reset'));
  $('histogram-entry').addEventListener('change', (ev) => {
    const v = ev.target.value, space = v.indexOf(' ');
    selected = { method: v.slice(0, space), name: v.slice(space + 1) };
    refreshHistogram();
  });
  const first = await fetch('stats/requests').then((r) => r.json());
  onStats(first);
  if (first.state === 'ready') openSwarmDialog(false);
  connect();
}

// For the browser test and the console: the live chart data.
window.cicada = { series, charts, drawnMarks, loadForm, get last() { return last; }, onStats };
init();
