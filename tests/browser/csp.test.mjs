// The page, the widget and the example post under a strict Content-Security-Policy (the one
// hardened hosts send, without 'unsafe-eval', 'unsafe-inline' or frame-ancestors), with zero
// violations. Where violations are caught:
// - documents (pages and iframes, any origin): a `securitypolicyviolation` listener added by an
//   init script, before any of the document's own scripts run;
// - the worker: init scripts do not run in workers, and this Chromium neither logs a caught
//   eval violation in a worker nor reports it to DevTools' Audits. So the test serves a copy of
//   dist/ whose worker.js first imports csp-watch.js (written here, test-only), which logs the
//   worker's violations with console.error: module imports run in order, so it listens before
//   attention.mjs is evaluated;
// - the console: any message of any page, frame or worker naming the Content Security Policy.
// A probe breaks the policy on purpose in a page, an iframe and a worker to show each channel
// works. Also: the headers scripts/serve.mjs sends by default, and the example post as a
// hardened blog on another origin embedding the widget. One Chromium for the file (each test
// gets fresh pages in it; the watchers are the browser's, their findings go to the running test).
//
// Run: node scripts/build-web.mjs && node --test tests/browser/
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MIME_TYPES, RECOMMENDED_CSP, serve } from '../../scripts/serve.mjs';
import { choosePreset, distDir, launch, metric, openPage, serveDist, statusText } from './helpers.mjs';

// Exactly the policy of the issue: no frame-ancestors, so the page is also tested as a
// hardened host would send it.
export const STRICT_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; " +
  "worker-src 'self'; connect-src 'self'; img-src 'self' data: blob:; object-src 'none'; base-uri 'none'";

// The worker's violation reporter (see the top), and how a worker.js is made to load it first.
const WORKER_WATCH = `// Test-only (tests/browser/csp.test.mjs): report this worker's CSP violations on the console.
self.addEventListener('securitypolicyviolation', (e) => {
  console.error(\`Content Security Policy violation in a worker: \${e.effectiveDirective} blocked \${e.blockedURI} at \${e.sourceFile}:\${e.lineNumber}:\${e.columnNumber}\`);
});
`;
function watchWorker(dir, worker = 'worker.js') {
  fs.writeFileSync(path.join(dir, 'csp-watch.js'), WORKER_WATCH);
  const file = path.join(dir, worker);
  fs.writeFileSync(file, `import './csp-watch.js';\n${fs.readFileSync(file, 'utf8')}`);
}

let siteDir;  // a copy of dist/ whose worker reports its violations
let strict;   // siteDir under STRICT_CSP
let browser;  // one Chromium for the file, every document in it watched (watchViolations)
let current = null; // the running test's { violations, cspConsole }
before(async () => {
  await serveDist().then((s) => s.close()); // the same check that dist/ is built
  siteDir = fs.mkdtempSync(path.join(os.tmpdir(), 'attention-csp-site-'));
  fs.cpSync(distDir, siteDir, { recursive: true });
  watchWorker(siteDir);
  strict = await serve({ root: siteDir, port: 0, csp: STRICT_CSP });
  browser = await launch({ initScript: watchViolations });
  await browser.context.exposeBinding('__cspViolation', (_source, v) => current?.violations.push(v));
  const onConsole = (where) => (msg) => {
    if (current && CSP_MESSAGE.test(msg.text())) current.cspConsole.push(`${where}${msg.worker?.() ? ' worker' : ''} ${msg.type()}: ${msg.text()}`);
  };
  const watchWorkerConsole = (w) => w.on('console', onConsole(`worker ${w.url()}`));
  const watchPage = (p) => {
    p.on('console', onConsole('page'));
    p.on('worker', watchWorkerConsole);
    for (const w of p.workers()) watchWorkerConsole(w);
  };
  browser.context.pages().forEach(watchPage);
  browser.context.on('page', watchPage);
});
after(async () => {
  await browser?.close();
  await strict?.close();
  if (siteDir) fs.rmSync(siteDir, { recursive: true, force: true });
});

