// Helpers for the browser tests: serve dist/, launch Debian's Chromium through playwright-core
// (never a downloaded browser), watch console errors and block every request that would leave
// 127.0.0.1, and read what the page shows.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from '../../scripts/serve.mjs';
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const distDir = path.join(root, 'dist');
export const screenshotDir = path.join(root, 'test-results', 'screenshots');

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/**
 * Serve dist/ (built by scripts/build-web.mjs) on a free port of 127.0.0.1, with the
 * recommended headers of scripts/serve.mjs (its Content-Security-Policy unless `csp` says
 * otherwise: a policy, or null for none).
 */
export async function serveDist(opts = {}) {
  if (!fs.existsSync(path.join(distDir, 'index.html'))) {
    throw new Error('dist/index.html is missing: run node scripts/build-web.mjs first');
  }
  return serve({ root: distDir, port: 0, ...opts });
}

const isLocal = (u) => {
  let url;
  try {
    url = new URL(u);
  } catch {
    return false;
  }
  if (url.protocol === 'data:' || url.protocol === 'blob:' || url.protocol === 'about:' || url.protocol === 'file:') return true;
  return (url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'ws:') &&
    url.hostname === '127.0.0.1';
};

/**
 * Launch Chromium with a fresh, temporary user-data dir and one page.
 * Returns { context, page, errors, external, failed, close }:
 * - errors: console errors, uncaught page errors and HTTP errors (strings);
 * - external: URLs of requests to any host other than 127.0.0.1 (each one blocked);
 * - failed: local requests that failed.
 * `initScript` (a function) runs in the page before any of the page's own scripts.
 */
