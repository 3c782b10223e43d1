// End-to-end test of the web UI on a distributed master in headless Chromium (playwright-core):
// `cicada --master` (no --headless) serves the UI, two `cicada --worker` processes connect over loopback
// ZeroMQ, and the page shows them in its header and Workers tab (Locust's workers table: state, users,
// CPU, memory); a test started from the form runs its users on the workers and stops from the page; a
// killed worker stays listed as missing.
// Usage: node master_workers.e2e.mjs BUILD_DIR SOURCE_DIR (from a folder whose node_modules has
// playwright-core). Everything is bounded in time.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { bounded, openBrowser, startServer, terminate, UI_URL } from './harness.mjs';

const [buildDir, sourceDir] = process.argv.slice(2);
if (!buildDir || !sourceDir) throw new Error('usage: node master_workers.e2e.mjs BUILD_DIR SOURCE_DIR');
const cicadaBin = join(buildDir, 'apps/cicada/cicada');

// A loopback target answering every request with 200 "OK" (the workers' load goes here).
async function startTarget() {
  const server = createServer((req, res) => { req.resume(); res.end('OK'); });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

// A free loopback port for the master's ZeroMQ socket.
async function freePort() {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address();
  probe.close();
  return port;
}

const workerRows = (page) => page.evaluate(() => [...document.querySelectorAll('#workers-table tbody tr')]
  .map((r) => [...r.cells].map((c) => c.textContent)));

async function main() {
  const target = await startTarget();
  const host = `http://127.0.0.1:${target.address().port}`;
  const port = await freePort();
  const master = await startServer([cicadaBin, '-f', join(sourceDir, 'examples/health.yaml'), '--master',
    '--master-bind-host', '127.0.0.1', '--master-bind-port', String(port), '--web-port', '0', '--host', host,
    '-u', '4', '-r', '10', '--worker-timeout', '3'], 'cicada --master', UI_URL);
  // --master-timeout bounds them should the master die first.
  const workers = [0, 1].map(() => spawn(cicadaBin, ['--worker', '--master-host', '127.0.0.1', '--master-port',
    String(port), '--threads', '1', '--master-timeout', '15'], { stdio: 'ignore' }));

  const { context, page } = await openBrowser();
  try {
    await page.goto(master.url);
    // Both workers are listed before any test: the header's count and the tab appear on a master only.
    await page.waitForFunction(() => document.querySelector('#worker-count').textContent === '2'
      && !document.querySelector('#workers-tab-button').classList.contains('hidden'), null, { timeout: 15_000 });
    assert.ok(!(await page.locator('#workers-fact').getAttribute('class') ?? '').includes('hidden'));

    await page.waitForSelector('#swarm-dialog[open]', { timeout: 10_000 });
    await page.fill('#user_count', '4');
    await page.fill('#spawn_rate', '10');
    await page.click('#swarm-submit');
    await page.waitForFunction(() => document.querySelector('#state').textContent === 'RUNNING', null, { timeout: 15_000 });

    // Two users on each worker, each row with its state, CPU (%) and memory (MB).
    await page.click('#tabs button[data-tab=workers]');
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('#workers-table tbody tr')];
      return rows.length === 2 && rows.every((r) => r.cells[1].textContent === 'running' && r.cells[2].textContent === '2');
    }, null, { timeout: 15_000 });
    for (const [id, , , cpu, memory] of await workerRows(page)) {
      assert.match(id, /_\d+_\d+$/, `a worker id (host_pid_random): ${id}`);
      assert.match(cpu, /^[\d.,]+%$/, `CPU in %: ${cpu}`);
      assert.match(memory, /^[\d.,]+ MB$/, `memory in MB: ${memory}`);
      assert.ok(Number(memory.replace(/[, MB]/g, '')) > 1, `a worker uses some memory: ${memory}`);
    }
    assert.equal(await page.textContent('#user-count'), '4');

    await page.click('#stop-button');
    await page.waitForFunction(() => document.querySelector('#state').textContent === 'STOPPED', null, { timeout: 20_000 });
    await page.waitForFunction(() => [...document.querySelectorAll('#workers-table tbody tr')]
      .every((r) => r.cells[2].textContent === '0'), null, { timeout: 10_000 });

    // A worker killed: it stays listed as missing (in red), as Locust lists it, and no longer counts.
    workers[1].kill('SIGKILL');
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('#workers-table tbody tr')];
      return rows.length === 2 && rows.filter((r) => r.cells[1].textContent === 'missing' && r.classList.contains('missing')).length === 1
        && document.querySelector('#worker-count').textContent === '1';
    }, null, { timeout: 20_000 });
  } finally {
    await context.close();
  }
  assert.equal(await terminate(master), 0, 'the master exits cleanly on SIGTERM');
  // The master tells its workers to quit as it exits.
  const w = workers[0];
  assert.equal(w.exitCode !== null ? w.exitCode : (await once(w, 'exit'))[0], 0);
  target.close();
  console.log('master workers e2e: OK');
}

bounded(90, main);