// Runs in every document (pages and iframes, any origin) before its own scripts: reports each
// violation through the binding __cspViolation, and keeps it in the document as well.
function watchViolations() {
  window.__cspViolations = [];
  window.addEventListener('securitypolicyviolation', (e) => {
    const v = {
      document: location.href,
      directive: e.effectiveDirective || e.violatedDirective,
      blocked: e.blockedURI,
      source: e.sourceFile ? `${e.sourceFile}:${e.lineNumber}:${e.columnNumber}` : '',
      sample: e.sample,
      disposition: e.disposition,
    };
    window.__cspViolations.push(v);
    try {
      window.__cspViolation?.(v);
    } catch {
      // the binding is gone (document closing): the copy in the document remains
    }
  }, true);
}

const CSP_MESSAGE = /content[- ]security[- ]policy/i;

/**
 * A fresh page in the file's browser (it and any page the test opens are closed afterwards),
 * recording CSP violations: `violations` (from the event, in any frame) and `cspConsole`
 * (console messages of any type and any page, frame or worker naming the CSP). After `fn`, none
 * of them, and no console error, no request beyond 127.0.0.1 and no failed request since it opened.
 */
async function withCspWatch(t, { viewport = { width: 1280, height: 900 } } = {}, fn) {
  const { context } = browser;
  const open = new Set(context.pages());
  const ours = () => context.pages().filter((p) => !open.has(p));
  const seen = { errors: browser.errors.length, external: browser.external.length, failed: browser.failed.length };
  const since = (k) => browser[k].slice(seen[k]);
  current = { violations: [], cspConsole: [] };
  const { violations, cspConsole } = current;
  try {
    const page = await context.newPage();
    await page.setViewportSize(viewport);
    try {
      await fn({ page, context, violations, cspConsole });
    } catch (e) {
      e.message += `\nCSP violations: ${JSON.stringify(violations)}\nconsole: ${cspConsole.join('\n')}\nerrors: ${since('errors').join('\n')}`;
      throw e;
    }
    // Violations found in frames whose binding call did not arrive (kept in the documents).
    for (const p of ours()) {
      for (const f of p.frames()) {
        const kept = await f.evaluate(() => window.__cspViolations ?? []).catch(() => []);
        for (const v of kept) if (!violations.some((w) => JSON.stringify(w) === JSON.stringify(v))) violations.push(v);
      }
    }
    t.diagnostic(`${violations.length} violations, ${cspConsole.length} CSP console messages`);
    assert.deepEqual(violations, [], `CSP violations:\n${violations.map((v) => JSON.stringify(v)).join('\n')}`);
    assert.deepEqual([...new Set(cspConsole)], [], 'console messages about the CSP');
    assert.deepEqual(since('errors'), [], `errors:\n${since('errors').join('\n')}`);
    assert.deepEqual(since('external'), [], `requests leaving 127.0.0.1: ${since('external').join(', ')}`);
    assert.deepEqual(since('failed'), [], `local requests failed:\n${since('failed').join('\n')}`);
  } finally {
    for (const p of ours()) await p.close();
    current = null;
  }
}

/** Click Step n times in `frame` (a page or an iframe) and wait for the step counter. */
async function stepTimes(frame, n) {
  const start = Number(await frame.textContent('#progress [data-metric="step"]')) || 0;
  for (let i = 1; i <= n; i++) {
    await frame.click('#step');
    await frame.waitForFunction((k) =>
      Number(document.querySelector('#progress [data-metric="step"]').textContent.replace(/[\s,]/g, '')) >= k,
    start + i, { timeout: 30_000 });
  }
}

async function readyFrame(page, selector) {
  const frame = await (await page.waitForSelector(selector)).contentFrame();
  await frame.waitForFunction(() => document.body?.dataset.ready === 'true', null, { timeout: 60_000 })
    .catch(async (e) => {
      throw new Error(`${selector} never became ready (status "${await frame.textContent('#status').catch(() => '?')}"): ${e.message}`);
    });
  return frame;
}

