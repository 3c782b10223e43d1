// cicada's capacity search page: polls GET capacity once a second while the search runs and draws the
// steps as they end: the table, the throughput-latency curve (achieved req/s and p95/p99 against the
// offered load, one point per step, uPlot) and, at the end, the answer with its limiting objective.
'use strict';

const $ = (id) => document.getElementById(id);
let data = null;  // the latest GET capacity
let chart = null;

function fmt(v, digits = 1) {
  if (v === null || v === undefined) return 'N/A';
  return Number(v).toLocaleString('en-US', { maximumFractionDigits: digits });
}

// A share of 0..1 as a percentage; null (unknown: no CPU figures on this machine) as N/A.
function share(v) { return v === null || v === undefined ? 'N/A' : `${fmt(100 * v, 0)}%`; }

function loadText(mode, load) {
  return mode === 'rate' ? `${fmt(load, 2)}/s` : `${fmt(load, 0)} ${load === 1 ? 'user' : 'users'}`;
}

// Dashed vertical lines at the maximum sustainable load and at the step that crossed an objective.
function resultMarks() {
  const draw = (u) => {
    if (!data || !data.result) return;
    const marks = [];
    const answer = data.result.fail_ratio_unproven ? 'highest met, fail ratio unproven' : 'max sustainable';
    if (data.result.found) marks.push([data.result.max_load, `${answer}: ${data.result.max_load_text}`]);
    // The lowest failing load above the answer: where the search found the limit.
    const above = data.points.filter((p) => !p.within_slo && (!data.result.found || p.load > data.result.max_load));
    const limit = above.sort((a, b) => a.load - b.load)[0];
    if (limit) marks.push([limit.load, `limit: ${limit.violated}`]);
    const { ctx, bbox } = u, px = devicePixelRatio;
    ctx.save();
    ctx.strokeStyle = '#7a8794';
    ctx.fillStyle = '#5c6b7a';
    ctx.setLineDash([4 * px, 3 * px]);
    ctx.font = `${10 * px}px system-ui, sans-serif`;
    marks.forEach(([load, label], i) => {
      const x = u.valToPos(load, 'x', true);
      ctx.beginPath();
      ctx.moveTo(x, bbox.top);
      ctx.lineTo(x, bbox.top + bbox.height);
      ctx.stroke();
      // Labels right of their line, or left of it in the right part of the chart so they stay visible.
      const left = x > bbox.left + bbox.width * 0.6;
      ctx.textAlign = left ? 'right' : 'left';
      ctx.fillText(label, x + (left ? -3 : 3) * px, bbox.top + (10 + 12 * i) * px);
    });
    ctx.restore();
  };
  return { hooks: { draw: [draw] } };
}

function makeChart(mode) {
  const width = Math.max(400, document.querySelector('main').clientWidth - 10);
  chart = new uPlot({
    title: 'Throughput-latency curve', width, height: 320, plugins: [resultMarks()],
    // The load axis from 0 to the highest load measured (not a rounded 2,000 past a search that stopped
    // at 1,100), as the --html curve.
    scales: { x: { time: false, range: (u, min, max) => [Math.min(0, min ?? 0), max > 0 ? max : 1] }, rps: { range: (u, min, max) => [0, max > 0 ? max * 1.1 : 1] },
      ms: { range: (u, min, max) => [0, max > 0 ? max * 1.1 : 1] } },
    axes: [{ label: mode === 'rate' ? 'offered load (iterations/s)' : 'offered load (users)' },
      { scale: 'rps', label: 'req/s' }, { scale: 'ms', side: 1, label: 'ms', grid: { show: false } }],
    series: [{},
      { label: 'Throughput (req/s)', scale: 'rps', stroke: '#2e9d5b', width: 2, points: { show: true, size: 7 } },
      { label: 'p95 (ms)', scale: 'ms', stroke: '#e69b22', width: 2, points: { show: true, size: 7 } },
      { label: 'p99 (ms)', scale: 'ms', stroke: '#8e44ad', width: 2, points: { show: true, size: 7 } }],
  }, [[], [], [], []], $('chart-curve'));
}

