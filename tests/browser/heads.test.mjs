// The self-attention heads on the page, in headless Chromium: the score curve has one line per
// head of every layer (the core's count) beside the loss and grows while training; the layer
// choice switches the heatmaps and works by keyboard; the scrubber and Replay show earlier
// moments; axe-core finds no serious violation with both views and their tables open. One
// short run: induction_head (2 layers of 2 heads) for one epoch.
//
// Run: node scripts/build-web.mjs && node --test tests/browser/heads.test.mjs
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, test } from 'node:test';
import { loadModule } from '../wasm/module.mjs';
import {
  axeViolations, choosePreset, maxSpeed, pageSuite, pause, play, screenshotPath, waitForStatus, waitForStep,
} from './helpers.mjs';

const M = await loadModule();
const INDUCTION = M.defaults('induction_head');
const QUERY = 'index.html?preset=induction_head&epochs=1';

const { onPage } = pageSuite('heads', { query: QUERY });

const text = async (page, sel) => ((await page.textContent(sel)) ?? '').trim();
// The score chart's lines as Chart.js holds them: [{ label, points }].
const lines = (page) => page.evaluate(() => globalThis.Chart.getChart(document.querySelector('#chart-scores'))
  .data.datasets.map((d) => ({ label: d.label, points: d.data.length })));
// The heatmaps' pixels, to tell two pictures apart.
const picture = (page) => page.$eval('#chart-heads', (c) => c.toDataURL());
// A view's download by its button's label: { name, bytes }.
async function downloadOf(page, view, label) {
  const fig = page.locator(`[data-view="${view}"]`);
  await fig.locator('.downloads > summary').click();
  const [dl] = await Promise.all([page.waitForEvent('download'), fig.locator('.download-list button', { hasText: label }).click()]);
  const bytes = fs.readFileSync(await dl.path());
  await fig.locator('.downloads > summary').click();
  return { name: dl.suggestedFilename(), bytes };
}
// Wait until a view has redrawn after the caption changed from `old`.
const captionChanged = (page, sel, old) => page.waitForFunction(([s, o]) => document.querySelector(s).textContent !== o, [sel, old], { timeout: 10_000 });