export async function launch({ viewport = { width: 1280, height: 900 }, initScript, bypassCSP = false } = {}) {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'attention-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport,
      deviceScaleFactor: 1,
      serviceWorkers: 'block',
      timeout: 60_000,
      bypassCSP, // only to inject test tools (axe-core) into a page served with the strict policy
    });
  } catch (e) {
    fs.rmSync(userDataDir, { recursive: true, force: true });
    throw new Error(`could not start ${CHROMIUM} (install Debian's chromium: bash scripts/setup.sh): ${e.message}`);
  }
  const errors = [];
  const external = [];
  const failed = [];

  // Anything not addressed to 127.0.0.1 is recorded and aborted before it leaves.
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (isLocal(url)) return route.continue();
    if (!external.includes(url)) external.push(url);
    return route.abort('blockedbyclient');
  });
  // Requests the router might not see (e.g. from a worker) are still recorded here.
  context.on('request', (req) => {
    if (!isLocal(req.url()) && !external.includes(req.url())) external.push(req.url());
  });
  context.on('requestfailed', (req) => {
    if (isLocal(req.url())) failed.push(`${req.url()}: ${req.failure()?.errorText}`);
  });
  context.on('response', (res) => {
    if (res.status() >= 400) errors.push(`HTTP ${res.status()} for ${res.url()}`);
  });
  context.on('weberror', (e) => errors.push(`uncaught: ${e.error()?.stack || e.error()}`));

  if (initScript) await context.addInitScript(initScript);
  const page = context.pages()[0] ?? (await context.newPage());
  const watch = (p) => {
    p.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      const loc = msg.location();
      const where = loc?.url ? ` (${loc.url}:${loc.lineNumber})` : '';
      errors.push(`console.error${msg.worker() ? ' in worker' : ''}: ${msg.text()}${where}`);
    });
    p.on('pageerror', (e) => {
      const text = `pageerror: ${e.stack || e.message}`;
      if (!errors.includes(text)) errors.push(text);
    });
  };
  watch(page);
  context.on('page', watch);

  return {
    context,
    page,
    errors,
    external,
    failed,
    async close() {
      await context.close().catch(() => {});
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Run `fn(session)` with a fresh browser; always closes it. */
export async function withPage(opts, fn) {
  const session = await launch(opts);
  try {
    return await fn(session);
  } finally {
    await session.close();
  }
}

// ---- reading and driving the page ----------------------------------------------------------------

/** The page's text as a number: NaN for "–" (not yet available) or anything else non-numeric. */
export function toNumber(text) {
  const t = String(text ?? '').trim().replace(/[\s,\u202f\u00a0]/g, '').replace(/\u2212/g, '-');
  if (t === '' || t === '–' || t === '-') return NaN;
  return Number(t);
}

export const metric = async (page, name) =>
  toNumber(await page.textContent(`#progress [data-metric="${name}"]`));

export const statusText = async (page) => ((await page.textContent('#status')) ?? '').trim();

/** Open the page and wait until the worker has built the first trainer. */
export async function openPage(page, url, { timeout = 60_000 } = {}) {
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction(() => document.body?.dataset.ready === 'true', null, { timeout })
    .catch(async (e) => {
      throw new Error(`the page never set body[data-ready="true"] (status: "${await statusText(page).catch(() => '?')}"): ${e.message}`);
    });
}

/** Fill a field and commit it the way a user does (Tab fires 'change'); opens the settings if they are closed. */
export async function setField(page, key, value) {
  const sel = `#field-${key}`;
  if (!(await page.isVisible(sel)) && !(await page.$eval('#settings-group', (d) => d.open)))
    await page.click('#settings-group > summary');
  const tag = await page.$eval(sel, (el) => el.tagName);
  if (tag === 'SELECT') await page.selectOption(sel, String(value));
  else {
    await page.fill(sel, String(value));
    await page.press(sel, 'Tab');
  }
}

/** Choose a preset by its label in the picker, and wait for its model. */
export async function choosePreset(page, name) {
  const label = await page.$eval(`#field-preset option[value="${name}"]`, (o) => o.textContent);
  await page.getByLabel('Preset', { exact: true }).selectOption({ label });
  await waitRebuilt(page);
}

/** axe-core's serious and critical violations on the page, as "id: help (targets)" lines. */
export async function axeViolations(page) {
  await page.addScriptTag({ path: path.join(root, 'node_modules/axe-core/axe.min.js') });
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`);
}

/** Wait until the page is ready again after a rebuild (step counter back to 0). */
export async function waitRebuilt(page, timeout = 30_000) {
  await page.waitForFunction(() => {
    const el = document.querySelector('#progress [data-metric="step"]');
    const t = (el?.textContent ?? '').trim();
    return document.body.dataset.ready === 'true' && (t === '0' || t === '–');
  }, null, { timeout });
}

/** Set #speed (batches per frame) to its maximum. */
export async function maxSpeed(page) {
  const max = await page.$eval('#speed', (el) => el.max || '100');
  await page.fill('#speed', max);
  return Number(max);
}

export const isPlaying = (page) =>
  page.$eval('#play', (b) => b.getAttribute('aria-pressed') === 'true');

export async function play(page) {
  if (!(await isPlaying(page))) await page.click('#play');
  await page.waitForFunction(() => document.querySelector('#play').getAttribute('aria-pressed') === 'true',
    null, { timeout: 5_000 });
}

export async function pause(page) {
  if (await isPlaying(page)) await page.click('#play');
  await page.waitForFunction(() => document.querySelector('#play').getAttribute('aria-pressed') !== 'true',
    null, { timeout: 5_000 });
}

/** Wait until `predicate(page)` holds in the page (a function string or function); better messages. */
export async function waitForStatus(page, word, timeout) {
  const t0 = Date.now();
  try {
    await page.waitForFunction((w) => (document.querySelector('#status')?.textContent ?? '').includes(w),
      word, { timeout, polling: 250 });
  } catch {
    const step = await metric(page, 'step').catch(() => NaN);
    const epoch = await metric(page, 'epoch').catch(() => NaN);
    throw new Error(`#status did not contain "${word}" within ${timeout / 1000} s ` +
      `(status "${await statusText(page)}", epoch ${epoch}, step ${step})`);
  }
  return Date.now() - t0;
}

export async function waitForStep(page, atLeast, timeout = 30_000) {
  try {
    await page.waitForFunction((n) => {
      const t = (document.querySelector('#progress [data-metric="step"]')?.textContent ?? '').replace(/[\s,]/g, '');
      return Number(t) >= n;
    }, atLeast, { timeout, polling: 50 });
  } catch {
    throw new Error(`step did not reach ${atLeast} within ${timeout / 1000} s ` +
      `(step ${await metric(page, 'step')}, status "${await statusText(page)}")`);
  }
}

/** Open details#loss-data (which renders the table) if it is closed. */
export async function openLossTable(page) {
  const open = await page.$eval('details#loss-data', (d) => d.open);
  if (!open) await page.click('details#loss-data > summary');
  await page.waitForFunction(() => document.querySelector('details#loss-data').open);
}

