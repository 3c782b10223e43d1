// The web UI over HTTPS (Locust's --tls-cert/--tls-key) in headless Chromium: cicada serves the UI with a
// certificate the openssl command makes for this test (the browser is told to accept it, as a user
// accepts a self-signed one), the start form starts a test, the stats table grows live (the event
// stream over TLS), --web-auth works over it, the test stops; a plain http:// request to the port gets a
// 400 that says to use https://. Targets: a Node loopback server this test starts.
// Usage: node https.e2e.mjs BUILD_DIR SOURCE_DIR
import { spawnSync } from 'node:child_process';
import { createServer, get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { bounded, openBrowser, requestCount, startServer, terminate, waitForCountToGrow, work } from './harness.mjs';

const [buildDir, sourceDir] = process.argv.slice(2);
if (!buildDir || !sourceDir) throw new Error('usage: node https.e2e.mjs BUILD_DIR SOURCE_DIR');

function fetchText(getter, url, options = {}) {
  return new Promise((resolve, reject) => {
    getter(url, options, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, body }));
    }).on('error', reject);
  });
}

async function main() {
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
    '-keyout', join(work, 'ui.key'), '-out', join(work, 'ui.pem')], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(made.status, 0, `openssl: ${made.stderr}`);

  let served = 0;
  const target = createServer((req, res) => { served += 1; req.resume(); res.end('OK'); });
  target.listen(0, '127.0.0.1');
  await once(target, 'listening');
  const targetUrl = `http://127.0.0.1:${target.address().port}`;

  const cicada = await startServer([join(buildDir, 'apps/cicada/cicada'), '-f', join(sourceDir, 'examples/health.yaml'),
    '--host', targetUrl, '--web-port', '0', '--threads', '1', '-u', '2', '-r', '10', '--web-auth', 'ops:s3cret',
    '--tls-cert', join(work, 'ui.pem'), '--tls-key', join(work, 'ui.key')], 'cicada', /cicada web UI: (https:\/\/127\.0\.0\.1:\d+)/);
  const uiUrl = cicada.url;
  for (let i = 0; i < 100 && !/Starting web interface at https:/.test(cicada.output()); i += 1) {
    await new Promise((r) => setTimeout(r, 50));  // the log line follows the URL's line on stdout
  }
  assert.match(cicada.output(), /Starting web interface at https:\/\/127\.0\.0\.1:\d+/);
  const port = new URL(uiUrl).port;

  // A script trusting the certificate reads the UI over HTTPS; plain HTTP to the same port is told why not.
  const ca = readFileSync(join(work, 'ui.pem'));
  const overTls = await fetchText(httpsGet, `${uiUrl}/stats/requests`, { ca, auth: 'ops:s3cret' });
  assert.equal(overTls.status, 200, overTls.body);
  assert.equal(JSON.parse(overTls.body).state, 'ready');
  const noAuth = await fetchText(httpsGet, `${uiUrl}/stats/requests`, { ca });
  assert.equal(noAuth.status, 401, 'basic auth holds over HTTPS');
  const plain = await fetchText(httpGet, `http://127.0.0.1:${port}/stats/requests`);
  assert.equal(plain.status, 400);
  assert.match(plain.body, /use https:\/\//);

  const { context, page } = await openBrowser(undefined, ['--ignore-certificate-errors']);
  try {
    await page.setExtraHTTPHeaders({ Authorization: `Basic ${Buffer.from('ops:s3cret').toString('base64')}` });
    await page.goto(uiUrl);
    await page.waitForSelector('#swarm-dialog[open]', { timeout: 10_000 });
    await page.click('#swarm-submit');
    await page.waitForFunction(() => ['SPAWNING', 'RUNNING'].includes(document.querySelector('#state').textContent), null, { timeout: 10_000 });
    // The stats table grows without a reload: the event stream arrives over TLS.
    await waitForCountToGrow(page, '/health');
    await page.click('#stop-button');
    await page.waitForFunction(() => document.querySelector('#state').textContent === 'STOPPED', null, { timeout: 15_000 });
    const counted = await requestCount(page, '/health');
    assert.ok(counted > 0 && served >= counted, `the UI counted ${counted} requests, the target served ${served}`);
  } finally {
    await context.close();
  }

  const code = await terminate(cicada);
  assert.equal(code, 0, `cicada exits 0 on SIGTERM after a clean test: ${cicada.output()}`);
  target.close();
  console.log('PASS: the web UI over HTTPS (start, live stats over TLS, stop; plain HTTP refused with a hint)');
}

bounded(150, main);
