// A page of another web site cannot drive the web UI through the user's browser (docs/webui.md, "Other
// web sites are kept out"), checked in headless Chromium with real pages:
// - a page on another loopback port (another origin, the same site) posts the start form to /swarm,
//   loads /stop as an image and fetches /stats/reset: nothing starts, and the target gets no request;
// - it may still read /stats/requests (Locust's CORS header on read routes);
// - a page under a name resolved to 127.0.0.1 (DNS rebinding, by --host-resolver-rules) gets 403;
// - the UI's own page still starts and stops a test.
// Targets: Node loopback servers this test starts. Usage: node cross_site.e2e.mjs BUILD_DIR SOURCE_DIR
import { createServer, get } from 'node:http';
import { once } from 'node:events';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { bounded, openBrowser, startServer, terminate, UI_URL } from './harness.mjs';

const [buildDir, sourceDir] = process.argv.slice(2);
if (!buildDir || !sourceDir) throw new Error('usage: node cross_site.e2e.mjs BUILD_DIR SOURCE_DIR');

async function listen(handler) {
  const server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${server.address().port}` };
}

// The UI's state as a script (not a browser) reads it.
function uiState(ui) {
  return new Promise((resolve, reject) => {
    get(`${ui}/stats/requests`, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve(JSON.parse(body).state));
    }).on('error', reject);
  });
}

async function main() {
  let served = 0;
  const target = await listen((req, res) => { served += 1; req.resume(); res.end('OK'); });
  const cicada = await startServer([join(buildDir, 'apps/cicada/cicada'), '-f', join(sourceDir, 'examples/health.yaml'),
    '--host', target.url, '--web-port', '0', '--threads', '1'], 'cicada', UI_URL);
  const ui = cicada.url;
  const uiPort = new URL(ui).port;

  // The other site's page: a form posted into a hidden frame as soon as it loads, an image and a fetch.
  const evil = await listen((req, res) => {
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(`<!doctype html><iframe name="sink" id="sink"></iframe>
<form id="f" method="post" action="${ui}/swarm" target="sink">
  <input name="user_count" value="5"><input name="spawn_rate" value="5"><input name="host" value="${target.url}">
</form>
<script>
  window.results = {};
  document.getElementById('sink').addEventListener('load', () => { window.results.form = true; });
  document.getElementById('f').submit();
  const img = new Image();
  img.onload = img.onerror = () => { window.results.image = true; };
  img.src = '${ui}/stop';
  fetch('${ui}/stats/reset', { mode: 'no-cors' }).then(() => { window.results.reset = 'sent'; }, () => { window.results.reset = 'failed'; });
  fetch('${ui}/stats/requests').then((r) => r.json()).then((j) => { window.results.read = j.state; }, (e) => { window.results.read = String(e); });
</script>`);
  });

  const { context, page } = await openBrowser(undefined, ['--host-resolver-rules=MAP rebound.test 127.0.0.1']);
  try {
    await page.goto(evil.url);
    await page.waitForFunction(() => window.results.form && window.results.image && window.results.reset && window.results.read,
      null, { timeout: 20_000 });
    const results = await page.evaluate(() => window.results);
    assert.equal(results.read, 'ready', `a read route is shared with other pages: ${JSON.stringify(results)}`);
    // Give a test that wrongly started time to send its first requests.
    await page.waitForTimeout(1500);
    assert.equal(await uiState(ui), 'ready', 'a form posted by another site started a test');
    assert.equal(served, 0, 'the target got requests from a test another site started');
    const servedBefore = served;

    // DNS rebinding: the same UI under another name is refused, whatever the route.
    const rebound = await page.goto(`http://rebound.test:${uiPort}/`);
    assert.equal(rebound.status(), 403);
    assert.match(await page.textContent('body'), /loopback only/);

    // The UI's own page: start with the form's fields, then stop.
    await page.goto(ui);
    const own = await page.evaluate(async (host) => {
      const form = new URLSearchParams({ user_count: '1', spawn_rate: '10', host });
      const swarm = await fetch('/swarm', { method: 'POST', body: form });
      return swarm.status;
    }, target.url);
    assert.equal(own, 200);
    await page.waitForFunction(async () => (await (await fetch('/stats/requests')).json()).state === 'running', null, { timeout: 15_000, polling: 200 });
    assert.equal(await page.evaluate(async () => (await fetch('/stop')).status), 200);
    console.log(`ok: another site's form, image and fetch were refused (the target served ${servedBefore} requests before the own page's test), rebinding got 403, the own page started and stopped a test`);
  } finally {
    await context.close();
    evil.server.close();
    await terminate(cicada);
    target.server.close();
  }
}

bounded(120, main);
