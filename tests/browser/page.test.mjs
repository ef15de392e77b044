// The page in headless Chromium, driven through what a user sees (labels, buttons, the
// numbers and captions it shows; see helpers.mjs for how each is read): its controls come from
// the module's tables, every preset trains and its attention lands where the task says, the
// map replays, the sample explorer predicts, errors sit beside their field in the page's words
// and go away with their cause, the scales are fixed, file:// says what to do, the keyboard
// works, axe-core finds no serious violation, and screenshots at 1280, 700 and 360 px.
//
// Run: node scripts/build-web.mjs && node --test tests/browser/
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { serve } from '../../scripts/serve.mjs';
import { pagePresets, pageTables } from '../../web/settings.js';
import { loadModule } from '../wasm/module.mjs';
import {
  attentionPeak, axeViolations, choosePreset, distDir, isPlaying, launch, lossRows, maxSpeed, metric,
  openPage, pause, play, reopenLossTable, screenshotPath, serveDist, setField, statusText, waitForStatus,
  waitForStep, waitLossRows, waitRebuilt,
} from './helpers.mjs';

const M = await loadModule();
const PRESETS = pagePresets(M.presets(), M.tasks());

// One browser for the suite (one more for the axe checks, which need to bypass the CSP to
// inject axe-core): each test gets a fresh page in it, those on another server or on file://
// too. Starting Chromium costs seconds.
let server;
const browsers = {};
const browser = async (bypassCSP = false) => (browsers[bypassCSP] ??= await launch({ bypassCSP }));
before(async () => {
  server = await serveDist();
});
after(async () => {
  for (const b of Object.values(browsers)) await b.close();
  await server?.close();
});

const safeName = (s) => s.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase();

/**
 * A fresh page on the served page. After `fn`, every test also checks that nothing was
 * logged as an error and that no request left 127.0.0.1. On failure a screenshot is saved.
 */
async function onPage(t, opts, fn) {
  if (typeof opts === 'function') [opts, fn] = [{}, opts];
  const b = await browser(opts.bypassCSP);
  const page = await b.context.newPage();
  const seen = { errors: b.errors.length, external: b.external.length, failed: b.failed.length };
  const since = (k) => b[k].slice(seen[k]);
  try {
    if (opts.viewport) await page.setViewportSize(opts.viewport);
    if (opts.initScript) await page.addInitScript(opts.initScript);
    await openPage(page, server.url + (opts.query ?? ''));
    await fn({ page });
    assert.deepEqual(since('external'), [], `requests left 127.0.0.1: ${since('external').join(', ')}`);
    assert.deepEqual(since('errors'), [], `errors on the page:\n${since('errors').join('\n')}`);
    assert.deepEqual(since('failed'), [], `local requests failed:\n${since('failed').join('\n')}`);
  } catch (e) {
    const file = screenshotPath(`failure-${safeName(t.name)}`);
    await page.screenshot({ path: file, fullPage: true }).catch(() => {});
    e.message += `\nstatus: "${await statusText(page).catch(() => '?')}"\nscreenshot: ${file}` +
      (since('errors').length ? `\npage errors:\n  ${since('errors').join('\n  ')}` : '');
    throw e;
  } finally {
    await page.close();
  }
}

const text = async (page, sel) => ((await page.textContent(sel)) ?? '').trim();
const visibleRows = (page) => page.$$eval('#settings .field', (rows) => rows.filter((r) => !r.hidden).map((r) => r.dataset.key));

async function trainToEnd(page, timeout = 120_000) {
  await maxSpeed(page);
  // Not play(): a short run (attention_example, 20 steps) can end before Play shows pressed.
  if (!(await isPlaying(page))) await page.click('#play');
  return waitForStatus(page, 'done', timeout);
}

