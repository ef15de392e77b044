// A translation (seq2seq) model on the page, in headless Chromium: `reverse` trains from the
// page until its attention on target passes 0.4; the alignment view draws the chosen held-out
// sample's attention beside the truth, labelled with its characters, and marks each output
// character right or wrong (✓/✗ and words, not colour alone) as the caption counts them; the
// sample chooser works by keyboard; the scrubber and Replay show an earlier state; a saved run
// keeps the recorded moments; the text box translates a source of your own (reversed) and names
// a character the task does not have beside the box; the views that do not apply are hidden;
// the widget opens on the alignment and oEmbed has each seq2seq preset; axe-core finds no
// serious violation with the view open; no horizontal overflow at 360, 700 and 1280 px.
//
// Run: node scripts/build-web.mjs && node --test tests/browser/seq2seq.test.mjs
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { loadModule } from '../wasm/module.mjs';
import {
  axeViolations, maxSpeed, pageSuite, pause, play, screenshotPath, waitForStep,
} from './helpers.mjs';

const M = await loadModule();
const REVERSE = M.defaults('reverse');
const ALPHABET = M.tasks().find((t) => t.name === REVERSE.task).alphabet.slice(0, REVERSE.vocab_size - 1);
const QUERY = 'index.html?preset=reverse';
const ON_TARGET = 0.4;

const { url, onPage } = pageSuite('seq2seq', { query: QUERY });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attention-seq2seq-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const text = async (page, sel) => ((await page.textContent(sel)) ?? '').trim();
const picture = (page) => page.$eval('#chart-alignment', (c) => c.toDataURL());
// The caption's sample, source, output, target and count of right characters.
async function shownSample(page) {
  const caption = await text(page, '#alignment-caption');
  const m = /^Held-out sample (\d+)(?: at ([^:]+))?: "([^"]+)" → "([^"]+)" \(target "([^"]+)"\), (\d+) of (\d+) right\./.exec(caption);
  assert.ok(m, `the caption names the sample, its output and its target: "${caption}"`);
  return { caption, sample: Number(m[1]), moment: m[2] ?? null, source: m[3], wrote: m[4], target: m[5], right: Number(m[6]), steps: Number(m[7]) };
}
// The marks under the heatmap: [{ char, right, mark, words }].
const marks = (page) => page.$$eval('#alignment-output li', (lis) => lis.map((li) => ({
  char: li.querySelector('.ch').textContent, right: li.dataset.right === 'true',
  mark: li.querySelector('.mark').textContent, words: li.querySelector('.visually-hidden').textContent,
  color: getComputedStyle(li).borderBottomStyle,
})));
const onTarget = async (page) => Number(/attention on target (\d\.\d+)/.exec(await text(page, '#alignment-caption'))?.[1] ?? NaN);

