// The web UI's small helpers and its simple tabs: Failures (from each stats event), Exceptions (GET
// exceptions: tracebacks collapsible) and Current ratio (GET tasks, Locust's tab). Classic script loaded
// before app.js, which uses these globals.
'use strict';

const $ = (id) => document.getElementById(id);

// Names and errors arrive HTML-escaped (as from Locust); this turns them back into text.
function unescapeHtml(s) {
  const t = document.createElement('textarea');
  t.innerHTML = s;
  return t.value;
}

// One formatter per number of digits, made once: toLocaleString with options builds a new one per call,
// which took ~0.5 s per update of a table with 500 entries (11,000 cells).
const formatters = new Map();
function formatter(digits) {
  let f = formatters.get(digits);
  if (!f) {
    f = new Intl.NumberFormat('en-US', {maximumFractionDigits: digits});
    formatters.set(digits, f);
  }
  return f;
}

function fmt(v, digits = 2) {
  if (v === null || v === undefined) return 'N/A';
  if (typeof v !== 'number') return String(v);
  return formatter(Number.isInteger(v) ? 0 : digits).format(v);
}

function cell(row, value, cls) {
  const td = row.insertCell();
  td.textContent = value;
  if (cls) td.className = cls;
  return td;
}

function renderFailures(s) {
  const body = $('failures-table').tBodies[0];
  body.replaceChildren();
  for (const f of s.errors) {
    const row = body.insertRow();
    cell(row, fmt(f.occurrences));
    cell(row, f.method);
    cell(row, '', 'text').innerHTML = f.name;
    cell(row, '', 'text').innerHTML = f.error;
  }
}

// Tracebacks show collapsed to one line (the innermost frame, or the C++ type and message); a click opens
// the whole trace, and what is open stays open when the table refreshes.
const openTracebacks = new Set();
let exceptionsFetched = 0;
// While the tab is open the stats events refresh it, at most every ~4 s (Locust's page polls every 5 s).
function refreshExceptionsIfStale() {
  if (Date.now() - exceptionsFetched > 4000) refreshExceptions();
}

async function refreshExceptions() {
  exceptionsFetched = Date.now();
  const answer = await fetch('exceptions').then((r) => r.json());
  const body = $('exceptions-table').tBodies[0];
  body.replaceChildren();
  for (const x of answer.exceptions) {
    const row = body.insertRow();
    cell(row, fmt(x.count));
    cell(row, '', 'text').innerHTML = x.msg;  // the server HTML-escapes msg, summary and traceback (as Locust)
    const key = x.msg + '\n' + x.traceback;
    const details = document.createElement('details');
    details.className = 'traceback';
    details.open = openTracebacks.has(key);
    details.addEventListener('toggle', () => {
      if (details.open) openTracebacks.add(key);
      else openTracebacks.delete(key);
    });
    const summary = document.createElement('summary');
    summary.innerHTML = x.summary || 'traceback';
    const pre = document.createElement('pre');
    pre.innerHTML = x.traceback;
    details.append(summary, pre);
    cell(row, '', 'text').appendChild(details);
    cell(row, x.nodes);
  }
}

// ---- current ratio (GET tasks, Locust's tab) ----
function ratioList(tree) {
  const list = document.createElement('ul');
  list.className = 'ratio-list';
  for (const [type, t] of Object.entries(tree)) {
    const item = document.createElement('li');
    item.innerHTML = `<b>${(100 * t.ratio).toFixed(1)}%</b>`;
    item.append(type);
    const tasks = document.createElement('ul');
    for (const [task, r] of Object.entries(t.tasks || {})) {
      const li = document.createElement('li');
      li.innerHTML = `<b>${(100 * r.ratio).toFixed(1)}%</b>`;
      li.append(task);
      tasks.appendChild(li);
    }
    item.appendChild(tasks);
    list.appendChild(item);
  }
  return list;
}

async function refreshRatio() {
  const tasks = await fetch('tasks').then((r) => r.json());
  $('ratio-per-class').replaceChildren(ratioList(tasks.per_class || {}));
  $('ratio-total').replaceChildren(ratioList(tasks.total || {}));
}
