// Files in and out of the page, in Chromium: every view's downloads (the download fires and
// the file parses: PNG header and size, CSV columns, JSON, the GIF's frame count), saving a run
// and loading it back to go on where it stopped, and your own data as a CSV file: one made from
// our generator trains to the same attention as the built-in task, and every bad file gives its
// message.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadModule, withTrainer } from '../wasm/module.mjs';
import { attentionPeak, launch, lossRows, maxSpeed, metric, openPage, pause, play, reopenLossTable, serveDist, setField, waitForStatus, waitForStep, waitRebuilt } from './helpers.mjs';

const M = await loadModule();
let server, browser, dir;
before(async () => {
  server = await serveDist();
  browser = await launch();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attention-files-'));
});
after(async () => {
  await browser?.close();
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function page(query = '') {
  const p = await browser.context.newPage();
  await openPage(p, server.url + query);
  return p;
}

// Click a view's download and return the file's bytes.
async function downloadOf(p, view, label) {
  const fig = p.locator(`[data-view="${view}"]`);
  await fig.scrollIntoViewIfNeeded();
  await fig.locator('.downloads > summary').click();
  const [dl] = await Promise.all([p.waitForEvent('download'), fig.locator('.download-list button', { hasText: label }).click()]);
  const file = path.join(dir, dl.suggestedFilename());
  await dl.saveAs(file);
  await fig.locator('.downloads > summary').click();
  return { name: dl.suggestedFilename(), bytes: fs.readFileSync(file) };
}

// The frames of a GIF: the image descriptors (0x2C) between the blocks.
function gifFrames(b) {
  assert.equal(b.subarray(0, 6).toString('latin1'), 'GIF89a');
  let i = 13;
  if (b[10] & 0x80) i += 3 * (1 << ((b[10] & 7) + 1)); // the global colour table
  let frames = 0;
  const skipBlocks = () => { while (b[i] !== 0) i += b[i] + 1; i++; };
  while (i < b.length && b[i] !== 0x3b) {
    if (b[i] === 0x21) { i += 2; skipBlocks(); continue; } // an extension
    assert.equal(b[i], 0x2c, `a block at ${i} is ${b[i]}`);
    frames++;
    const packed = b[i + 9];
    i += 10;
    if (packed & 0x80) i += 3 * (1 << ((packed & 7) + 1)); // a local colour table
    i++; // the LZW minimum code size
    skipBlocks();
  }
  return frames;
}

const pngSize = (b) => {
  assert.deepEqual([...b.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], 'a PNG signature');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
};

describe('files', { concurrency: false }, () => {
  test('every view\'s downloads: PNG at 2x, CSV, JSON and the map as a GIF', { timeout: 120_000 }, async () => {
    const p = await page('?epochs=2');
    await maxSpeed(p);
    await play(p);
    await waitForStatus(p, 'done', 60_000);
    const frames = Number(await p.getAttribute('#map-scrub', 'max')) + 1;
    const gif = await downloadOf(p, 'map', 'GIF');
    assert.equal(gifFrames(gif.bytes), frames, 'one GIF frame per recorded moment');
    const map = pngSize((await downloadOf(p, 'map', 'PNG')).bytes);
    assert.equal(map.width, 2 * Math.round(map.width / 2));
    const shown = await p.$eval('#chart-attention', (c) => c.clientWidth);
    assert.equal(pngSize((await downloadOf(p, 'attention', 'PNG')).bytes).width, 2 * shown, 'the chart at twice its size');
    const csv = (await downloadOf(p, 'loss', 'CSV')).bytes.toString('utf8').trim().split('\r\n');
    assert.equal(csv[0], 'set,step,epoch,loss,metric,attention_on_target,hit_rate');
    assert.ok(csv.length > 20 && csv.some((l) => l.startsWith('validation,')), `${csv.length} rows with validation`);
    const json = JSON.parse((await downloadOf(p, 'attention', 'JSON')).bytes);
    assert.equal(json.per_position.length, 32);
    assert.equal(json.answer_position, 1);
    const model = (await downloadOf(p, 'summary', 'CSV')).bytes.toString('utf8');
    assert.match(model, /^layer,type,output_shape,parameters\r\ninput,InputLayer,"\(None, 32\)",0\r\n/);
    await p.close();
  });

  test('the model downloads as TF.js\'s model.json and weights, loads back, and a GRU says why it cannot', { timeout: 90_000 }, async () => {
    const p = await page('?preset=lstm_before&samples=3000');
    await p.click('#step');
    await waitForStep(p, 1);
    const files = [];
    p.on('download', (d) => files.push(d));
    await p.click('#model-export');
    await p.waitForFunction(() => /Downloaded model.json/.test(document.querySelector('#model-note').textContent));
    await p.waitForTimeout(300);
    const saved = {};
    for (const d of files) {
      saved[d.suggestedFilename()] = path.join(dir, d.suggestedFilename());
      await d.saveAs(saved[d.suggestedFilename()]);
    }
    const modelJson = JSON.parse(fs.readFileSync(saved['model.json'], 'utf8'));
    assert.equal(modelJson.weightsManifest[0].paths[0], './model.weights.bin');
    const floats = modelJson.weightsManifest[0].weights.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
    assert.equal(fs.statSync(saved['model.weights.bin']).size, 4 * floats);
    await p.setInputFiles('#model-import', [saved['model.json'], saved['model.weights.bin']]);
    await p.waitForFunction(() => /Loaded the weights/.test(document.querySelector('#model-note').textContent));
    await p.goto(`${server.url}?preset=gru_after`);
    await p.waitForFunction(() => document.body.dataset.ready === 'true');
    await p.click('#model-export');
    await p.waitForFunction(() => /cannot be exported: reset_after/.test(document.querySelector('#model-note').textContent));
    await p.goto(`${server.url}?preset=dense`);
    await p.waitForFunction(() => document.body.dataset.ready === 'true');
    await p.setInputFiles('#model-import', [saved['model.json'], saved['model.weights.bin']]);
    await p.waitForFunction(() => /do not fit this model: .*attention_probs\/kernel.*\[20, 20\].*\[32, 32\]/.test(document.querySelector('#model-note').textContent));
    await p.close();
  });

  test('a saved run, loaded back, goes on where it stopped', { timeout: 120_000 }, async () => {
    const query = '?preset=lstm_before&samples=3000&epochs=5&seed=5'; // room to pause before the end
    const straight = await page(query);
    await play(straight);
    await waitForStep(straight, 30);
    await pause(straight);
    await reopenLossTable(straight);
    const want = (await lossRows(straight)).filter((r) => r.step <= 30);
    await straight.close();

    const p = await page(query);
    for (let i = 1; i <= 12; i++) {
      await p.click('#step');
      await waitForStep(p, i);
    }
    const [dl] = await Promise.all([p.waitForEvent('download'), p.click('#run-save')]);
    const file = path.join(dir, 'run.json');
    await dl.saveAs(file);
    await setField(p, 'seed', 99); // something else in between
    await waitRebuilt(p);
    await p.setInputFiles('#run-load', file);
    await p.waitForFunction(() => /Loaded: it goes on from step 12/.test(document.querySelector('#run-file-note').textContent));
    assert.equal(await p.inputValue('#field-seed'), '5');
    assert.equal(await metric(p, 'step'), 12);
    for (let step = 12; step < 30; step++) {
      await p.click('#step');
      await waitForStep(p, step + 1);
    }
    await reopenLossTable(p);
    const got = (await lossRows(p)).filter((r) => r.step <= 30);
    assert.deepEqual(got.map((r) => r.text), want.map((r) => r.text), 'the same losses as without the stop');
    // A file that is not a run, or a damaged one, says so and changes nothing.
    fs.writeFileSync(path.join(dir, 'other.json'), '{"hello": 1}');
    await p.setInputFiles('#run-load', path.join(dir, 'other.json'));
    await p.waitForFunction(() => /is not a saved run of this page/.test(document.querySelector('#run-file-note').textContent));
    const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
    saved.core = saved.core.slice(0, 200) + (saved.core[200] === 'A' ? 'B' : 'A') + saved.core.slice(201);
    fs.writeFileSync(path.join(dir, 'damaged.json'), JSON.stringify(saved));
    await p.setInputFiles('#run-load', path.join(dir, 'damaged.json'));
    await p.waitForFunction(() => /could not be loaded: .*checksum/.test(document.querySelector('#run-file-note').textContent));
    assert.equal(await metric(p, 'step'), 30, 'the run on the page is untouched');
    await p.close();
  });

  test('your own data: a CSV made from the generator trains to the same attention as the built-in task', { timeout: 120_000 }, async () => {
    const n = 6000, T = 20, D = 2;
    const csvFile = path.join(dir, 'sequences.csv');
    withTrainer(M, { preset: 'lstm_before', samples: 2000, test_samples: n, seed: 11 }, (t) => {
      const x = t.testInputs().data, y = t.testTargets().data, mask = t.getAttentionMaps(n).mask.data;
      const header = [];
      for (let s = 0; s < T; s++) for (let d = 0; d < D; d++) header.push(`x_${s}_${d}`);
      header.push('y', ...Array.from({ length: T }, (_, s) => `mask_${s}`));
      const lines = [header.join(',')];
      for (let i = 0; i < n; i++)
        lines.push([...x.subarray(i * T * D, (i + 1) * T * D), y[i], ...mask.subarray(i * T, (i + 1) * T)].join(','));
      fs.writeFileSync(csvFile, lines.join('\n'));
    });
    const p = await page();
    await p.setInputFiles('#data-file', csvFile);
    await p.waitForFunction(() => /6000 samples of 20 time steps of 2 features, targets 0 or 1, with a mask/.test(document.querySelector('#data-note').textContent), null, { timeout: 30_000 })
      .catch(async () => { throw new Error(`the note says "${await p.textContent('#data-note')}"`); });
    assert.equal(await p.$$eval('#data-preview tbody tr', (r) => r.length), 5, 'a preview of the first rows');
    await p.selectOption('#data-preset', 'lstm_before');
    await p.click('#data-train');
    await waitRebuilt(p);
    assert.equal(await p.inputValue('#field-samples'), '6000');
    await setField(p, 'epochs', 5);
    await waitRebuilt(p);
    await maxSpeed(p);
    await play(p);
    await waitForStatus(p, 'done', 90_000);
    const { peak } = await attentionPeak(p);
    assert.equal(peak, 10, 'the attention lands on step 10, where the file says the answer is');
    const caption = await p.textContent('#focus-caption');
    assert.match(caption, /validation \d\.\d+ and \d\.\d+/, 'the mask gives attention metrics');
    await p.close();
  });

  test('a bad file gives its message, naming the row and the column, and nothing is loaded', { timeout: 90_000 }, async () => {
    const p = await page();
    const cases = [
      ['empty.csv', '', /is empty/],
      ['no-rows.csv', 'x_0,x_1,y\n', /has a header but no rows/],
      ['no-target.csv', 'x_0,x_1\n1,2\n', /no column y/],
      ['letters.csv', 'x_0,x_1,x_2,x_3,y\n1,2,3,4,0\n1,2,3,abc,1\n', /row 2, column x_3: 'abc' is not a number/],
      ['missing.csv', 'x_0,x_1,y\n1,2,0\n1,,1\n', /row 2, column x_1: the value is missing/],
      ['ragged.csv', 'x_0,x_1,y\n1,2,0\n1,2\n', /row 2: 2 values where the header has 3 columns/],
      ['constant.csv', 'x_0,x_1,y\n1,2,0.5\n3,4,0.5\n', /every row has the same target \(0.5\)/],
      ['gap.csv', 'x_0,x_2,y\n1,2,0\n3,4,1\n', /Column x_1 is missing/],
      ['mask.csv', 'x_0,x_1,y,mask_0,mask_1\n1,2,0,2,0\n3,4,1,0,1\n', /row 1, column mask_0: a mask is 0 or 1 \(got 2\)/],
      ['odd.csv', 'x_0,x_1,y,z\n1,2,0,5\n3,4,1,6\n', /Column z is not one of/],
    ];
    for (const [name, content, message] of cases) {
      fs.writeFileSync(path.join(dir, name), content);
      await p.setInputFiles('#data-file', path.join(dir, name));
      await p.waitForFunction((re) => new RegExp(re).test(document.querySelector('#data-note').textContent), message.source, { timeout: 10_000 })
        .catch(async () => { throw new Error(`${name}: "${await p.textContent('#data-note')}" does not match ${message}`); });
      assert.ok(await p.isHidden('#data-found'), `${name}: nothing to train on`);
    }
    const big = path.join(dir, 'big.csv');
    fs.writeFileSync(big, Buffer.alloc(51_000_000, 'a'));
    await p.setInputFiles('#data-file', big);
    await p.waitForFunction(() => /is 51\.0 MB; the limit is 50\.0 MB/.test(document.querySelector('#data-note').textContent));
    assert.equal(await metric(p, 'step'), 0);
    await p.close();
  });
});
