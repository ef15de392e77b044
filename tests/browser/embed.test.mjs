// Embedding (issue 5) in headless Chromium: the example blog post served from one loopback
// origin embeds two widgets served from another; both train to the expected peak and the
// iframes resize. Hostile URL parameters give a note and run nothing; a shared link
// reproduces a run; embed options, reduced motion, off-screen pausing, the embed builder and
// its code. widget.test.mjs has the rest of the widget: its compact layout's height, the custom
// element, the events, the resize protocols, oEmbed, the snippet flavours, the failure modes.
//
// Run: node scripts/build-web.mjs && node --test tests/browser/
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { serve } from '../../scripts/serve.mjs';
import { choosePreset, distDir, launch, lossRows, openPage, pause, play, reopenLossTable, serveDist, setField, waitForStatus, waitLossRows } from './helpers.mjs';

let widget; // dist/ on one port: the widget's origin
let host;   // the example post, rewritten to embed the widget from the other origin
let hostDir;
let browser; // one Chromium for the file (starting one costs seconds of CPU): a new page per test

before(async () => {
  widget = await serveDist();
  hostDir = fs.mkdtempSync(path.join(os.tmpdir(), 'attention-host-'));
  const post = fs.readFileSync(path.join(distDir, 'example-post.html'), 'utf8')
    .replaceAll('src="embed.html', `src="${widget.url}embed.html`)
    .replaceAll('src="embed-host.js"', `src="${widget.url}embed-host.js"`);
  assert.ok(post.includes(`${widget.url}embed.html`), 'the example post embeds embed.html');
  fs.writeFileSync(path.join(hostDir, 'index.html'), post);
  fs.copyFileSync(path.join(distDir, 'example-post.css'), path.join(hostDir, 'example-post.css'));
  fs.writeFileSync(path.join(hostDir, 'tall.html'), `<!doctype html><html><head><link rel="icon" href="data:,"></head><body style="margin:0">
    <iframe id="w" src="${widget.url}embed.html?autoplay=always&amp;speed=1&amp;epochs=1000" title="demo" style="width:600px;height:500px;border:0"
      sandbox="allow-scripts allow-same-origin allow-popups"></iframe><div style="height:3000px"></div></body></html>`);
  // The host is a blog without a Content-Security-Policy (most are; tests/browser/csp.test.mjs
  // covers a hardened one): its pages use inline styles and load embed-host.js from the widget.
  host = await serve({ root: hostDir, port: 0, csp: null });
  assert.notEqual(new URL(host.url).port, new URL(widget.url).port);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await host?.close();
  await widget?.close();
  fs.rmSync(hostDir, { recursive: true, force: true });
});

// A fresh page (and any other page the test opens in `context`, closed afterwards) in the
// file's browser; afterwards no console error and no request beyond 127.0.0.1 since it opened.
async function onPage({ viewport = { width: 1280, height: 900 } } = {}, fn) {
  const { context } = browser;
  const open = new Set(context.pages());
  const seen = { errors: browser.errors.length, external: browser.external.length };
  const page = await context.newPage();
  try {
    await page.setViewportSize(viewport);
    await fn({ page, context });
    const errors = browser.errors.slice(seen.errors), external = browser.external.slice(seen.external);
    assert.deepEqual(errors, [], `errors: ${errors.join('\n')}`);
    assert.deepEqual(external, [], `requests leaving 127.0.0.1: ${external.join(', ')}`);
  } finally {
    for (const p of context.pages()) if (!open.has(p)) await p.close();
  }
}

async function frameOf(page, selector) {
  const handle = await page.waitForSelector(selector);
  const frame = await handle.contentFrame();
  // Polled by a timer: an iframe out of view gets no animation frames.
  await frame.waitForFunction(() => document.body?.dataset.ready === 'true', null, { timeout: 60_000, polling: 200 });
  return frame;
}

async function trainToEnd(frame) {
  await frame.click('#play');
  await frame.waitForFunction(() => /done|diverged/.test(document.querySelector('#status').textContent), null, { timeout: 120_000, polling: 200 });
  assert.match(await frame.textContent('#status'), /done/);
  return {
    peak: Number(await frame.textContent('#attention-peak')),
    expected: Number(await frame.textContent('#attention-expected')),
  };
}

