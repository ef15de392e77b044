// The page in headless Chromium, driven through its DOM contract (ids, data-metric, data-ready,
// aria-pressed / aria-invalid; see helpers.mjs for how each is read): it loads cleanly and offline, the attention lands where the page
// says it should, Pause/Reset behave, bad values are refused, divergence is reported, the main
// thread stays responsive, and screenshots of the main views at 1280 px and 360 px.
//
// Run: node scripts/build-web.mjs && node --test tests/browser/
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { serve } from '../../scripts/serve.mjs';
import {
  attentionPeak, distDir, launch, longTaskObserver, lossRows, maxSpeed, metric, openPage, pause, play,
  reopenLossTable, screenshotPath, serveDist, setField, statusText, waitForStatus, waitForStep,
  waitLossRows, waitRebuilt,
} from './helpers.mjs';

const FIELD_KEYS = ['samples', 'epochs', 'batch_size', 'learning_rate', 'optimizer', 'validation_split',
  'attention_column', 'time_steps', 'input_dim', 'units', 'seed'];
const METRICS = ['epoch', 'step', 'samples_per_second', 'loss', 'accuracy', 'val_loss', 'val_accuracy'];
const CANVASES = ['chart-loss', 'chart-accuracy', 'chart-attention', 'chart-heatmap', 'chart-history',
  'chart-sample-0', 'chart-sample-1'];

let server;
before(async () => {
  server = await serveDist();
});
after(async () => {
  await server?.close();
});

const safeName = (s) => s.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase();

/**
 * A fresh browser on the served page. After `fn`, every test also checks that nothing was
 * logged as an error and that no request left 127.0.0.1. On failure a screenshot is saved.
 */
async function onPage(t, opts, fn) {
  if (typeof opts === 'function') [opts, fn] = [{}, opts];
  const s = await launch(opts);
  try {
    await openPage(s.page, server.url);
    await fn(s);
    assert.deepEqual(s.external, [], `requests left 127.0.0.1: ${s.external.join(', ')}`);
    assert.deepEqual(s.errors, [], `errors on the page:\n${s.errors.join('\n')}`);
    assert.deepEqual(s.failed, [], `local requests failed:\n${s.failed.join('\n')}`);
  } catch (e) {
    const file = screenshotPath(`failure-${safeName(t.name)}`);
    await s.page.screenshot({ path: file, fullPage: true }).catch(() => {});
    const notes = [
      s.errors.length && `page errors:\n  ${s.errors.join('\n  ')}`,
      s.external.length && `external requests: ${s.external.join(', ')}`,
      `status: "${await statusText(s.page).catch(() => '?')}"`,
      `screenshot: ${file}`,
    ].filter(Boolean).join('\n');
    e.message += `\n${notes}`;
    throw e;
  } finally {
    await s.close();
  }
}

async function chooseModel(page, model, placement, vector) {
  await page.selectOption('#field-model', model);
  if (placement) await page.selectOption('#field-placement', placement);
  if (vector) await page.selectOption('#field-vector', vector);
  await waitRebuilt(page);
}

const fieldValue = (page, key) => page.$eval(`#field-${key}`, (el) => el.value);

/** Train the page's current configuration to its end at full speed and check what it shows. */
async function trainToEndAndCheck(t, page, timeout) {
  const speed = await maxSpeed(page);
  const t0 = Date.now();
  await play(page);
  await waitForStatus(page, 'done', timeout);
  const seconds = (Date.now() - t0) / 1000;

  const epochs = Number(await fieldValue(page, 'epochs'));
  assert.equal(await metric(page, 'epoch'), epochs, 'the epoch counter shows the configured epochs');
  assert.equal(await page.getAttribute('#play', 'aria-pressed'), 'false', 'not playing once done');
  assert.equal((await page.textContent('#play')).trim(), 'Play');

  const { peak, expected, peakText, expectedText } = await attentionPeak(page);
  assert.ok(Number.isInteger(expected), `#attention-expected shows a position (got "${expectedText}")`);
  assert.equal(expected, Number(await fieldValue(page, 'attention_column')),
    '#attention-expected is the attention column');
  assert.equal(peak, expected, `attention peaks at ${peakText}, expected ${expectedText}`);

  await reopenLossTable(page);
  const rows = await lossRows(page);
  assert.ok(rows.length >= 2, `the loss table has at least 2 rows (has ${rows.length})`);
  for (const r of rows) assert.ok(Number.isFinite(r.step) && Number.isFinite(r.loss), `row is numbers: ${r.text}`);
  const first = rows[0], last = rows.at(-1);
  assert.ok(last.loss < first.loss, `loss went down: first ${first.text}, last ${last.text}`);
  assert.ok(last.step > first.step, `rows go forward in steps: first ${first.text}, last ${last.text}`);

  t.diagnostic(`trained to the end in ${seconds.toFixed(1)} s at speed ${speed}; ` +
    `${await metric(page, 'step')} steps; peak ${peakText} = expected ${expectedText}; ` +
    `loss ${first.loss} -> ${last.loss} over ${rows.length} rows; val_accuracy ${await metric(page, 'val_accuracy')}`);
}