describe('seq2seq: the alignment view', { concurrency: false }, () => {
  test('reverse: the alignment beside the truth, the marks, the sample chooser, replay, a saved run, the text box', { timeout: 120_000 }, (t) =>
    onPage(t, {}, async (page) => {
      // The views that apply: the alignment, the curves, the model; not the bars, the maps, the heads, the explorer.
      const shown = await page.$$eval('#views > figure:not([data-off])', (fs) => fs.map((f) => f.dataset.view));
      assert.deepEqual(shown, ['alignment', 'focus', 'loss', 'metric', 'summary']);
      assert.equal(await page.getAttribute('#chart-alignment', 'role'), 'img');
      assert.match(await page.getAttribute('#chart-alignment', 'aria-describedby'), /alignment-caption/);

      // Train until the validation's attention on target passes 0.4 (or the run ends).
      const t0 = Date.now();
      await maxSpeed(page);
      await play(page);
      await page.waitForFunction((goal) => {
        const m = /attention on target (\d\.\d+)/.exec(document.querySelector('#alignment-caption').textContent);
        return (m && Number(m[1]) > goal) || /done/.test(document.querySelector('#status').textContent);
      }, ON_TARGET, { timeout: 60_000, polling: 250 });
      await pause(page);
      await page.waitForTimeout(400); // the last redraw
      const trained = await onTarget(page);
      t.diagnostic(`attention on target ${trained} after ${((Date.now() - t0) / 1000).toFixed(1)} s, ${await text(page, '#progress [data-metric="step"]')} steps`);
      assert.ok(trained > ON_TARGET, `attention on target ${trained}`);

      // The curves (drawn once on the screen): the loss and the accuracy have points.
      for (const view of ['loss', 'metric']) {
        await page.locator(`[data-view="${view}"]`).scrollIntoViewIfNeeded();
        await page.waitForFunction((v) => globalThis.Chart.getChart(document.querySelector(`#chart-${v}`)).data.datasets[0].data.length > 5, view, { timeout: 5_000 });
      }
      assert.match(await text(page, '#metric-caption'), /share of output characters right/);

      // The heatmap beside the truth, labelled with the sample's characters; the caption's count is the marks'.
      await page.locator('[data-view="alignment"]').scrollIntoViewIfNeeded();
      assert.equal(await page.getAttribute('#chart-alignment', 'data-panels'), 'attention, the truth');
      assert.equal(await page.getAttribute('#chart-alignment', 'data-layout'), 'beside');
      const now = await shownSample(page);
      assert.equal(now.sample, 1);
      assert.equal(now.moment, null, 'following the run');
      assert.equal(now.steps, REVERSE.time_steps);
      assert.equal(now.target, [...now.source].reverse().join(''), 'the target is the source reversed');
      const m = await marks(page);
      assert.equal(m.map((x) => x.char).join(''), now.wrote, 'a mark per output character');
      assert.equal(m.filter((x) => x.right).length, now.right, 'the caption counts the marks');
      m.forEach((x, i) => {
        assert.equal(x.right, x.char === now.target[i], `step ${i}: marked against the target`);
        assert.equal(x.mark, x.right ? '✓' : '✗', `step ${i}: a mark that is not colour`);
        assert.equal(x.words, x.right ? ' right' : ` wrong, the target has ${now.target[i]}`, `step ${i}: in words`);
        assert.equal(x.color, x.right ? 'solid' : 'dashed', `step ${i}: its underline`);
      });
      const select = await page.$$eval('#alignment-sample option', (os) => os.map((o) => o.textContent));
      assert.equal(select[0], `1: ${now.source}`, 'the chooser names each sample by its source');

      // The sample chooser, by keyboard: another sample, another picture.
      const before = await picture(page);
      await page.focus('#alignment-sample');
      await page.keyboard.press('ArrowDown');
      await page.waitForFunction(() => /^Held-out sample 2:/.test(document.querySelector('#alignment-caption').textContent));
      const second = await shownSample(page);
      assert.equal(second.source, select[1].slice(3));
      assert.notEqual(await picture(page), before, 'sample 2 looks different');

      // The scrubber: the start, another picture, fewer right; Replay plays forward.
      const moments = Number(await page.getAttribute('#alignment-scrub', 'max')) + 1;
      assert.ok(moments > 10, `recorded ${moments} moments`);
      const late = await picture(page);
      await page.fill('#alignment-scrub', '0');
      assert.equal(await text(page, '#alignment-when'), 'the start');
      const start = await shownSample(page);
      assert.equal(start.moment, 'the start');
      assert.equal(start.source, second.source, 'the same sample');
      assert.ok(start.right < second.right || second.right === 0, `at the start ${start.right} right, now ${second.right}`);
      assert.notEqual(await picture(page), late, 'the start looks different');
      await page.screenshot({ path: screenshotPath('seq2seq-reverse-start-1280'), fullPage: true });
      await page.click('#alignment-play');
      assert.equal(await page.getAttribute('#alignment-play', 'aria-pressed'), 'true');
      await page.waitForFunction(() => /^epoch \d\.\d+ of/.test(document.querySelector('#alignment-when').textContent), null, { timeout: 10_000 });
      await page.click('#alignment-play');
      assert.equal(await page.getAttribute('#alignment-play', 'aria-pressed'), 'false');
      await page.fill('#alignment-scrub', String(moments - 1));

      // A saved run keeps the moments (and the page goes on from them).
      await page.click('#settings-group > summary');
      const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#run-save')]);
      const file = path.join(dir, 'run.json');
      await dl.saveAs(file);
      const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
      assert.ok(saved.alignFrames.length >= moments - 1, `the file holds ${saved.alignFrames.length} moments`);
      await page.setInputFiles('#run-load', file);
      await page.waitForFunction(() => /Loaded: it goes on/.test(document.querySelector('#run-file-note').textContent));
      await page.waitForFunction((n) => Number(document.querySelector('#alignment-scrub').max) + 1 >= n, moments, { timeout: 10_000 });
      await page.click('#settings-group > summary');

      // The text box: a source of your own, reversed; a character the task lacks, named beside the box.
      await page.locator('#alignment-text').scrollIntoViewIfNeeded();
      assert.equal(await page.getAttribute('#alignment-text', 'aria-describedby'), 'alignment-text-error alignment-text-help');
      assert.match(await text(page, '#alignment-text-help'), new RegExp(`^Exactly ${REVERSE.time_steps} characters of "${ALPHABET}"`));
      const source = '31415926';
      await page.fill('#alignment-text', source);
      await page.waitForFunction((s) => document.querySelector('#alignment-translation').textContent.startsWith(`"${s}" →`), source, { timeout: 10_000 });
      const translated = /→ "([^"]+)"/.exec(await text(page, '#alignment-translation'))[1];
      t.diagnostic(`"${source}" → "${translated}"`);
      const right = [...translated].filter((c, i) => c === source[source.length - 1 - i]).length;
      assert.ok(right >= REVERSE.time_steps - 2, `"${source}" → "${translated}": ${right} of ${REVERSE.time_steps} characters reversed right`);
      assert.equal(await page.getAttribute('#chart-alignment-text', 'data-panels'), 'attention');
      assert.ok(await page.isVisible('#chart-alignment-text'));
      assert.equal(await text(page, '#alignment-text-error'), '');

      await page.fill('#alignment-text', '3141x926');
      await page.waitForFunction(() => document.querySelector('#alignment-text-error').textContent !== '', null, { timeout: 10_000 });
      const error = await text(page, '#alignment-text-error');
      assert.equal(error, `Character 5: 'x' is not one of this task's characters: ${ALPHABET}.`);
      assert.equal(await page.getAttribute('#alignment-text', 'aria-invalid'), 'true');
      const [box, beside] = await Promise.all(['#alignment-text', '#alignment-text-error'].map((s) => page.locator(s).boundingBox()));
      assert.ok(beside.y >= box.y && beside.y - (box.y + box.height) < 20, `the message sits under the box (box ${JSON.stringify(box)}, message ${JSON.stringify(beside)})`);
      assert.ok(await page.isHidden('#chart-alignment-text'), 'no picture for text the model cannot read');
      await page.fill('#alignment-text', '3141');
      await page.waitForFunction(() => /^Expected exactly/.test(document.querySelector('#alignment-text-error').textContent), null, { timeout: 10_000 });
      assert.match(await text(page, '#alignment-text-error'), new RegExp(`^Expected exactly ${REVERSE.time_steps} characters.*\\(got 4\\)\\.$`));
      await page.fill('#alignment-text', source);
      await page.waitForFunction(() => document.querySelector('#alignment-text-error').textContent === '' && !document.querySelector('#alignment-text').hasAttribute('aria-invalid'), null, { timeout: 10_000 });
      // Read again as the model trains: a few more steps, a newer reading.
      const was = await text(page, '#alignment-translation');
      await play(page);
      await waitForStep(page, Number((await text(page, '#progress [data-metric="step"]')).replace(/,/g, '')) + 20);
      await pause(page);
      await page.waitForFunction((w) => document.querySelector('#alignment-translation').textContent !== w, was, { timeout: 10_000 });
      assert.match(await text(page, '#alignment-translation'), /the model at step \d+/);

      for (const [width, height] of [[1280, 1000], [700, 1000], [360, 800]]) {
        await page.setViewportSize({ width, height });
        await page.waitForTimeout(300);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `${width} px: the page is ${overflow} px wider than the viewport`);
        await page.screenshot({ path: screenshotPath(`seq2seq-reverse-${width}`), fullPage: true });
      }
      await page.locator('[data-view="alignment"]').screenshot({ path: screenshotPath('seq2seq-reverse-view-360') });
    }));

  test('the widget and oEmbed: the seq2seq presets open on the alignment, with the loss as a tab', { timeout: 60_000 }, (t) =>
    onPage(t, { query: 'embed.html?preset=date_conversion', viewport: { width: 700, height: 900 } }, async (page) => {
      assert.deepEqual(await page.$$eval('[role="tab"]', (ts) => ts.map((x) => x.id)), ['tab-alignment', 'tab-loss']);
      assert.equal(await page.getAttribute('#tab-alignment', 'aria-selected'), 'true');
      await page.waitForFunction(() => document.querySelectorAll('#alignment-output li').length > 0);
      assert.ok(await page.isVisible('#chart-alignment'), 'the alignment is the main view');
      assert.ok(!(await page.$eval('#alignment-own', (d) => d.open)), 'the text box is one click away (the widget\'s height)');
      for (const preset of ['reverse', 'sort_digits', 'date_conversion']) {
        const res = await page.request.get(`${url()}oembed/${preset}.json`);
        assert.equal(res.status(), 200, `oembed/${preset}.json`);
        assert.match((await res.json()).html, new RegExp(`embed\\.html\\?preset=${preset}"`));
      }
    }));

  test('axe-core: no serious or critical violation with the alignment, its table and the text box open', { timeout: 60_000 }, (t) =>
    onPage(t, { bypassCSP: true }, async (page) => {
      await maxSpeed(page);
      await play(page);
      await waitForStep(page, 24);
      await pause(page);
      await page.click('#alignment-data > summary');
      await page.fill('#alignment-scrub', '1');
      await page.fill('#alignment-text', '12z');
      await page.waitForFunction(() => document.querySelector('#alignment-text-error').textContent !== '', null, { timeout: 10_000 });
      const violations = await axeViolations(page);
      assert.deepEqual(violations, [], violations.join('\n'));
    }));
});