/** Close and reopen details#loss-data, so the table is rendered afresh. */
export async function reopenLossTable(page) {
  const open = await page.$eval('details#loss-data', (d) => d.open);
  if (open) {
    await page.click('details#loss-data > summary');
    await page.waitForFunction(() => !document.querySelector('details#loss-data').open);
  }
  await openLossTable(page);
}

/** The loss table's body rows: [{ step, epoch, loss, metric, text }] (text: the cells as shown). */
export async function lossRows(page) {
  const rows = await page.$$eval('details#loss-data table tbody tr', (trs) =>
    trs.map((tr) => [...tr.querySelectorAll('td, th')].map((c) => c.textContent.trim())));
  return rows.map((cells) => ({
    step: toNumber(cells[0]),
    epoch: toNumber(cells[1]),
    loss: toNumber(cells[2]),
    metric: toNumber(cells[3]),
    text: cells.join(' | '),
  }));
}

/** Wait until the loss table has at least n rows (opening it first). */
export async function waitLossRows(page, n, timeout = 30_000) {
  await openLossTable(page);
  try {
    await page.waitForFunction((k) =>
      document.querySelectorAll('details#loss-data table tbody tr').length >= k, n, { timeout, polling: 100 });
  } catch {
    throw new Error(`the loss table did not reach ${n} rows within ${timeout / 1000} s ` +
      `(${(await lossRows(page)).length} rows, step ${await metric(page, 'step')})`);
  }
}

/** The attention's argmax and the expected position as the page shows them. */
export async function attentionPeak(page) {
  const peakText = ((await page.textContent('#attention-peak')) ?? '').trim();
  const expectedText = ((await page.textContent('#attention-expected')) ?? '').trim();
  return { peakText, expectedText, peak: toNumber(peakText), expected: toNumber(expectedText) };
}

/** Long tasks on the main thread, collected from before the page's own scripts run. */
export function longTaskObserver() {
  window.__longTasks = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        window.__longTasks.push({ start: Math.round(e.startTime), duration: Math.round(e.duration), name: e.name });
      }
    }).observe({ type: 'longtask', buffered: true });
    window.__longTasksSupported = true;
  } catch {
    window.__longTasksSupported = false;
  }
}

export function screenshotPath(name) {
  fs.mkdirSync(screenshotDir, { recursive: true });
  return path.join(screenshotDir, `${name}.png`);
}

/**
 * One served dist/ and one browser (another with bypassCSP, for axe-core) for a test file:
 * { url() (the server's, ending in /), onPage }. onPage(t, { bypassCSP, query, viewport }, fn) opens a fresh page on `query`, runs fn(page),
 * then checks that nothing was logged as an error and no request left 127.0.0.1. On failure
 * a screenshot named `failure-NAME-<test>` is saved and the status line added to the message.
 */
export function pageSuite(name, { query: defaultQuery, viewport: defaultViewport = { width: 1280, height: 1000 } }) {
  let server;
  const browsers = {};
  const browser = async (bypassCSP) => (browsers[bypassCSP] ??= await launch({ bypassCSP }));
  before(async () => {
    server = await serveDist();
  });
  after(async () => {
    for (const b of Object.values(browsers)) await b.close();
    await server?.close();
  });
  async function onPage(t, { bypassCSP = false, query = defaultQuery, viewport = defaultViewport }, fn) {
    const b = await browser(bypassCSP);
    const seen = { errors: b.errors.length, external: b.external.length };
    const page = await b.context.newPage();
    try {
      await page.setViewportSize(viewport);
      await openPage(page, `${server.url}${query}`);
      await fn(page);
      assert.deepEqual(b.external.slice(seen.external), [], 'requests left 127.0.0.1');
      assert.deepEqual(b.errors.slice(seen.errors), [], `errors on the page:\n${b.errors.slice(seen.errors).join('\n')}`);
    } catch (e) {
      const file = screenshotPath(`failure-${name}-${t.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`);
      await page.screenshot({ path: file, fullPage: true }).catch(() => {});
      e.message += `\nstatus: "${await statusText(page).catch(() => '?')}"\nscreenshot: ${file}`;
      throw e;
    } finally {
      await page.close();
    }
  }
  return { url: () => server.url, onPage };
}
