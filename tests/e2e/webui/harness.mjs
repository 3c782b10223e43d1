// What the browser tests share: starting the built binaries on loopback (and killing them at the end),
// a trained cicada-model to load, and headless Debian Chromium through playwright-core. Every test is
// bounded: `bounded(seconds, main)` fails it past its deadline.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';

const require = createRequire(join(process.cwd(), 'package.json'));
const { chromium, devices } = require('playwright-core');

export const work = mkdtempSync(join(tmpdir(), 'cicada-webui-e2e-'));
const children = [];

function cleanup() {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
}

// Runs main() and exits 1 on an error or when it takes over `seconds`.
export function bounded(seconds, main) {
  const deadline = setTimeout(() => { console.error(`FAIL: the test took over ${seconds} s`); cleanup(); process.exit(1); }, seconds * 1000);
  main().then(() => { clearTimeout(deadline); cleanup(); },
    (e) => { console.error('FAIL:', e); clearTimeout(deadline); cleanup(); process.exit(1); });
}

// Starts a binary and resolves with the first URL matching `pattern` (group 1) that it prints. The 90 s
// only catch a hang (each test's own bound is its deadline): cicada compiling a C++ scenario first took
// over 20 s on a machine loaded by other builds.
export function startServer(argv, what, pattern = /(http:\/\/127\.0\.0\.1:\d+)/) {
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} printed no URL in 90 s: ${output}`)), 90_000);
    const onData = (d) => {
      output += d;
      const m = output.match(pattern);
      if (m) { clearTimeout(timer); resolve({ child, url: m[1], output: () => output }); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`${what} exited with ${code}: ${output}`)));
  });
}

// `cicada web UI: URL` is the line cicada prints on stdout for --web-port 0.
export const UI_URL = /cicada web UI: (http:\/\/127\.0\.0\.1:\d+)/;

// cicada-model serving a freshly trained model on an ephemeral port (extra: more `serve` flags).
export async function startModelServer(buildDir, sourceDir, extra = []) {
  const model = join(buildDir, 'apps/cicada-model/cicada-model');
  const train = spawnSync(model, ['train', '--data', join(sourceDir, 'data/heart-disease.csv'), '--out', join(work, 'model')],
    { timeout: 120_000, encoding: 'utf8' });
  assert.equal(train.status, 0, `training failed: ${train.stderr}`);
  return startServer([model, 'serve', '--model', join(work, 'model'), '--port', '0', '--threads', '1', ...extra], 'cicada-model');
}

// A headless Chromium page; the caller closes the returned context. `device`: a playwright device name
// (e.g. 'Pixel 5') to emulate a phone (its viewport, pixel ratio, touch and mobile layout) instead of a
// 1,400 px desktop window. extraArgs: more Chromium switches.
export async function openBrowser(device, extraArgs = []) {
  const emulation = device ? devices[device] : { viewport: { width: 1400, height: 900 } };
  assert.ok(emulation, `playwright knows no device "${device}"`);
  const context = await chromium.launchPersistentContext(join(work, device ? 'chromium-phone' : 'chromium-profile'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    acceptDownloads: true,
    ...emulation,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', ...extraArgs],
  });
  return { context, page: context.pages()[0] ?? await context.newPage() };
}

// The stats table's request count for the entry `name` (-1 while it has no row).
export function requestCount(page, name) {
  return page.evaluate((entry) => {
    for (const row of document.querySelectorAll('#stats-table tbody tr')) {
      if (row.cells[1].textContent === entry) return Number(row.cells[2].textContent.replace(/,/g, ''));
    }
    return -1;
  }, name);
}

// Waits until the entry `name` has a row, then until its request count grows past what it first showed,
// without a reload (the page's event stream); resolves with that first count.
export async function waitForCountToGrow(page, name) {
  await page.waitForFunction((entry) => [...document.querySelectorAll('#stats-table tbody tr')].some((r) => r.cells[1].textContent === entry), name, { timeout: 15_000 });
  const first = await requestCount(page, name);
  await page.waitForFunction(([entry, n]) => {
    for (const row of document.querySelectorAll('#stats-table tbody tr')) {
      if (row.cells[1].textContent === entry) return Number(row.cells[2].textContent.replace(/,/g, '')) > n;
    }
    return false;
  }, [name, first], { timeout: 15_000 });
  return first;
}

// Sends SIGTERM and resolves with the exit code.
export function terminate(server) {
  if (server.child.exitCode !== null) return Promise.resolve(server.child.exitCode);
  server.child.kill('SIGTERM');
  return new Promise((resolve) => server.child.on('exit', resolve));
}