describe('embedding', { concurrency: false }, () => {
  test('the example post on one origin embeds two widgets from another: both train to the expected peak and resize; the host script ignores resize messages from anything but its iframes', async () => {
    await onPage({ viewport: { width: 900, height: 900 } }, async ({ page }) => {
      await page.goto(host.url);
      const dense = await frameOf(page, '#dense-demo');
      const lstm = await frameOf(page, '#lstm-demo');
      assert.equal(new URL(dense.url()).origin, new URL(widget.url).origin);
      assert.notEqual(new URL(page.url()).origin, new URL(widget.url).origin);

      // Embed views: the dense demo shows attention and loss only, one at a time (tabs).
      assert.ok(await dense.isVisible('#chart-attention'));
      assert.equal(await dense.isVisible('#chart-loss'), false, 'loss is the second tab');
      await dense.click('#tab-loss');
      assert.ok(await dense.isVisible('#chart-loss'));
      await dense.click('#tab-attention');
      assert.equal(await dense.isVisible('#chart-history'), false);
      assert.equal(await dense.isVisible('#settings'), false, 'basic controls: no settings form');
      assert.ok(await lstm.isVisible('.words'), 'text=1 shows the lesson text');

      for (const [name, frame] of [['dense', dense], ['lstm', lstm]]) {
        const { peak, expected } = await trainToEnd(frame);
        assert.equal(peak, expected, `${name}: the attention peaks at ${peak}, expected ${expected}`);
      }

      // Auto-resize: the host script sized each iframe to its content (not the 4:3 fallback).
      for (const id of ['dense-demo', 'lstm-demo']) {
        await page.waitForFunction((i) => document.getElementById(i).style.height !== '', id);
        const { frameHeight, width } = await page.$eval(`#${id}`, (f) => ({ frameHeight: f.getBoundingClientRect().height, width: f.getBoundingClientRect().width }));
        const frame = id === 'dense-demo' ? dense : lstm;
        const content = await frame.evaluate(() => document.documentElement.getBoundingClientRect().height);
        assert.ok(Math.abs(frameHeight - Math.min(Math.max(content, 120), 4000)) <= 2, `${id}: iframe ${frameHeight}px, content ${content}px`);
        assert.ok(Math.abs(frameHeight - width * 0.75) > 2, `${id}: still the 4:3 fallback`);
      }
      // A good guest: no cookies, no storage.
      for (const frame of [dense, lstm]) {
        assert.equal(await frame.evaluate(() => document.cookie), '');
        assert.equal(await frame.evaluate(() => localStorage.length + sessionStorage.length), 0);
      }
      // The host script ignores a resize message from anything but its iframes (here the page itself).
      await page.evaluate(() => window.postMessage({ type: 'attention-widget:resize', height: 3333 }, '*'));
      await page.waitForTimeout(300);
      for (const id of ['dense-demo', 'lstm-demo'])
        assert.notEqual(await page.$eval(`#${id}`, (f) => f.style.height), '3333px', `${id} took a forged height`);
    });
  });

  test('hostile or garbage URL parameters give a note and execute nothing', async () => {
    await onPage({}, async ({ page }) => {
      const q = new URLSearchParams({
        model: '<script>window.__pwned = 1</script>',
        samples: '1e12',
        batch_size: '-4',
        learning_rate: 'abc',
        epochs: 'NaN',
        '<img src=x onerror="window.__pwned=2">': '1',
        views: 'attention,<b>bold</b>,loss',
        controls: 'javascript:alert(1)',
      });
      await openPage(page, `${widget.url}embed.html?${q}`);
      const note = page.locator('#url-note');
      assert.ok(await note.isVisible(), 'a visible note');
      const text = await note.textContent();
      for (const part of ['ignored model=', 'samples=1e12 is outside', 'batch_size=-4 is outside', 'ignored learning_rate="abc"', 'ignored unknown parameter', 'ignored views entry', 'ignored controls='])
        assert.ok(text.includes(part), `the note mentions ${part}: ${text}`);
      assert.equal(await note.evaluate((n) => n.children.length), 0, 'the note is text, not HTML');
      assert.equal(await page.evaluate(() => window.__pwned), undefined);
      assert.equal(await page.locator('#url-note img, #url-note script, #url-note b').count(), 0);
      // Clamped values in place, and the page works.
      assert.equal(await page.inputValue('#field-samples'), '1000000');
      assert.equal(await page.inputValue('#field-batch_size'), '1');
      assert.equal(await page.inputValue('#field-preset'), 'dense');
      assert.equal(await page.isDisabled('#play'), false);
    });
  });

  test('a shared link reproduces the same first loss values', async () => {
    await onPage({}, async ({ page, context }) => {
      await openPage(page, widget.url);
      await setField(page, 'seed', '4242');
      await setField(page, 'units', '16');
      await play(page);
      await waitLossRows(page, 6);
      await pause(page);
      const first = (await lossRows(page)).slice(0, 6);
      const link = page.url();
      assert.match(link, /seed=4242/);
      assert.match(link, /units=16/);

      const other = await context.newPage();
      await openPage(other, link);
      assert.equal(await other.inputValue('#field-seed'), '4242');
      await play(other);
      await waitLossRows(other, 6);
      await pause(other);
      assert.deepEqual((await lossRows(other)).slice(0, 6), first);
    });
  });

  test('embed options: views, controls, autoplay and reduced motion', async () => {
    await onPage({}, async ({ page }) => {
      // speed=1 (one batch a frame): autoplay is seen as well, at a fraction of the CPU.
      await openPage(page, `${widget.url}embed.html?views=history&controls=none&autoplay=1&epochs=1000&speed=1`);
      assert.ok(await page.isVisible('#chart-history'));
      assert.equal(await page.isVisible('#chart-attention'), false);
      assert.equal(await page.isVisible('#step'), false, 'controls=none hides Step');
      assert.ok(await page.isVisible('#play'), 'Play/Pause stays');
      await page.waitForFunction(() => document.querySelector('#play').getAttribute('aria-pressed') === 'true');
      assert.equal(await page.isVisible('#embed-open'), false, 'no embed panel inside an embed');
    });
    await onPage({}, async ({ page }) => {
      await page.emulateMedia({ reducedMotion: 'reduce' });
      await openPage(page, `${widget.url}embed.html?autoplay=1`);
      await page.waitForTimeout(500);
      assert.equal(await page.getAttribute('#play', 'aria-pressed'), 'false', 'no autoplay under reduced motion');
      await openPage(page, `${widget.url}embed.html?autoplay=always&epochs=1000&speed=1`);
      await page.waitForFunction(() => document.querySelector('#play').getAttribute('aria-pressed') === 'true');
    });
  });

  test('an embedded widget trains only while in view and resumes when back', async () => {
    // What a reader gets: no training while the widget is scrolled away (the widget pauses
    // itself through an IntersectionObserver; Chromium may also throttle off-screen frames,
    // so the test watches the step counter, not the button's timing), and it goes on when back.
    await onPage({ viewport: { width: 800, height: 600 } }, async ({ page }) => {
      await page.goto(`${host.url}tall.html`);
      const frame = await frameOf(page, '#w');
      const step = async () => Number(await frame.textContent('[data-metric="step"]'));
      await frame.waitForFunction(() => Number(document.querySelector('[data-metric="step"]').textContent) > 5);
      await page.evaluate(() => window.scrollTo(0, 2000));
      await page.waitForTimeout(1000); // let an in-flight batch land
      const off = await step();
      await page.waitForTimeout(1500);
      assert.equal(await step(), off, 'no training while off-screen');
      await page.evaluate(() => window.scrollTo(0, 0));
      await frame.waitForFunction((n) => Number(document.querySelector('[data-metric="step"]').textContent) > n + 5, off, { timeout: 15_000 });
      assert.equal(await frame.getAttribute('#play', 'aria-pressed'), 'true', 'playing again');
    });
  });

  test('the embed builder: views, controls, text, autoplay, height and flavour make the code; a live preview', { timeout: 120_000 }, async () => {
    await onPage({ viewport: { width: 1280, height: 1000 } }, async ({ page }) => {
      await openPage(page, `${widget.url}?preset=lstm_before`);
      await page.click('#embed-open');
      const code = () => page.inputValue('#embed-code');
      assert.match(await code(), /embed\.html\?preset=lstm_before&amp;views=attention,loss"/, 'the default views of a 2017 task');
      const offered = () => page.$$eval('#embed-main option', (os) => os.map((o) => o.value));
      assert.ok((await offered()).includes('heatmap'), 'the per-feature heatmap applies to a recurrent 2017 model');
      await page.selectOption('#embed-main', 'heatmap');
      await page.check('#embed-tab-focus');
      await page.selectOption('#embed-controls', 'none');
      await page.check('#embed-text');
      await page.selectOption('#embed-autoplay', '1');
      assert.match(await code(), /views=heatmap,attention,focus,loss&amp;controls=none&amp;text=1&amp;autoplay=1"/);
      assert.match(await code(), /embed-host\.js/);
      await page.selectOption('#embed-height', 'fixed');
      assert.doesNotMatch(await code(), /<script/, 'a fixed height needs no script');
      // Each flavour; the shortcode and the include come with their file.
      const expect = {
        markdown: /^<iframe [^\n]* width="700" height="525"[^\n]*><\/iframe>$/,
        hugo: /^\{\{< attention-demo src="[^"]+" title="[^"]+" >\}\}$/,
        jekyll: /^\{% include attention-demo\.html src="[^"]+" title="[^"]+" %\}$/,
        quarto: /^```\{=html\}\n<iframe [^]*\n```$/,
        wordpress: /^<!-- wp:html -->\n<iframe [^]*\n<!-- \/wp:html -->$/,
        element: /^<script type="module" src="[^"]+attention-demo\.js"><\/script>\n<attention-demo preset="lstm_before" [^]*views="heatmap,attention,focus,loss"/,
        html: /^<iframe /,
      };
      for (const [flavour, pattern] of Object.entries(expect)) {
        await page.selectOption('#embed-flavour', flavour);
        assert.match(await code(), pattern, flavour);
        assert.equal(await page.isVisible('#embed-template'), flavour === 'hugo' || flavour === 'jekyll', `${flavour}: the template file`);
        assert.ok((await page.textContent('#embed-note')).length > 20, `${flavour}: a note says where it goes`);
      }
      // The preview is the widget with these choices, fitted to its content.
      const preview = await (await page.waitForSelector('#embed-preview')).contentFrame();
      // (It reloads a moment after each change: wait for the last one.)
      await preview.waitForFunction(() => {
        const q = new URLSearchParams(location.search);
        return document.body?.dataset.ready === 'true' && q.get('views') === 'heatmap,attention,focus,loss' &&
          q.get('controls') === 'none' && q.get('text') === '1' && q.get('autoplay') === '1';
      }, null, { timeout: 60_000, polling: 200 });
      assert.ok(await preview.isVisible('#chart-heatmap'), 'the main view');
      assert.equal(await preview.isVisible('#step'), false, 'controls=none');
      assert.ok(await preview.isVisible('.words'), 'text=1');
      await page.waitForFunction(() => document.getElementById('embed-preview').style.height !== '');
      // Another model: only the views that apply to it, from the widget's defaults again.
      await choosePreset(page, 'dense');
      assert.equal((await offered()).includes('heatmap'), false, 'no per-feature heatmap for a vector');
      await page.selectOption('#embed-flavour', 'html');
      assert.match(await code(), /embed\.html\?preset=dense&amp;views=attention,loss&amp;controls=none/);
    });
  });

  test('the copy-embed button gives a working iframe snippet with the narrowest sandbox', async () => {
    await onPage({}, async ({ page, context }) => {
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(widget.url).origin });
      await openPage(page, widget.url);
      await choosePreset(page, 'gru_before');
      await page.click('#embed-open');
      const code = await page.inputValue('#embed-code');
      for (const part of ['<iframe ', 'title="', 'loading="lazy"', 'sandbox="allow-scripts allow-same-origin allow-popups"', 'aspect-ratio:4/3', 'preset=gru_before', 'embed-host.js'])
        assert.ok(code.includes(part), `the snippet has ${part}: ${code}`);
      await page.click('#embed-copy');
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), code);

      // The snippet, pasted into a page on another origin, loads and trains.
      fs.writeFileSync(path.join(hostDir, 'pasted.html'), `<!doctype html><html><head><link rel="icon" href="data:,"></head><body>${code}</body></html>`);
      const pasted = await context.newPage();
      await pasted.goto(`${host.url}pasted.html`);
      const frame = await frameOf(pasted, 'iframe');
      await frame.click('#step');
      await frame.waitForFunction(() => document.querySelector('[data-metric="step"]').textContent === '1');
    });
    // ... and allow-same-origin is needed: without it the widget cannot start (its worker and
    // .wasm must load from its own origin). Errors are expected here, so no error check.
    const code = fs.readFileSync(path.join(hostDir, 'pasted.html'), 'utf8');
    fs.writeFileSync(path.join(hostDir, 'narrower.html'), code.replace('allow-scripts allow-same-origin allow-popups', 'allow-scripts'));
    const p = await browser.context.newPage();
    try {
      await p.goto(`${host.url}narrower.html`);
      const frame = await (await p.waitForSelector('iframe')).contentFrame();
      await p.waitForTimeout(3000);
      assert.notEqual(await frame.evaluate(() => document.body.dataset.ready).catch(() => undefined), 'true',
        'the widget works without allow-same-origin: the sandbox could be narrower');
      assert.match(await frame.textContent('#notice'), /sandbox lacks allow-same-origin/, 'and it says so in words');
    } finally {
      await p.close();
    }
  });
});