describe('page', { concurrency: false }, () => {
  test('loads clean, and its controls come from the module: every preset, the fields each uses, their labels', { timeout: 90_000 }, (t) =>
    onPage(t, async ({ page }) => {
      const options = await page.$$eval('#field-preset option', (os) => os.map((o) => [o.value, o.textContent]));
      assert.deepEqual(options, PRESETS.map((p) => [p.name, p.label]), 'the preset picker is the module\'s table');
      const attentions = await page.$$eval('#field-attention option', (os) => os.map((o) => o.value));
      const table = pageTables({ presets: M.presets(), tasks: M.tasks(), fields: M.configFields() }).fields.find((f) => f.name === 'attention');
      assert.deepEqual(attentions, table.choices, 'the attention choices are the page\'s table (the self-attention model too)');
      const fields = M.configFields();
      for (const f of fields) {
        const label = await page.$eval(`label[for="field-${f.name}"]`, (l) => l.textContent).catch(() => null);
        assert.equal(label, f.label, `${f.name} is labelled with the core's label`);
      }
      for (const p of ['dense', 'find_max', 'previous_token']) {
        await choosePreset(page, p);
        const want = M.applicableFields({ preset: p }).filter((n) => n !== 'preset' && n !== 'attention').sort();
        assert.deepEqual((await visibleRows(page)).sort(), want, `${p}: the settings shown are the ones it uses`);
      }
      assert.equal(await text(page, '#play'), 'Play');
      assert.equal(await metric(page, 'step'), 0, 'nothing trained yet');
      assert.equal(await statusText(page), 'Ready: press Play.');
      assert.ok(!(await page.isDisabled('#play')), 'Play is enabled when the status says Ready');
      await page.waitForTimeout(500);
    }));

  test('dist/ works from a sub-folder of a static host (relative paths only)', { timeout: 60_000 }, async (t) => {
    const host = fs.mkdtempSync(path.join(os.tmpdir(), 'attention-host-'));
    fs.cpSync(distDir, path.join(host, 'some', 'folder'), { recursive: true });
    const sub = await serve({ root: host, port: 0 });
    const b = await browser();
    const seen = { errors: b.errors.length, external: b.external.length };
    const page = await b.context.newPage();
    try {
      await openPage(page, `${sub.url}some/folder/`);
      await page.waitForTimeout(500);
      const errors = b.errors.slice(seen.errors), external = b.external.slice(seen.external);
      assert.deepEqual(errors, [], `errors on the page:\n${errors.join('\n')}`);
      assert.deepEqual(external, [], `requests left 127.0.0.1: ${external.join(', ')}`);
    } finally {
      await page.close();
      await sub.close();
      fs.rmSync(host, { recursive: true, force: true });
    }
  });

  // Every preset of the registry, trained from the page; where its attention lands, read from
  // the page. Sizes as the page sets them, smaller for find_max (the test's, see
  // tests/core/seed_outcomes.test.cpp).
  const smaller = { find_max: { samples: 8000, epochs: 8 }, attention_example: { epochs: 5 } };
  // The token presets: the last layer's best head's attention on target, with room below what
  // the core's tests measure (tests/core/self_attention_outcomes.test.cpp).
  const HEAD_ON_TARGET = { previous_token: 0.8, induction_head: 0.1, sort_tokens: 0.3 };
  test('every preset trains from the page, and its attention lands where the task says', { timeout: 420_000 }, (t) =>
    onPage(t, async ({ page }) => {
      for (const p of PRESETS) {
        const t0 = Date.now();
        await choosePreset(page, p.name);
        for (const [k, v] of Object.entries(smaller[p.name] ?? {})) {
          await setField(page, k, v);
          await waitRebuilt(page);
        }
        await trainToEnd(page, 150_000);
        const task = M.tasks().find((x) => x.name === p.config.task);
        let where;
        if (task.answer_position) {
          const { peak, expected } = await attentionPeak(page);
          assert.equal(expected, p.config.attention_column, `${p.name}: the page marks the answer's position`);
          if (p.name === 'gru_after') assert.ok([10, 11].includes(peak), `gru_after peaks at ${peak}`);
          else assert.equal(peak, expected, `${p.name}: the attention peaks at ${peak}, the answer is at ${expected}`);
          where = `peak ${peak}`;
        } else if (task.ground_truth) {
          const caption = await text(page, '#focus-caption');
          const m = /validation (\d+\.\d+) and (\d+\.\d+)/.exec(caption);
          assert.ok(m, `${p.name}: the focus caption gives the validation numbers: "${caption}"`);
          const [onTarget, hitRate] = [Number(m[1]), Number(m[2])];
          if (p.name === 'add_two_numbers') {
            assert.ok(onTarget > 0.8 && hitRate > 0.95, `${p.name}: on target ${onTarget}, hit rate ${hitRate}`);
          } else {
            assert.ok(hitRate > 0.45 && onTarget > 0.11, `${p.name}: on target ${onTarget}, hit rate ${hitRate}`);
          }
          if (task.head === 'translation') {
            // The alignment view: the first held-out sample's output, marked against its target.
            const caption = await text(page, '#alignment-caption');
            const m = /"([^"]+)" → "([^"]+)" \(target "([^"]+)"\), (\d+) of (\d+) right\..*sequence accuracy (\d\.\d+)/.exec(caption);
            assert.ok(m, `${p.name}: the alignment caption gives the output and the sequence accuracy: "${caption}"`);
            assert.ok(Number(m[6]) > 0.5, `${p.name}: sequence accuracy ${m[6]}`);
            where = `on target ${onTarget}, hit rate ${hitRate}, sequence accuracy ${m[6]}`;
          } else if (task.head === 'tokens') {
            // The heads view: the best head of the last layer (README, "What the models learn").
            const caption = await text(page, '#heads-caption');
            const best = Math.max(...[...caption.matchAll(/Head \d+ puts (\d\.\d+) of its attention/g)].map((x) => Number(x[1])));
            assert.ok(best > HEAD_ON_TARGET[p.name], `${p.name}: the best head puts ${best} on target: "${caption}"`);
            where = `on target ${onTarget}, hit rate ${hitRate}, best last-layer head ${best}`;
          } else {
            assert.match(await text(page, '#map-caption'), /the peak is on the answer for \d+ of 12 samples/);
            where = `on target ${onTarget}, hit rate ${hitRate}`;
          }
        } else {
          assert.match(await text(page, '#focus-caption'), /no right place for the attention/);
          where = 'no ground truth';
        }
        t.diagnostic(`${p.name}: ${where}; ${await metric(page, 'step')} steps in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      }
    }));

  test('previous_token: the heads view draws each head beside the truth, and its caption and table put most attention one step back', { timeout: 120_000 }, (t) =>
    onPage(t, async ({ page }) => {
      await choosePreset(page, 'previous_token');
      const shown = await page.$$eval('#views > figure:not([data-off])', (fs) => fs.map((f) => f.dataset.view));
      assert.ok(shown.includes('heads'), `the heads view shows: ${shown}`);
      for (const v of ['attention', 'map', 'explorer', 'history']) assert.ok(!shown.includes(v), `${v} does not apply to a token run: ${shown}`);
      assert.equal(await page.getAttribute('#chart-heads', 'role'), 'img');
      await trainToEnd(page, 150_000);
      const caption = await text(page, '#heads-caption');
      const m = /Head 1 puts (\d\.\d+) of its attention on the previous token \(one step back\), and peaks there at (\d\.\d+)/.exec(caption);
      assert.ok(m, `the caption names head 1's score: "${caption}"`);
      assert.ok(Number(m[1]) > 0.5 && Number(m[2]) > 0.5, `head 1: ${m[1]} on target, peaks there at ${m[2]}`);
      await page.click('#heads-data summary');
      await page.waitForSelector('#heads-data tbody tr'); // filled on the toggle event
      const cells = await page.$$eval('#heads-data tbody tr:first-child td', (tds) => tds.map((td) => td.textContent));
      assert.equal(cells[1], '1');
      assert.ok(Number(cells[2]) > 0.5, `the table: ${cells}`);
      // Most query steps peak one step back in sample 0: "t→t-1".
      const back = cells[4].split(' ').filter((x) => { const [q, k] = x.split('→').map(Number); return k === q - 1; }).length;
      assert.ok(back >= 10, `${back} of 16 query steps peak one step back: ${cells[4]}`);
      t.diagnostic(caption);
    }));

  test('the attention map replays the run: the scrubber and Replay show earlier moments', { timeout: 120_000 }, (t) =>
    onPage(t, async ({ page }) => {
      await setField(page, 'epochs', 3);
      await waitRebuilt(page);
      assert.equal(await text(page, '#map-when'), 'the start');
      await trainToEnd(page);
      const frames = Number(await page.getAttribute('#map-scrub', 'max')) + 1;
      assert.ok(frames > 10, `recorded ${frames} frames over 3 epochs`);
      assert.match(await text(page, '#map-when'), /^epoch 3\.00 of 3/);
      await page.fill('#map-scrub', '0');
      assert.equal(await text(page, '#map-when'), 'the start');
      await page.click('#map-play');
      assert.equal(await page.getAttribute('#map-play', 'aria-pressed'), 'true');
      await page.waitForFunction(() => /^epoch [1-3]\./.test(document.querySelector('#map-when').textContent), null, { timeout: 15_000 });
      await page.click('#map-play');
      assert.equal(await page.getAttribute('#map-play', 'aria-pressed'), 'false');
      t.diagnostic(`${frames} frames; stopped at "${await text(page, '#map-when')}"`);
    }));

  test('the sample explorer shows a sample of each class with its target and the prediction', { timeout: 90_000 }, (t) =>
    onPage(t, async ({ page }) => {
      await page.waitForFunction(() => /predicts/.test(document.querySelector('#sample-1-text')?.textContent ?? ''));
      const a = await text(page, '#sample-0-text'), b = await text(page, '#sample-1-text');
      assert.match(a, /the answer is 0, at position 1 \(★\); the model predicts 0\.\d{3} \([01]\)/);
      assert.match(b, /the answer is 1, at position 1 \(★\); the model predicts 0\.\d{3} \([01]\)/);
      await page.click('#explorer-next');
      await page.waitForFunction((old) => document.querySelector('#sample-0-text').textContent.trim() !== old, a);
      assert.match(await text(page, '#explorer-position'), /^2 of \d+ \(one of each class\)$/);
    }));

  test('a cross-field error sits beside its field in the page\'s words; undoing its cause clears it', { timeout: 90_000 }, (t) =>
    onPage(t, async ({ page }) => {
      await choosePreset(page, 'lstm_before');
      await setField(page, 'time_steps', 5);
      await page.waitForSelector('#error-attention_column:not(:empty)');
      assert.equal(await text(page, '#error-attention_column'), 'Answer position must be below Time steps (5) (got 10)');
      assert.equal(await page.getAttribute('#field-attention_column', 'aria-invalid'), 'true');
      assert.ok(await page.isDisabled('#play'));
      assert.match(await statusText(page), /^Fix the highlighted setting to train/);
      await setField(page, 'time_steps', 20);
      await waitRebuilt(page);
      await page.waitForFunction(() => document.querySelector('#error-attention_column').textContent === '');
      assert.notEqual(await page.getAttribute('#field-attention_column', 'aria-invalid'), 'true');
      assert.equal(await statusText(page), 'Ready: press Play.');
      assert.ok(!(await page.isDisabled('#play')));
    }));

  for (const bad of ['-1', 'abc']) {
    test(`a bad learning rate ("${bad}") shows its message and nothing trains`, { timeout: 60_000 }, (t) =>
      onPage(t, async ({ page }) => {
        await setField(page, 'learning_rate', bad);
        await page.waitForSelector('#error-learning_rate:not(:empty)');
        const message = await text(page, '#error-learning_rate');
        assert.match(message, /^Learning rate: (must be greater than 0|"abc" is not a number)\.$/);
        assert.ok(await page.isDisabled('#play'));
        assert.doesNotMatch(await statusText(page), /Ready/, 'the status never says Ready while Play is disabled');
        await page.keyboard.press('s');
        await page.waitForTimeout(500);
        assert.ok(!(await metric(page, 'step') > 0), 'no training with a bad field');
        await setField(page, 'learning_rate', '0.001');
        await page.waitForFunction(() => !document.querySelector('#play').disabled, null, { timeout: 15_000 });
        assert.equal(await text(page, '#error-learning_rate'), '');
      }));
  }

  test('before training the maps use their fixed scale: uniform attention looks uniform and dark', { timeout: 60_000 }, (t) =>
    onPage(t, async ({ page }) => {
      await page.waitForFunction(() => /^Rows are/.test(document.querySelector('#map-caption')?.textContent ?? ''));
      // The attention panel's cells (a dozen samples x 32 positions, all near 1/32) are the
      // colour of 0.03 on the 0..1 scale: viridis there is dark purple (about 70, 10, 90).
      const pixels = await page.evaluate(() => {
        const c = document.querySelector('#chart-map');
        const ctx = c.getContext('2d');
        const dpr = window.devicePixelRatio || 1;
        const out = [];
        for (const [x, y] of [[30, 25], [60, 40], [90, 60], [120, 30]])
          out.push(Array.from(ctx.getImageData(x * dpr, y * dpr, 1, 1).data.slice(0, 3)));
        return out;
      });
      for (const [r, g, b] of pixels) assert.ok(r < 90 && g < 40 && b > 60 && b < 130, `a dark cell, got rgb(${r}, ${g}, ${b})`);
      const legend = await page.$$eval('[data-view="map"] .legend span', (s) => s.map((x) => x.textContent));
      assert.deepEqual([legend[0], legend.at(-1)], ['0', '1'], 'the scale is stated: 0 to 1');
    }));

  test('opened from file://, the page says why it cannot run and what to do', { timeout: 60_000 }, async () => {
    const page = await (await browser()).context.newPage(); // its errors are expected: not checked
    try {
      await page.goto(pathToFileURL(path.join(distDir, 'index.html')).href);
      await page.waitForFunction(() => !document.querySelector('#notice').hidden, null, { timeout: 10_000 });
      const notice = await text(page, '#notice');
      assert.match(notice, /opened from a file.*npm start/);
      assert.doesNotMatch(await statusText(page), /Loading the model/);
    } finally {
      await page.close();
    }
  });

  test('Pause stops the steps', { timeout: 90_000 }, (t) =>
    onPage(t, async ({ page }) => {
      await play(page);
      assert.equal(await text(page, '#play'), 'Pause');
      await waitForStep(page, 1);
      await pause(page);
      await page.waitForTimeout(300); // a batch already on its way may still arrive
      const step = await metric(page, 'step');
      await page.waitForTimeout(1000);
      assert.equal(await metric(page, 'step'), step, 'no step after Pause');
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
      await page.click('#reset');
      await waitRebuilt(page);
      assert.equal(await page.inputValue('#field-seed'), '7', 'Reset keeps the seed');
      await reopenLossTable(page);
      assert.deepEqual((await lossRows(page)).map((r) => r.text), [], 'Reset clears the loss history');
      const b = await firstRows();
      assert.deepEqual(b.map((r) => r.text), a.map((r) => r.text), 'the first rows are identical');
    }));

  test('Epoch trains to the end of the epoch with progress shown, and Stop cancels it', { timeout: 90_000 }, (t) =>
    onPage(t, async ({ page }) => {
      await choosePreset(page, 'lstm_after');
      await page.fill('#speed', '1');
      await page.click('#epoch');
      assert.equal(await text(page, '#epoch'), 'Stop');
      assert.match(await statusText(page), /Training to the end of epoch 1/);
      await waitForStep(page, 3);
      await page.click('#epoch');
      await page.waitForTimeout(400);
      const step = await metric(page, 'step');
      assert.ok(step > 0 && step < 100, `stopped part-way (step ${step})`);
      assert.equal(await text(page, '#epoch'), 'Epoch');
      await page.waitForTimeout(600);
      assert.equal(await metric(page, 'step'), step, 'nothing trains after Stop');
      await maxSpeed(page);
      await page.click('#epoch');
      await page.waitForFunction(() => document.querySelector('#epoch').textContent === 'Epoch' && document.querySelector('[data-metric="epoch"]').textContent === '1', null, { timeout: 60_000 });
      assert.equal(await metric(page, 'epoch'), 1);
    }));

  test('keyboard shortcuts work after a button was clicked', { timeout: 60_000 }, (t) =>
    onPage(t, async ({ page }) => {
      await page.click('#step');
      await waitForStep(page, 1);
      await page.keyboard.press('s'); // the focus is on the Step button
      await waitForStep(page, 2);
      await page.keyboard.press(' ');
      await page.waitForFunction(() => document.querySelector('#play').getAttribute('aria-pressed') === 'true');
      await page.keyboard.press(' ');
      await page.waitForFunction(() => document.querySelector('#play').getAttribute('aria-pressed') === 'false');
    }));

  test('a learning rate of 10 diverges and the status says so', { timeout: 90_000 }, (t) =>
    onPage(t, async ({ page }) => {
      await setField(page, 'learning_rate', 10);
      await waitRebuilt(page);
      // Not play(): the run can diverge and release Play before a check sees it pressed.
      await page.click('#play');
      await waitForStatus(page, 'diverged', 60_000);
      assert.equal(await page.getAttribute('#play', 'aria-pressed'), 'false');
    }));

  test('axe-core: no serious or critical violation, for four presets trained a little', { timeout: 150_000 }, (t) =>
    onPage(t, { bypassCSP: true }, async ({ page }) => {
      for (const preset of ['dense', 'lstm_after', 'find_max', 'previous_token']) {
        await choosePreset(page, preset);
        await play(page);
        await waitForStep(page, 20);
        await pause(page);
        if (!(await page.$eval('#settings-group', (d) => d.open))) await page.click('#settings-group > summary');
        if (!(await page.$eval('details#loss-data', (d) => d.open))) await page.click('details#loss-data > summary');
        if (preset === 'previous_token') await page.click('details#heads-data > summary'); // its table too
        const violations = await axeViolations(page);
        assert.deepEqual(violations, [], `${preset}:\n${violations.join('\n')}`);
      }
    }));

  test('axe-core: no serious or critical violation in the embed (a later preset, every view)', { timeout: 90_000 }, (t) =>
    onPage(t, { bypassCSP: true, query: 'embed.html?preset=add_two_numbers&views=attention,map,focus,loss,metric,explorer,summary&controls=full&text=1' }, async ({ page }) => {
      await play(page);
      await waitForStep(page, 20);
      await pause(page);
      const violations = await axeViolations(page);
      assert.deepEqual(violations, [], violations.join('\n'));
    }));

  for (const [width, height] of [[1280, 800], [360, 740]]) {
    test(`the first screen at ${width} x ${height}: Play and the attention are on it`, { timeout: 60_000 }, (t) =>
      onPage(t, { viewport: { width, height } }, async ({ page }) => {
        const box = async (sel) => page.$eval(sel, (e) => { const r = e.getBoundingClientRect(); return { top: r.top, bottom: r.bottom, right: r.right }; });
        const play = await box('#play');
        assert.ok(play.bottom <= height && play.right <= width, `Play at ${JSON.stringify(play)}`);
        const chart = await box('#chart-attention');
        assert.ok(chart.top < height - 60, `the attention chart starts at ${chart.top} px, in the first ${height} px`);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `the page is ${overflow} px wider than the viewport`);
        // Labels of selects are not cut off.
        const cut = await page.$$eval('.field label', (ls) => ls.filter((l) => l.offsetParent && l.scrollWidth > l.clientWidth + 1).map((l) => l.textContent));
        assert.deepEqual(cut, []);
      }));
  }

  test('screenshots at 1280, 700 and 360 px', { timeout: 180_000 }, (t) =>
    onPage(t, async ({ page }) => {
      const shoot = async (name) => {
        for (const [width, height] of [[1280, 900], [700, 900], [360, 800]]) {
          await page.setViewportSize({ width, height });
          await page.waitForTimeout(300);
          await page.screenshot({ path: screenshotPath(`${name}-${width}`), fullPage: true });
        }
      };
      await setField(page, 'epochs', 5);
      await waitRebuilt(page);
      await trainToEnd(page);
      await shoot('dense');
      await choosePreset(page, 'add_two_numbers');
      await setField(page, 'epochs', 4);
      await waitRebuilt(page);
      await trainToEnd(page);
      await page.evaluate(() => window.scrollTo(0, 0));
      await shoot('add-two-numbers');
    }));
});
