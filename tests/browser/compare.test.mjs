// The comparison page (compare.html) in headless Chromium, under the recommended CSP, read
// through what it shows (the summary table's rows carry data-step, data-status, data-memory):
// a 2-variant comparison (before vs after the LSTM) trains, each variant in its own worker,
// on the same data, and their attention differs where the seed says it should; its first
// losses are the single page's for the same variant and seed; the URL round-trips; a 4-variant
// comparison trains; 6 workers stay under 300 MB of wasm memory in all; a variant that cannot
// run or diverges says so in its own column while the others train; embedded in a blog on
// another origin, it trains and resizes.
//
// Run: node scripts/build-web.mjs && node --test tests/browser/compare.test.mjs
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { serve } from '../../scripts/serve.mjs';
import { distDir, launch, lossRows, metric, openPage, screenshotPath, serveDist, statusText, waitLossRows } from './helpers.mjs';

let server, browser;
before(async () => {
  server = await serveDist();
  browser = await launch({ viewport: { width: 1280, height: 1000 } });
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** A fresh page on compare.html?query; afterwards no error and no request beyond 127.0.0.1. */
async function onCompare(t, query, fn) {
  const page = await browser.context.newPage();
  const seen = { errors: browser.errors.length, external: browser.external.length };
  try {
    await openPage(page, `${server.url}compare.html${query ? `?${query}` : ''}`);
    await fn(page);
    assert.deepEqual(browser.errors.slice(seen.errors), [], 'errors on the page');
    assert.deepEqual(browser.external.slice(seen.external), [], 'requests left 127.0.0.1');
  } catch (e) {
    const file = screenshotPath(`failure-compare-${t.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`);
    await page.screenshot({ path: file, fullPage: true }).catch(() => {});
    e.message += `\nstatus: "${await statusText(page).catch(() => '?')}"\nscreenshot: ${file}`;
    throw e;
  } finally {
    await page.close();
  }
}

// The summary table: per variant its cells as shown, and its data (step, status, memory, ...).
const HEAD = ['variant', 'params', 'memory', 'rate', 'step', 'loss', 'metric', 'onTarget', 'hitRate', 'hit90', 'status'];
const summary = (page) => page.$$eval('#summary-table tbody tr', (trs, head) => trs.map((tr) => ({
  ...Object.fromEntries([...tr.children].map((td, i) => [head[i], td.textContent.trim()])),
  data: { ...tr.dataset },
})), HEAD);
const captions = (page) => page.$$eval('.variant-caption', (ps) => ps.map((p) => p.textContent));
const legend = (page) => page.$$eval('#legend li', (lis) => lis.map((li) => li.textContent.trim()));

async function stepAll(page, n) {
  for (let k = 1; k <= n; k++) {
    await page.click('#step');
    await page.waitForFunction((want) => [...document.querySelectorAll('#summary-table tbody tr')]
      .filter((tr) => tr.dataset.status !== 'error').every((tr) => Number(tr.dataset.step) >= want), k, { timeout: 20_000 });
  }
}

async function trainToEnd(page, timeout) {
  await page.fill('#speed', '64');
  await page.click('#play');
  await page.waitForFunction(() => /Training done in every variant/.test(document.querySelector('#status').textContent), null, { timeout });
  await page.waitForTimeout(400); // the last redraw of the table and the cards
}

// Before vs after: the numbers of the README's claim, per variant.
function attentionOf(caption) {
  const m = /Peak at (\d+) \(([\d.]+)\); the answer is at (\d+) .* Before it: ([\d.]+) in all/.exec(caption);
  assert.ok(m, `a caption with the attention's numbers: "${caption}"`);
  return { peak: Number(m[1]), weight: Number(m[2]), answer: Number(m[3]), beforeAnswer: Number(m[4]) };
}

describe('compare', { concurrency: false }, () => {
  test('2 variants, before vs after: one click, same data, trained in parallel, their attention differs where it should; the first losses are the single page\'s', { timeout: 120_000 }, async (t) => {
    // The single page, lstm_before, seed 1: its first five losses.
    const single = await browser.context.newPage();
    let singleLosses;
    try {
      await openPage(single, `${server.url}index.html?preset=lstm_before`);
      for (let k = 1; k <= 5; k++) {
        await single.click('#step');
        await single.waitForFunction((want) => Number(document.querySelector('#progress [data-metric="step"]').textContent) >= want, k);
      }
      await waitLossRows(single, 5);
      singleLosses = (await lossRows(single)).slice(0, 5).map((r) => r.loss.toFixed(4));
    } finally {
      await single.close();
    }

    await onCompare(t, 'preset=dense', async (page) => {
      assert.deepEqual(await legend(page), ['variant 1', 'variant 2'], 'a preset without a ready-made comparison: two copies of it');
      await page.click('[data-comparison="placement"]'); // one click
      await page.waitForFunction(() => document.body.dataset.ready === 'true' && document.querySelectorAll('canvas.small-multiple').length === 2);
      assert.equal(await page.$eval('[data-comparison="placement"]', (b) => b.getAttribute('aria-pressed')), 'true');
      assert.equal(new URL(page.url()).search, '?preset=lstm_after&v=placement:before&v=placement:after', 'the URL holds the comparison');
      assert.deepEqual(await legend(page), ['placement: before', 'placement: after']);
      assert.match(await page.textContent('#differs'), /differ in attention placement.*Same data and same seed \(1\).*Checked: every variant holds the same held-out samples/);
      assert.equal(await page.$$eval('canvas.small-multiple', (c) => c.length), 2);

      await stepAll(page, 5);
      await page.click('#curve-data > summary');
      const table = await page.$$eval('#curve-data tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
      assert.deepEqual(table.slice(0, 5).map((r) => r[1]), singleLosses, 'placement: before = the single page\'s lstm_before, loss for loss');
      assert.notDeepEqual(table.slice(0, 5).map((r) => r[2]), singleLosses, 'placement: after is another model');

      const t0 = Date.now();
      await trainToEnd(page, 90_000);
      const rows = await summary(page);
      t.diagnostic(`trained to the end in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${rows.map((r) => `${r.variant}: ${r.rate} samples/s, loss ${r.loss}, on target ${r.onTarget}, hit rate ${r.hitRate}, 0.9 at ${r.hit90}, ${r.memory}`).join('; ')}`);
      assert.deepEqual(rows.map((r) => r.data.status), ['done', 'done']);
      assert.equal(rows[0].step, rows[1].step, 'the same data: the same number of steps');
      assert.ok(rows.every((r) => Number(r.data.params) > 0 && Number(r.data.memory) > 0 && /^\d/.test(r.rate)), 'parameters, memory and samples/s per variant');
      const [before, afterLSTM] = (await captions(page)).map(attentionOf);
      t.diagnostic(`before: ${JSON.stringify(before)}; after: ${JSON.stringify(afterLSTM)}`);
      // Both find step 10. Before the LSTM the attention sits on the raw inputs: a spike at 10
      // over an even floor on the noise. After it, no step before 10 draws any attention (the
      // LSTM cannot know the answer there yet), and steps after 10 share it: blurrier.
      assert.equal(before.peak, 10);
      assert.equal(afterLSTM.peak, 10);
      assert.ok(before.beforeAnswer > 0.25, `before the LSTM, steps 0-9 keep an even floor (${before.beforeAnswer})`);
      assert.ok(afterLSTM.beforeAnswer < 0.12, `after the LSTM, steps 0-9 get little (${afterLSTM.beforeAnswer})`);
      assert.ok(afterLSTM.weight > 1.5 * before.weight, 'after the LSTM, more of it on step 10 itself');
      assert.match(rows[1].hit90, /^step \d/, 'after: the hit rate reaches 0.9');
      assert.notEqual(rows[0].loss, rows[1].loss, 'the loss curves end apart');
    });
  });

  test('4 variants (LSTM and GRU, before and after) train in parallel to the end', { timeout: 120_000 }, async (t) => {
    // 4000 samples: a short run (what is checked is that all four reach the end, apart).
    await onCompare(t, 'preset=lstm_after&samples=4000&v=cell:lstm,placement:before&v=cell:lstm,placement:after&v=cell:gru,placement:before&v=cell:gru,placement:after', async (page) => {
      assert.deepEqual(await legend(page), ['cell: lstm, placement: before', 'cell: lstm, placement: after', 'cell: gru, placement: before', 'cell: gru, placement: after']);
      const t0 = Date.now();
      await trainToEnd(page, 100_000);
      const rows = await summary(page);
      t.diagnostic(`4 variants in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${rows.map((r) => `${r.variant}: ${r.rate} samples/s, loss ${r.loss}, ${r.memory}`).join('; ')}`);
      assert.deepEqual(rows.map((r) => r.data.status), ['done', 'done', 'done', 'done']);
      assert.equal(new Set(rows.map((r) => r.step)).size, 1, 'the same data: the same number of steps');
      assert.equal(new Set(rows.map((r) => r.loss)).size, 4, 'four models, four final losses');
      assert.equal(new Set(rows.map((r) => r.params)).size, 4, 'LSTM and GRU, before and after: four parameter counts');
      for (const c of await captions(page)) assert.match(c, /^Peak at \d+/);
    });
  });

  test('6 variants: six workers, under 300 MB of wasm memory in all; the URL round-trips', { timeout: 90_000 }, async (t) => {
    const six = ['cell:lstm,placement:before', 'cell:lstm,placement:after', 'cell:gru,placement:before', 'cell:gru,placement:after',
      'single_attention_vector:true', 'learning_rate:0.01'];
    const query = `preset=lstm_after&seed=4&speed=8&${six.map((v) => `v=${v}`).join('&')}`;
    let written;
    await onCompare(t, query, async (page) => {
      assert.equal(new URL(page.url()).search, `?${query}`, 'the URL as given: it is already in its written form');
      await stepAll(page, 3);
      await page.waitForTimeout(400);
      const rows = await summary(page);
      const total = Number(await page.$eval('#memory-total', (td) => td.dataset.bytes));
      t.diagnostic(`wasm memory per worker: ${rows.map((r) => r.memory).join(', ')}; in all ${(total / 2 ** 20).toFixed(1)} MB`);
      assert.equal(rows.length, 6);
      assert.ok(rows.every((r) => Number(r.data.memory) > 0), 'each worker says how much it holds');
      assert.equal(total, rows.reduce((s, r) => s + Number(r.data.memory), 0));
      assert.ok(total < 300 * 2 ** 20, `${(total / 2 ** 20).toFixed(1)} MB < 300 MB`);
      assert.equal(await page.isDisabled('#add-variant'), true, 'six is the most');
      // An edited variant goes into the URL at once.
      await page.fill('#variant-5-text', 'learning_rate:0.01,units:16');
      await page.press('#variant-5-text', 'Tab');
      await page.waitForFunction(() => document.body.dataset.ready === 'true' && /units:16/.test(location.search));
      written = new URL(page.url()).search;
      assert.equal(written, `?preset=lstm_after&seed=4&speed=8&${six.slice(0, 5).map((v) => `v=${v}`).join('&')}&v=learning_rate:0.01,units:16`);
    });
    // The written URL reopens the same comparison.
    await onCompare(t, written.slice(1), async (page) => {
      assert.equal(new URL(page.url()).search, written);
      assert.equal(await page.inputValue('#variant-5-text'), 'learning_rate:0.01,units:16');
      assert.equal(await page.inputValue('#speed'), '8');
      assert.equal(await page.inputValue('#shared-seed'), '4');
      assert.equal((await legend(page)).length, 6);
    });
  });

  test('bad input: a variant that cannot run and one that diverges say so in their own columns; the others train on', { timeout: 90_000 }, async (t) => {
    await onCompare(t, 'preset=dense&v=&v=attention_column:40&v=learning_rate:10&v=placement:sideways', async (page) => {
      const errors = await page.$$eval('.variant-card .error', (ps) => ps.map((p) => p.textContent));
      assert.equal(errors[0], '');
      assert.match(errors[1], /^Answer position must be below Input dimensions \(32\)/, 'the core\'s message, in the page\'s words, in its column');
      assert.equal(errors[2], '');
      assert.match(errors[3], /^Attention placement: choose one of the listed options\.$/, 'the page\'s own check, in its column');
      assert.match(await statusText(page), /Ready: press Play\. \(2 cannot run: see their columns\)/);
      await trainToEnd(page, 60_000);
      const rows = await summary(page);
      assert.deepEqual(rows.map((r) => r.data.status), ['done', 'error', 'diverged', 'error']);
      assert.ok(Number(rows[0].data.step) > Number(rows[2].data.step), 'the first went on after the third diverged');
      const card = await page.textContent('[data-variant="2"] .variant-status');
      assert.match(card, /^Diverged: .*The others go on\./);
      assert.match(await statusText(page), /Training done in every variant \(2 cannot run, 1 diverged: see their columns\)/);
      assert.match(rows[1].status, /^error: Answer position/);
    });
  });

  test('embedded in a blog on another origin: the strip and the curves, trains, resizes', { timeout: 90_000 }, async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attention-compare-host-'));
    fs.writeFileSync(path.join(dir, 'index.html'), `<!doctype html><html><head><link rel="icon" href="data:,"></head><body>
      <p>A post.</p><iframe id="c" src="${server.url}compare.html?preset=dense&amp;v=&amp;v=learning_rate:0.01&amp;embed=1" title="comparison"
        sandbox="allow-scripts allow-same-origin allow-popups" width="700" height="300"></iframe>
      <script src="${server.url}embed-host.js"></script></body></html>`);
    const host = await serve({ root: dir, port: 0, csp: null });
    const page = await browser.context.newPage();
    try {
      await page.goto(host.url);
      const frame = await (await page.waitForSelector('#c')).contentFrame();
      await frame.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 60_000 });
      assert.equal(await frame.isVisible('#chart-loss'), true, 'the curves show');
      assert.equal(await frame.isVisible('#setup'), false, 'the setup does not');
      assert.equal(await frame.isVisible('#full-page'), true, 'a link to the full comparison');
      assert.doesNotMatch(await frame.getAttribute('#full-page', 'href'), /embed=1/);
      await frame.click('#step');
      await frame.waitForFunction(() => [...document.querySelectorAll('#summary-table tbody tr')].every((tr) => Number(tr.dataset.step) >= 1));
      await page.waitForFunction(() => document.querySelector('#c').getBoundingClientRect().height > 300, null, { timeout: 10_000 });
      t.diagnostic(`iframe height ${await page.$eval('#c', (f) => f.getBoundingClientRect().height)} px`);
    } finally {
      await page.close();
      await host.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