describe('the heads', { concurrency: false }, () => {
  test('the score curve: one line per head of every layer and the loss, growing while training; the layer choice; replay', { timeout: 90_000 }, (t) =>
    onPage(t, {}, async (page) => {
      const shown = await page.$$eval('#views > figure:not([data-off])', (fs) => fs.map((f) => f.dataset.view));
      assert.deepEqual(shown.slice(0, 2), ['heads', 'scores'], `the heatmaps, then the curve beside them: ${shown}`);
      await page.locator('[data-view="scores"]').scrollIntoViewIfNeeded();

      // One line per head of every layer (the core's layers x heads), named "L1 H1", and the loss.
      const names = [];
      for (let l = 1; l <= INDUCTION.layers; l++) for (let h = 1; h <= INDUCTION.heads; h++) names.push(`L${l} H${h}`);
      await page.waitForFunction(() => globalThis.Chart.getChart(document.querySelector('#chart-scores'))?.data.datasets.length > 0);
      assert.deepEqual((await lines(page)).map((l) => l.label), [...names, 'loss (right axis)']);
      assert.equal(await page.getAttribute('#chart-scores', 'role'), 'img');
      assert.match(await page.getAttribute('#chart-scores', 'aria-describedby'), /scores-caption/);

      // It grows while training (speed 4: a point at every report).
      await play(page);
      await waitForStep(page, 40);
      await page.waitForFunction(() => globalThis.Chart.getChart(document.querySelector('#chart-scores')).data.datasets[0].data.length >= 5, null, { timeout: 10_000 });
      const early = await lines(page);
      await maxSpeed(page);
      await waitForStatus(page, 'done', 60_000);
      await page.waitForTimeout(400); // the last redraw
      const late = await lines(page);
      for (let i = 0; i < names.length; i++)
        assert.ok(late[i].points > early[i].points, `${names[i]}: ${early[i].points} points, then ${late[i].points}`);
      assert.ok(late.at(-1).points > early.at(-1).points, 'the loss grows too');
      const caption = await text(page, '#scores-caption');
      for (const n of names) assert.match(caption, new RegExp(`${n} \\d\\.\\d{3} now`), `the caption gives ${n}'s score: ${caption}`);
      await page.click('#scores-data > summary');
      const rows = await page.$$eval('#scores-data tbody tr', (trs) => trs.length);
      assert.equal(rows, late[0].points, 'the table has a row per measurement');
      t.diagnostic(caption);

      // The layer choice: the last layer first (the core's layer count), then the first, by keyboard.
      await page.locator('[data-view="heads"]').scrollIntoViewIfNeeded();
      const options = await page.$$eval('#heads-layer option', (os) => os.map((o) => o.textContent));
      assert.deepEqual(options, ['layer 1 (the first)', 'layer 2 (the last)']);
      assert.equal(options.length, INDUCTION.layers);
      assert.equal(await page.inputValue('#heads-layer'), String(INDUCTION.layers - 1));
      const last = { caption: await text(page, '#heads-caption'), picture: await picture(page) };
      assert.match(last.caption, /^The 2 heads of the last of 2 layers on held-out sample 0: rows/);
      await page.focus('#heads-layer');
      await page.keyboard.press('ArrowUp');
      await captionChanged(page, '#heads-caption', last.caption);
      const first = { caption: await text(page, '#heads-caption'), picture: await picture(page) };
      assert.match(first.caption, /^The 2 heads of layer 1 of 2 on held-out sample 0: .* an earlier layer can help in another way/);
      assert.notEqual(first.picture, last.picture, 'layer 1\'s heatmaps differ from layer 2\'s');
      await page.click('#heads-data > summary');
      const table = await page.$$eval('#heads-data tbody tr', (trs) => trs.map((tr) => [...tr.children].slice(0, 2).map((td) => td.textContent)));
      assert.deepEqual(table, names.map((n) => n.slice(1).split(' H')), 'the table lists every head of every layer');

      // Replay: the scrubber goes back to the start (another picture), Replay plays forward.
      const moments = Number(await page.getAttribute('#heads-scrub', 'max')) + 1;
      assert.ok(moments > 10, `recorded ${moments} moments (one at most per report: speed 64 after step 40)`);
      assert.match(await text(page, '#heads-when'), /^epoch 1\.00 of 1/);
      await page.fill('#heads-scrub', '0');
      assert.equal(await text(page, '#heads-when'), 'the start');
      assert.match(await text(page, '#heads-caption'), /^The 2 heads of layer 1 of 2 on held-out sample 0, at the start:/);
      assert.notEqual(await picture(page), first.picture, 'the start looks different from the end');
      await page.screenshot({ path: screenshotPath('heads-induction-start-1280'), fullPage: true });
      await page.selectOption('#heads-layer', String(INDUCTION.layers - 1));
      assert.equal(await text(page, '#heads-when'), 'the start', 'another layer, the same moment');
      await page.click('#heads-play');
      assert.equal(await page.getAttribute('#heads-play', 'aria-pressed'), 'true');
      await page.waitForFunction(() => /^epoch 0\.\d+ of 1/.test(document.querySelector('#heads-when').textContent), null, { timeout: 10_000 });
      await page.click('#heads-play');
      assert.equal(await page.getAttribute('#heads-play', 'aria-pressed'), 'false');
      t.diagnostic(`${moments} moments; stopped at "${await text(page, '#heads-when')}"`);
      await page.fill('#heads-scrub', String(moments - 1));

      // The files: every moment as JSON, the curve's numbers as CSV (a row per measurement).
      const all = JSON.parse((await downloadOf(page, 'heads', 'JSON (all moments)')).bytes);
      assert.equal(all.moments.length, moments);
      assert.deepEqual(all.moments[0].attention.shape, [INDUCTION.layers, INDUCTION.heads, INDUCTION.time_steps, INDUCTION.time_steps]);
      const csv = (await downloadOf(page, 'scores', 'CSV')).bytes.toString('utf8').trim().split('\r\n');
      assert.deepEqual(csv[0].split(','), ['step', 'epoch', 'loss', ...names.map((n) => `${n} attention_on_target`), ...names.map((n) => `${n} hit_rate`)]);
      assert.equal(csv.length - 1, late[0].points);
      for (const [width, height] of [[1280, 1000], [700, 1000], [360, 800]]) {
        await page.setViewportSize({ width, height });
        await page.waitForTimeout(300);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `${width} px: the page is ${overflow} px wider than the viewport`);
        await page.screenshot({ path: screenshotPath(`heads-induction-${width}`), fullPage: true });
      }
    }));

  test('a one-layer model offers no layer choice; one line and the loss', { timeout: 60_000 }, (t) =>
    onPage(t, { query: 'index.html?preset=previous_token' }, async (page) => {
      assert.ok(await page.isHidden('#heads-layer'), 'no layer to choose');
      await page.locator('[data-view="scores"]').scrollIntoViewIfNeeded();
      await page.waitForFunction(() => globalThis.Chart.getChart(document.querySelector('#chart-scores'))?.data.datasets.length > 0);
      assert.deepEqual((await lines(page)).map((l) => l.label), ['L1 H1', 'loss (right axis)']);
      await choosePreset(page, 'induction_head');
      assert.ok(await page.isVisible('#heads-layer'), 'a two-layer model offers the choice');
    }));

  test('axe-core: no serious or critical violation with the heads, their curve and tables open', { timeout: 90_000 }, (t) =>
    onPage(t, { bypassCSP: true }, async (page) => {
      await maxSpeed(page);
      await play(page);
      await waitForStep(page, 100);
      await pause(page);
      await page.click('#heads-data > summary');
      await page.click('#scores-data > summary');
      await page.fill('#heads-scrub', '1');
      const violations = await axeViolations(page);
      assert.deepEqual(violations, [], violations.join('\n'));
    }));
});