describe('page', { concurrency: false }, () => {
  test('loads with no console error and no request leaving 127.0.0.1', { timeout: 90_000 }, (t) =>
    onPage(t, async ({ page, errors, external }) => {
      // Every element of the contract is there.
      for (const id of ['field-model', 'field-placement', 'field-vector', 'play', 'step', 'epoch', 'reset',
        'new-seed', 'speed', 'progress', 'status', 'attention-peak', 'attention-expected', 'loss-data',
        'history-scrub', 'summary', ...FIELD_KEYS.flatMap((k) => [`field-${k}`, `error-${k}`]), ...CANVASES]) {
        assert.ok(await page.$(`#${id}`), `#${id} exists`);
      }
      for (const m of METRICS) assert.ok(await page.$(`#progress [data-metric="${m}"]`), `metric ${m} exists`);
      const options = (sel) => page.$$eval(`${sel} option`, (os) => os.map((o) => o.value));
      assert.deepEqual((await options('#field-model')).sort(), ['dense', 'gru', 'lstm']);
      assert.deepEqual((await options('#field-placement')).sort(), ['after', 'before']);
      assert.deepEqual((await options('#field-vector')).sort(), ['per-dimension', 'single']);
      assert.equal(await page.getAttribute('#speed', 'type'), 'range');
      assert.equal(await page.getAttribute('#history-scrub', 'type'), 'range');
      assert.equal((await page.textContent('#play')).trim(), 'Play');
      assert.equal(await metric(page, 'step'), 0, 'nothing trained yet');
      for (const k of FIELD_KEYS) {
        assert.notEqual(await page.getAttribute(`#field-${k}`, 'aria-invalid'), 'true', `#field-${k} valid`);
        assert.equal((await page.textContent(`#error-${k}`)).trim(), '', `#error-${k} empty`);
      }
      assert.ok(await page.$$eval('table#summary tbody tr', (r) => r.length) > 0, 'table#summary lists layers');
      // Let late requests and messages arrive before the common checks in onPage.
      await page.waitForTimeout(1000);
      t.diagnostic(`${errors.length} errors, ${external.length} external requests`);
    }));

  test('dist/ works from a sub-folder of a static host (relative paths only)', { timeout: 60_000 }, async (t) => {
    const host = fs.mkdtempSync(path.join(os.tmpdir(), 'attention-host-'));
    fs.cpSync(distDir, path.join(host, 'some', 'folder'), { recursive: true });
    const sub = await serve({ root: host, port: 0 });
    const s = await launch();
    try {
      await openPage(s.page, `${sub.url}some/folder/`);
      await s.page.waitForTimeout(500);
      assert.deepEqual(s.errors, [], `errors on the page:\n${s.errors.join('\n')}`);
      assert.deepEqual(s.external, [], `requests left 127.0.0.1: ${s.external.join(', ')}`);
      t.diagnostic(`ready at ${sub.url}some/folder/`);
    } finally {
      await s.close();
      await sub.close();
      fs.rmSync(host, { recursive: true, force: true });
    }
  });

  test('dense: plays to the end, attention peaks at the expected position, loss goes down',
    { timeout: 180_000 }, (t) =>
      onPage(t, async ({ page }) => {
        await chooseModel(page, 'dense');
        assert.ok(await page.isDisabled('#field-placement'), 'placement disabled for dense');
        assert.ok(await page.isDisabled('#field-vector'), 'vector disabled for dense');
        assert.ok(!(await page.isVisible('#chart-heatmap')), 'no heatmap for dense');
        await trainToEndAndCheck(t, page, 120_000);
      }));

  test('lstm before, 20000 samples: plays to the end, attention peaks at the expected position, loss goes down',
    { timeout: 180_000 }, (t) =>
      onPage(t, async ({ page }) => {
        await chooseModel(page, 'lstm', 'before', 'per-dimension');
        assert.ok(!(await page.isDisabled('#field-placement')), 'placement enabled for lstm');
        assert.ok(!(await page.isDisabled('#field-vector')), 'vector enabled for lstm');
        await setField(page, 'samples', 20000);
        await waitRebuilt(page);
        assert.equal(await fieldValue(page, 'samples'), '20000');
        assert.ok(await page.isVisible('#chart-heatmap'), 'per-dimension heatmap shown for lstm');
        await trainToEndAndCheck(t, page, 120_000);
      }));

  test('Pause stops the steps', { timeout: 90_000 }, (t) =>
    onPage(t, async ({ page }) => {
      await play(page);
      assert.equal((await page.textContent('#play')).trim(), 'Pause', 'the button reads Pause while playing');
      await waitForStep(page, 1);
      await pause(page);
      assert.equal((await page.textContent('#play')).trim(), 'Play', 'the button reads Play when paused');
      await page.waitForTimeout(300);        // a batch already on its way may still arrive
      const step = await metric(page, 'step');
      await page.waitForTimeout(1000);
      assert.equal(await metric(page, 'step'), step, 'no step after Pause');
      t.diagnostic(`paused at step ${step}`);
    }));

  test('Reset then Play reproduces the first loss values exactly', { timeout: 120_000 }, (t) =>
    onPage(t, async ({ page }) => {
      await setField(page, 'seed', 7);
      await waitRebuilt(page);
      const N = 5;
      const firstRows = async () => {
        await play(page);
        await waitLossRows(page, N + 1, 60_000);
        await pause(page);
        await page.waitForTimeout(300);
        await reopenLossTable(page);
        return (await lossRows(page)).slice(0, N);
      };
      const a = await firstRows();
      const stepA = await metric(page, 'step');

      await page.click('#reset');
      await waitRebuilt(page);
      assert.equal(await fieldValue(page, 'seed'), '7', 'Reset keeps the seed');
      assert.equal(await metric(page, 'step'), 0, 'Reset starts again at step 0');
      await reopenLossTable(page);
      const stale = (await lossRows(page)).filter((r) => r.step > 0);
      assert.deepEqual(stale.map((r) => r.text), [], 'Reset clears the loss history');

      const b = await firstRows();
      assert.deepEqual(b.map((r) => r.text), a.map((r) => r.text), 'the first rows are identical');
      t.diagnostic(`first ${N} rows identical after Reset (run 1 paused at step ${stepA}, ` +
        `run 2 at ${await metric(page, 'step')}):\n${a.map((r) => r.text).join('\n')}`);
    }));

  for (const bad of ['-1', 'abc']) {
    test(`a bad learning_rate ("${bad}") shows its message and doesn't start training`, { timeout: 60_000 }, (t) =>
      onPage(t, async ({ page }) => {
        const sel = '#field-learning_rate';
        const type = await page.getAttribute(sel, 'type');
        if (type === 'number' && !/^-?[\d.e]+$/i.test(bad)) {
          // A number input can't hold "abc": type it the way a user would (it ends up empty).
          await page.fill(sel, '');
          await page.type(sel, bad);
        } else {
          await page.fill(sel, bad);
        }
        await page.press(sel, 'Tab');
        await page.waitForSelector('#error-learning_rate', { state: 'visible', timeout: 5_000 })
          .catch(() => { throw new Error(`#error-learning_rate is not visible after "${bad}"`); });
        const message = (await page.textContent('#error-learning_rate')).trim();
        assert.match(message, /learning[ _]rate|> ?0|positive|greater|number/i, `the message says what is wrong: "${message}"`);
        assert.equal(await page.getAttribute(sel, 'aria-invalid'), 'true');
        assert.ok(await page.isDisabled('#play'), '#play is disabled');

        // Try anyway: click Play, press Space/Enter on it, click Step and Epoch.
        await page.click('#play', { force: true, timeout: 2_000 }).catch(() => {});
        await page.focus('#play').catch(() => {});
        await page.keyboard.press('Space');
        await page.keyboard.press('Enter');
        for (const b of ['#step', '#epoch']) await page.click(b, { force: true, timeout: 2_000 }).catch(() => {});
        await page.waitForTimeout(1000);
        const step = await metric(page, 'step');
        assert.ok(step === 0 || Number.isNaN(step), `no training with a bad field (step ${step})`);
        assert.notEqual(await page.getAttribute('#play', 'aria-pressed'), 'true', 'not playing');

        // A good value clears the message and enables Play again.
        await page.fill(sel, '0.001');
        await page.press(sel, 'Tab');
        await page.waitForSelector('#error-learning_rate', { state: 'hidden', timeout: 5_000 });
        assert.notEqual(await page.getAttribute(sel, 'aria-invalid'), 'true');
        await page.waitForFunction(() => !document.querySelector('#play').disabled, null, { timeout: 15_000 })
          .catch(() => { throw new Error('#play is not enabled again after a good value'); });
        t.diagnostic(`message for "${bad}": ${message}`);
      }));
  }

  test('learning_rate 10 diverges and the status says so', { timeout: 90_000 }, (t) =>
    onPage(t, async ({ page }) => {
      await setField(page, 'learning_rate', 10);
      await waitRebuilt(page);
      await play(page);
      const ms = await waitForStatus(page, 'diverged', 60_000);
      await page.waitForFunction(() => document.querySelector('#play').getAttribute('aria-pressed') !== 'true',
        null, { timeout: 5_000 });
      t.diagnostic(`diverged after ${ms} ms at step ${await metric(page, 'step')}: ${await statusText(page)}`);
    }));

  test('no long main-thread task while training', { timeout: 90_000 }, (t) =>
    onPage(t, { initScript: longTaskObserver }, async ({ page }) => {
      assert.ok(await page.evaluate(() => window.__longTasksSupported), 'longtask entries are observable');
      await page.waitForTimeout(500);
      const atLoad = await page.evaluate(() => window.__longTasks.splice(0));
      await play(page);
      await page.waitForTimeout(3000);                 // default speed
      const atDefault = await page.evaluate(() => window.__longTasks.splice(0));
      await maxSpeed(page);
      await page.waitForTimeout(3000);                 // full speed
      const atMax = await page.evaluate(() => window.__longTasks.splice(0));
      await pause(page);
      const fmt = (l) => (l.length ? l.map((x) => `${x.duration} ms at ${x.start} ms`).join(', ') : 'none');
      t.diagnostic(`long tasks: at load ${fmt(atLoad)}; training at default speed ${fmt(atDefault)}; ` +
        `at full speed ${fmt(atMax)}; trained ${await metric(page, 'step')} steps`);
      assert.ok(await metric(page, 'step') > 0, 'it trained');
      assert.deepEqual([...atDefault, ...atMax].map((x) => x.duration), [],
        `main-thread tasks over 50 ms while training: default speed ${fmt(atDefault)}; full speed ${fmt(atMax)}`);
    }));

  for (const [width, height] of [[1280, 900], [360, 800]]) {
    test(`screenshots of the main views at ${width} px`, { timeout: 180_000 }, (t) =>
      onPage(t, { viewport: { width, height } }, async ({ page }) => {
        const shots = [];
        const shoot = async (name) => {
          const file = screenshotPath(`${name}-${width}`);
          await page.screenshot({ path: file, fullPage: true });
          shots.push(file);
        };
        // Dense, trained to the end, with the loss table open.
        await chooseModel(page, 'dense');
        await maxSpeed(page);
        await play(page);
        await waitForStatus(page, 'done', 120_000);
        await shoot('dense');
        await reopenLossTable(page);
        await page.$eval('details#loss-data', (d) => d.scrollIntoView());
        await shoot('dense-loss-table');

        // A recurrent preset with the per-dimension heatmap, part-way through training.
        await chooseModel(page, 'lstm', 'before', 'per-dimension');
        await setField(page, 'samples', 20000);
        await waitRebuilt(page);
        await maxSpeed(page);
        await play(page);
        await waitForStep(page, 150, 120_000);
        await pause(page);
        await page.evaluate(() => window.scrollTo(0, 0));
        await shoot('lstm-before');

        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        if (overflow > 0) t.diagnostic(`warning: the page is ${overflow} px wider than the ${width} px viewport`);
        t.diagnostic(`saved ${shots.join(', ')}`);
      }));
  }
});