describe('Content-Security-Policy', { concurrency: false }, () => {
  test('the watcher sees a violation in a page, in an iframe and in a worker', { timeout: 60_000 }, async (t) => {
    // The probe breaks the policy on purpose; a watcher that saw nothing here would prove nothing.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attention-csp-probe-'));
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><html><head><link rel="icon" href="data:,">' +
      '<script src="probe.js"></script></head><body><iframe id="f" src="frame.html"></iframe></body></html>');
    fs.writeFileSync(path.join(dir, 'frame.html'), '<!doctype html><html><body><p style="color:red">inline style</p></body></html>');
    fs.writeFileSync(path.join(dir, 'probe.js'), "new Worker('worker.js', { type: 'module' }); try { eval('1'); } catch {}");
    fs.writeFileSync(path.join(dir, 'worker.js'), "try { new Function('return 1')(); } catch { postMessage('blocked'); }");
    watchWorker(dir);
    const probe = await serve({ root: dir, port: 0, csp: STRICT_CSP });
    current = { violations: [], cspConsole: [] };
    const { violations, cspConsole } = current;
    const page = await browser.context.newPage();
    try {
      await page.goto(probe.url);
      const directive = (d, where) => violations.some((v) => v.directive === d && v.document.includes(where));
      const inWorker = () => cspConsole.some((m) => /violation in a worker: script-src blocked eval/.test(m));
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline && !(directive('script-src', '/') && directive('style-src-attr', 'frame.html') && inWorker())) {
        await page.waitForTimeout(100);
      }
      t.diagnostic(`probe: ${JSON.stringify(violations)}; console: ${JSON.stringify(cspConsole)}`);
      assert.ok(directive('script-src', probe.url), 'eval in the page: seen by the listener');
      assert.ok(directive('style-src-attr', 'frame.html'), 'a style attribute in an iframe: seen by the listener');
      assert.ok(inWorker(), `new Function in a worker: seen on the console (${cspConsole.join(' | ')})`);
    } finally {
      await page.close();
      current = null;
      await probe.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the page under the strict policy: ready, trains, changes model, zero violations', { timeout: 120_000 }, (t) =>
    withCspWatch(t, {}, async ({ page }) => {
      await openPage(page, strict.url);
      await stepTimes(page, 3);
      await page.click('#play');
      await page.waitForFunction(() =>
        Number(document.querySelector('#progress [data-metric="step"]').textContent.replace(/[\s,]/g, '')) >= 20, null, { timeout: 30_000 });
      await page.click('#play');
      // More of the page's code paths: the tables, the embed panel, the heatmaps of a recurrent model.
      await page.click('details#loss-data > summary');
      await page.click('details#attention-data > summary');
      await page.click('#embed-open');
      assert.match(await page.inputValue('#embed-code'), /<iframe /);
      await readyFrame(page, '#embed-preview'); // the builder's live preview: the widget, under the same policy
      await choosePreset(page, 'lstm_before');
      await stepTimes(page, 2);
      assert.equal(await page.isVisible('#chart-heatmap'), true, 'the heatmap is shown');
      await page.fill('#map-scrub', '0');
      await page.waitForTimeout(500); // late violations (e.g. a chart's resize) still count
      t.diagnostic(`step ${await metric(page, 'step')}, status "${await statusText(page)}"`);
    }));

  test('the widget (embed.html) under the strict policy: ready, trains, zero violations', { timeout: 120_000 }, (t) =>
    withCspWatch(t, {}, async ({ page }) => {
      await openPage(page, `${strict.url}embed.html?preset=gru_before&views=attention,map,heatmap,loss,metric,focus,history,explorer,summary&text=1`);
      await stepTimes(page, 3);
      await page.waitForTimeout(500);
    }));

  test('the comparison (compare.html) under the strict policy: its workers ready, train, zero violations', { timeout: 120_000 }, (t) =>
    withCspWatch(t, {}, async ({ page }) => {
      await openPage(page, `${strict.url}compare.html?preset=dense&v=&v=learning_rate:0.01&v=attention:none`);
      const steps = () => page.$$eval('#summary-table tbody tr', (trs) => trs.map((tr) => Number(tr.dataset.step)));
      await page.click('#step');
      await page.waitForFunction(() => [...document.querySelectorAll('#summary-table tbody tr')].every((tr) => Number(tr.dataset.step) >= 1));
      await page.click('#play');
      await page.waitForFunction(() => [...document.querySelectorAll('#summary-table tbody tr')].every((tr) => Number(tr.dataset.step) >= 20), null, { timeout: 30_000 });
      await page.click('#play');
      await page.click('#curve-data > summary');
      await page.click('[data-comparison="placement"]'); // another comparison: new configs, the small multiples' bars
      await page.waitForFunction(() => document.body.dataset.ready === 'true' && document.querySelectorAll('#summary-table tbody tr').length === 2);
      await page.click('#step');
      await page.waitForTimeout(500);
      t.diagnostic(`steps ${(await steps()).join(', ')}, status "${await statusText(page)}"`);
    }));

  // The example post under a strict policy: served from another origin than its widgets, which
  // is what a hardened blog does (its policy is STRICT_CSP's but for the widget's origin in
  // script-src and frame-src; the widgets' documents get STRICT_CSP plus frame-ancestors *).
  // This also covers the post and its widgets on one origin under STRICT_CSP (no code of the
  // post, embed-host.js or the widget depends on the origins being the same).
  test('a hardened blog on another origin embeds the widget served with the recommended headers: the example post\'s two widgets and the custom element ready, train and resize, zero violations', { timeout: 150_000 }, async (t) => {
    // The widget with scripts/serve.mjs's defaults (frame-ancestors *), the post on another
    // origin under its own strict policy that names the widget's origin for frames and scripts.
    const widget = await serve({ root: siteDir, port: 0 });
    const hostDir = fs.mkdtempSync(path.join(os.tmpdir(), 'attention-csp-host-'));
    const origin = new URL(widget.url).origin;
    // ... and the custom element, a module script from the widget's origin (served with CORS).
    const post = fs.readFileSync(path.join(distDir, 'example-post.html'), 'utf8')
      .replaceAll('src="embed.html', `src="${widget.url}embed.html`)
      .replaceAll('src="embed-host.js"', `src="${widget.url}embed-host.js"`)
      .replace('</article>', `<attention-demo id="element-demo" preset="dense" loading="eager"></attention-demo></article>
  <script type="module" src="${widget.url}attention-demo.js"></script>`);
    assert.ok(post.includes('<attention-demo'));
    fs.writeFileSync(path.join(hostDir, 'index.html'), post);
    fs.copyFileSync(path.join(distDir, 'example-post.css'), path.join(hostDir, 'example-post.css'));
    const hostCsp = STRICT_CSP.replace("script-src 'self' 'wasm-unsafe-eval'", `script-src 'self' ${origin}`) +
      `; frame-src ${origin}; frame-ancestors 'none'`;
    assert.ok(hostCsp.includes(`script-src 'self' ${origin};`));
    const host = await serve({ root: hostDir, port: 0, csp: hostCsp });
    try {
      await withCspWatch(t, { viewport: { width: 900, height: 900 } }, async ({ page }) => {
        await page.goto(host.url);
        for (const id of ['dense-demo', 'lstm-demo']) {
          await page.$eval(`#${id}`, (f) => f.scrollIntoView());
          const frame = await readyFrame(page, `#${id}`);
          assert.equal(new URL(frame.url()).origin, origin);
          await stepTimes(frame, 2);
          // embed-host.js set the height (through the CSSOM, which style-src allows).
          await page.waitForFunction((i) => document.getElementById(i).style.height !== '', id, { timeout: 10_000 });
        }
        // The post's stylesheet applies (moved out of inline style): the iframes span the column.
        const width = await page.$eval('#dense-demo', (f) => f.getBoundingClientRect().width);
        assert.ok(width > 600, `the iframe is as wide as the column (${width}px)`);
        // The element: its iframe in a shadow root, styled through the CSSOM only.
        await page.$eval('#element-demo', (e) => e.scrollIntoView());
        const inner = await (await page.waitForFunction(() => document.getElementById('element-demo').frame)).asElement().contentFrame();
        await inner.waitForFunction(() => document.body?.dataset.ready === 'true', null, { timeout: 60_000 });
        await stepTimes(inner, 1);
        await page.waitForFunction(() => document.getElementById('element-demo').frame.style.height !== '', null, { timeout: 10_000 });
      });
    } finally {
      await host.close();
      await widget.close();
      fs.rmSync(hostDir, { recursive: true, force: true });
    }
  });

  test('no inline script, style, style attribute, event handler or javascript: URL in any page', () => {
    // Also what the browser would only report when it happens (a handler that never fires).
    const pages = fs.readdirSync(distDir).filter((f) => f.endsWith('.html'));
    assert.deepEqual(pages.sort(), ['compare.html', 'embed.html', 'example-post.html', 'index.html']);
    const INLINE = [
      ['<script> without src', /<script\b(?![^>]*\bsrc=)[^>]*>/i],
      ['<style>', /<style\b/i],
      ['style attribute', /<[a-z][^>]*\sstyle\s*=/i],
      ['event handler attribute', /<[a-z][^>]*\son[a-z]+\s*=/i],
      ['javascript: URL', /javascript:/i],
    ];
    const found = [];
    for (const f of pages) {
      const html = fs.readFileSync(path.join(distDir, f), 'utf8');
      for (const [what, re] of INLINE) if (re.test(html)) found.push(`${f}: ${what}: ${re.exec(html)[0]}`);
    }
    assert.deepEqual(found, []);
  });

  test('scripts/serve.mjs sends the recommended headers and MIME types by default', async () => {
    const server = await serveDist();
    try {
      const expect = {
        '': ['text/html; charset=utf-8', 'same-origin'],
        'index.html': ['text/html; charset=utf-8', 'same-origin'],
        'embed.html': ['text/html; charset=utf-8', 'cross-origin'],
        'embed-host.js': ['text/javascript; charset=utf-8', 'cross-origin'],
        'attention-demo.js': ['text/javascript; charset=utf-8', 'cross-origin', '*'],
        'oembed.json': ['application/json; charset=utf-8', 'cross-origin', '*'],
        'oembed/dense.json': ['application/json; charset=utf-8', 'cross-origin', '*'],
        'boot.js': ['text/javascript; charset=utf-8', 'cross-origin'],
        'example-post.html': ['text/html; charset=utf-8', 'same-origin'],
        'worker.js': ['text/javascript; charset=utf-8', 'same-origin'],
        'attention.mjs': ['text/javascript; charset=utf-8', 'same-origin'],
        'export.mjs': ['text/javascript; charset=utf-8', 'same-origin'],
        'attention_core.mjs': ['text/javascript; charset=utf-8', 'same-origin'],
        'attention_core.wasm': ['application/wasm', 'same-origin'],
        'style.css': ['text/css; charset=utf-8', 'same-origin'],
        'vendor/chart.umd.js': ['text/javascript; charset=utf-8', 'same-origin'],
      };
      for (const [file, [type, corp, cors = null]] of Object.entries(expect)) {
        const res = await fetch(`${server.url}${file}`, { method: 'HEAD' });
        assert.equal(res.status, 200, file);
        assert.equal(res.headers.get('content-type'), type, `${file}: Content-Type`);
        assert.equal(res.headers.get('content-security-policy'), RECOMMENDED_CSP, `${file}: CSP`);
        assert.equal(res.headers.get('cross-origin-resource-policy'), corp, `${file}: CORP`);
        assert.equal(res.headers.get('access-control-allow-origin'), cors, `${file}: CORS`);
        assert.equal(res.headers.get('x-content-type-options'), 'nosniff', `${file}: nosniff`);
      }
      assert.equal(MIME_TYPES['.wasm'], 'application/wasm');
      // The recommended policy is the strict one plus frame-ancestors, so that blogs can embed.
      assert.equal(RECOMMENDED_CSP, `${STRICT_CSP}; frame-ancestors *`);
    } finally {
      await server.close();
    }
    const none = await serveDist({ csp: null });
    try {
      const res = await fetch(`${none.url}index.html`, { method: 'HEAD' });
      assert.equal(res.headers.get('content-security-policy'), null, 'csp: null sends none');
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    } finally {
      await none.close();
    }
  });
});