function cell(row, text, cls) {
  const td = row.insertCell();
  td.textContent = text;
  if (cls) td.className = cls;
}

function render(d) {
  data = d;
  $('host').textContent = d.host || '-';
  $('state').textContent = d.state.toUpperCase();
  $('step-count').textContent = d.points.length;
  const p = d.plan;
  const plan = p.step > 0 ? `+${p.step} per step (fixed plan)`
    : `x${p.factor} per step, then bisection to ±${fmt(100 * p.precision, 1)}%`;
  const window = p.window_s > 0 ? `${p.window_s} s windows` : 'windows of about 100 requests';
  const arrivals = p.arrival_distribution === 'poisson' ? ' (Poisson arrivals)' : '';
  const what = `${d.mode === 'rate' ? 'arrival rate' : 'users'}${arrivals}`;
  $('setup').textContent = `${d.scenario}: ${what} from ${loadText(d.mode, p.start)}, ` +
    `${plan} (at most ${p.max_steps} steps), each step ${p.warmup_s} s warm-up then ${window} until ` +
    `${p.stable_windows} agree within ±${fmt(100 * p.stability, 1)}% (at most ${p.max_windows})`;
  $('objectives').textContent = `Objectives: ${d.slos.join(', ')}`;
  if (!chart) makeChart(d.mode);

  const body = $('steps-table').tBodies[0];
  body.replaceChildren();
  for (const s of d.points) {
    const row = body.insertRow();
    row.className = s.within_slo ? 'met' : 'crossed';
    cell(row, s.step);
    cell(row, loadText(d.mode, s.load));
    cell(row, fmt(s.throughput_rps));
    cell(row, fmt(s.goodput_rps));
    cell(row, fmt(s.p50_ms, 2));
    cell(row, fmt(s.p95_ms, 2));
    cell(row, fmt(s.p99_ms, 2));
    cell(row, `${fmt(100 * s.fail_ratio, 2)}%`);
    cell(row, fmt(s.dropped, 0));
    cell(row, share(s.generator_cpu));
    cell(row, share(s.generator_cpu_wait));
    cell(row, share(s.generator_busy));
    cell(row, `${s.stable ? 'yes' : 'no'} (${s.windows.length})`);
    cell(row, s.outcome, 'text');  // runner::step_outcome, as in the HTML report
  }
  // A step without a completed request has no latency: a gap, not a misleading 0.
  const latency = (v) => (v > 0 ? v : null);
  // Bisection visits loads out of order: the curve is drawn by load.
  const byLoad = [...d.points].sort((a, b) => a.load - b.load);
  chart.setData([byLoad.map((s) => s.load), byLoad.map((s) => s.throughput_rps),
    byLoad.map((s) => latency(s.p95_ms)), byLoad.map((s) => latency(s.p99_ms))]);

  const r = d.result;
  if (!r) {
    $('result').textContent = `Measuring step ${d.points.length + 1}…`;
  } else {
    // The console's words, made by the server (runner::answer_label, answer_text, no_answer_text,
    // saturated_bound_text, past_limit_spread_text as past_limit_note).
    const bound = r.saturated_bound_text ? ` Highest throughput within the objectives: ${r.saturated_bound_text}.` : '';
    const spread = r.past_limit_note ? ` Note: ${r.past_limit_note}.` : '';
    $('result').textContent =
        (r.found ? `${r.answer_label}: ${r.answer_text}. ` +
                 `${r.limit ? `Limiting objective: ${r.limit}. ` : ''}Stopped: ${r.stop_reason}` :
                   `${r.no_answer_text}. Stopped: ${r.stop_reason}`) +
        bound + spread;
  }
}

async function poll() {
  try {
    render(await fetch('capacity', { cache: 'no-store' }).then((r) => r.json()));
    $('connection').textContent = data.state === 'done' ? 'search done' : 'live';
  } catch (e) {
    $('connection').textContent = 'reconnecting…';
  }
  if (!data || data.state !== 'done') setTimeout(poll, 1000);
}

// For the browser test and the console.
window.cicadaCapacity = { get data() { return data; }, get chart() { return chart; } };
poll();
