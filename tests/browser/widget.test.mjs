// The widget as a blog figure, in headless Chromium, on two loopback origins: the widget's (a
// copy of dist/ whose oEmbed files name its URL, with the recommended headers) and a blog's
// (pages written here, no CSP, like most blogs).
// - the compact layout: at most 480 px tall at 700 and 360 px wide for every preset's default
//   views, one view at a time, no title, no keyboard hint without a keyboard;
// - the iframe (with embed-host.js) and <attention-demo> both train and fire ready, epoch and
//   done; the element ignores messages from anything but its iframe;
// - a Pym.js-style and an AMP-style host script resize it; it resizes while out of view;
// - the oEmbed files carry the spec's required fields, the page names one, and its html works;
// - each snippet flavour renders to valid markup that loads and trains;
// - each failure mode says what is missing and links to the full page.
//
// Run: node scripts/build-web.mjs && node --test tests/browser/widget.test.mjs
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { writeOembed } from '../../scripts/oembed.mjs';
import { RECOMMENDED_CSP, serve } from '../../scripts/serve.mjs';
import { pagePresets } from '../../web/settings.js';
import { FLAVOURS, SANDBOX, embedURL, snippet } from '../../web/snippets.js';
import { loadModule } from '../wasm/module.mjs';
import { distDir, launch, serveDist } from './helpers.mjs';

const M = await loadModule();
const PRESETS = pagePresets(M.presets(), M.tasks());
const MAX_HEIGHT = 480; // the compact widget's budget (the fallback box: 4:3, at least 480 px)

let siteDir; // a copy of dist/ whose oEmbed files name the widget's URL
let widget;  // siteDir: the widget's origin
let hostDir;
let host;    // the blog's origin
let browser;

before(async () => {
  await serveDist().then((s) => s.close()); // the same check that dist/ is built
  siteDir = fs.mkdtempSync(path.join(os.tmpdir(), 'attention-widget-site-'));
  fs.cpSync(distDir, siteDir, { recursive: true });
  widget = await serve({ root: siteDir, port: 0 });
  writeOembed(siteDir, { presets: PRESETS, siteUrl: widget.url });
  hostDir = fs.mkdtempSync(path.join(os.tmpdir(), 'attention-widget-host-'));
  host = await serve({ root: hostDir, port: 0, csp: null });
  assert.notEqual(new URL(host.url).origin, new URL(widget.url).origin);
  browser = await launch({ viewport: { width: 1280, height: 1000 } });
});
after(async () => {
  await browser?.close();
  await host?.close();
  await widget?.close();
  for (const d of [siteDir, hostDir]) if (d) fs.rmSync(d, { recursive: true, force: true });
});

/** A blog page on the host's origin. */
function hostPage(name, body) {
  fs.writeFileSync(path.join(hostDir, name), `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>${name}</title></head><body style="margin:0">${body}</body></html>`);
  return `${host.url}${name}`;
}

/**
 * A fresh page in the suite's browser. Afterwards: no console error and no request beyond
 * 127.0.0.1 (unless `errorsExpected`: the failure modes log theirs).
 */
async function onPage({ viewport = { width: 1280, height: 1000 }, errorsExpected = false } = {}, fn) {
  const seen = { errors: browser.errors.length, external: browser.external.length };
  const page = await browser.context.newPage();
  try {
    await page.setViewportSize(viewport);
    await fn(page);
    assert.deepEqual(browser.external.slice(seen.external), [], 'requests left 127.0.0.1');
    if (!errorsExpected) assert.deepEqual(browser.errors.slice(seen.errors), [], `errors:\n${browser.errors.slice(seen.errors).join('\n')}`);
  } finally {
    await page.close();
  }
}

// Polled by a timer, not by animation frames: a frame out of view gets none.
const ready = (frame, timeout = 60_000) => frame.waitForFunction(() => document.body?.dataset.ready === 'true', null, { timeout, polling: 200 });
const contentHeight = (frame) => frame.evaluate(() => Math.ceil(document.documentElement.getBoundingClientRect().height));
async function frameOf(page, selector) {
  const frame = await (await page.waitForSelector(selector)).contentFrame();
  await ready(frame);
  return frame;
}

describe('the widget', { concurrency: false }, () => {
  test('compact: at most 480 px tall at 700 and 360 px wide, every preset with its default views; no title, one view, tabs', { timeout: 240_000 }, (t) =>
    onPage({ viewport: { width: 700, height: 900 } }, async (page) => {
      for (const p of PRESETS) {
        await page.setViewportSize({ width: 700, height: 900 });
        await page.goto(`${widget.url}embed.html?preset=${p.name}&speed=16`);
        await ready(page);
        // Trained a little, so the captions and numbers hold their usual text.
        if (!(await page.isDisabled('#play'))) {
          await page.click('#play');
          await page.waitForFunction(() => Number(document.querySelector('[data-metric="step"]').textContent) >= 30, null, { timeout: 30_000 });
          if (await page.getAttribute('#play', 'aria-pressed') === 'true') await page.click('#play');
        }
        await page.waitForTimeout(600);
        const h700 = await contentHeight(page);
        await page.setViewportSize({ width: 360, height: 800 });
        await page.waitForTimeout(600);
        const h360 = await contentHeight(page);
        t.diagnostic(`${p.name}: ${h700} px at 700, ${h360} px at 360`);
        assert.ok(h700 <= MAX_HEIGHT && h360 <= MAX_HEIGHT, `${p.name}: ${h700} px at 700, ${h360} px at 360 (at most ${MAX_HEIGHT})`);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `${p.name}: ${overflow} px wider than 360`);
        // One view shown; the others are tabs; the title is for screen readers only.
        const figures = await page.$$eval('#views > figure', (fs) => fs.filter((f) => f.offsetParent !== null).length);
        assert.equal(figures, 1, `${p.name}: one view at a time`);
        const tabs = await page.$$eval('[role="tab"]', (ts) => ts.map((x) => x.textContent));
        assert.ok(tabs.length === 0 || tabs.length >= 2, `${p.name}: tabs ${tabs}`);
        assert.ok(await page.$eval('h1', (h) => h.getBoundingClientRect().width <= 1), `${p.name}: no visible title`);
        // The strip is one line: Play and More on the same row.
        const [play, more] = await Promise.all(['#play', '#more'].map((s) => page.$eval(s, (e) => e.getBoundingClientRect().top)));
        assert.equal(Math.round(play), Math.round(more), `${p.name}: the control strip is one line`);
      }
    }));

  test('tabs: the main view first, the others one click (or arrow key) away', { timeout: 60_000 }, () =>
    onPage({ viewport: { width: 700, height: 900 } }, async (page) => {
      await page.goto(`${widget.url}embed.html?preset=dense&views=loss,attention,focus`);
      await ready(page);
      assert.deepEqual(await page.$$eval('[role="tab"]', (ts) => ts.map((x) => x.id)), ['tab-loss', 'tab-attention', 'tab-focus']);
      assert.ok(await page.isVisible('#chart-loss'), 'the first of views= is the main view');
      assert.equal(await page.isVisible('#chart-attention'), false);
      await page.click('#tab-attention');
      assert.ok(await page.isVisible('#chart-attention'));
      assert.equal(await page.isVisible('#chart-loss'), false);
      await page.keyboard.press('ArrowRight');
      assert.ok(await page.isVisible('#chart-focus'));
      assert.equal(await page.getAttribute('#tab-focus', 'aria-selected'), 'true');
      // The rest is in the menu: Epoch, the full page, the keyboard hint (with a mouse).
      assert.equal(await page.isVisible('#epoch'), false);
      await page.click('#more');
      assert.ok(await page.isVisible('#epoch'));
      assert.ok(await page.isVisible('#full-page'));
      assert.ok(await page.isVisible('.keys'), 'a keyboard hint with a mouse and a keyboard');
    }));

  test('no keyboard hint on a touch screen', { timeout: 60_000 }, () =>
    onPage({ viewport: { width: 700, height: 900 } }, async (page) => {
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 5 });
      await cdp.send('Emulation.setEmitTouchEventsForMouse', { enabled: true, configuration: 'mobile' });
      await page.goto(`${widget.url}embed.html`);
      await ready(page);
      assert.ok(await page.evaluate(() => matchMedia('(pointer: coarse)').matches), 'a coarse pointer is emulated');
      await page.$eval('#more', (b) => b.click());
      assert.ok(await page.isVisible('#full-page'), 'the menu is open');
      assert.equal(await page.isVisible('.keys'), false);
      await cdp.detach();
    }));

  test('the iframe (embed-host.js) and <attention-demo> on another origin both train and fire ready, epoch and done', { timeout: 180_000 }, () =>
    onPage({}, async (page) => {
      const q = 'preset=dense&samples=3000&epochs=2&speed=64&autoplay=always';
      const url = hostPage('events.html', `
        <div style="display:flex;gap:8px">
        <iframe id="frame" style="width:620px;aspect-ratio:4/3;min-height:480px;border:0" src="${widget.url}embed.html?${q}" title="demo" sandbox="${SANDBOX}"></iframe>
        <attention-demo id="element" style="width:620px" ${q.split('&').map((kv) => kv.replace('=', '="') + '"').join(' ')} loading="eager"></attention-demo>
        </div>
        <script>
          window.__events = [];
          for (const id of ['frame', 'element'])
            for (const kind of ['ready', 'epoch', 'done', 'failed'])
              document.getElementById(id).addEventListener(kind, (e) => window.__events.push({ id, kind, detail: e.detail }));
        </script>
        <script src="${widget.url}embed-host.js" async></script>
        <script type="module" src="${widget.url}attention-demo.js"></script>`);
      await page.goto(url);
      await page.waitForFunction(() => ['frame', 'element'].every((id) => window.__events.some((e) => e.id === id && e.kind === 'done')), null, { timeout: 150_000 });
      const events = await page.evaluate(() => window.__events);
      for (const id of ['frame', 'element']) {
        const mine = events.filter((e) => e.id === id);
        assert.deepEqual([...new Set(mine.map((e) => e.kind))], ['ready', 'epoch', 'done'], `${id}: ${JSON.stringify(mine.map((e) => e.kind))}`);
        const readyEvent = mine.find((e) => e.kind === 'ready').detail;
        assert.equal(readyEvent.preset, 'dense');
        assert.equal(readyEvent.epochs, 2);
        const epochs = mine.filter((e) => e.kind === 'epoch').map((e) => e.detail);
        assert.deepEqual(epochs.map((e) => e.epoch), [1, 2], `${id}: one epoch event per epoch`);
        assert.ok(epochs.every((e) => Number.isFinite(e.loss) && Number.isFinite(e.val_metric)), JSON.stringify(epochs));
        const done = mine.find((e) => e.kind === 'done').detail;
        assert.equal(done.status, 'done');
        assert.equal(done.answer, 1);
        assert.ok(Number.isInteger(done.peak), JSON.stringify(done));
      }
      // The element sized its iframe to the content; embed-host.js did the same for the iframe.
      const element = await page.$('attention-demo');
      const inner = await element.evaluateHandle((e) => e.frame);
      const frame = await inner.asElement().contentFrame();
      await page.waitForFunction(() => document.querySelector('attention-demo').frame.style.height !== '');
      const box = await inner.asElement().boundingBox();
      assert.ok(Math.abs(box.height - await contentHeight(frame)) <= 2, `element: ${box.height} px for ${await contentHeight(frame)} px`);
      assert.equal(new URL(frame.url()).origin, new URL(widget.url).origin);
      // A message from anything but its own iframe is not an event.
      const before = await page.evaluate(() => window.__events.length);
      await page.evaluate(() => window.postMessage({ type: 'attention-widget:done', status: 'forged' }, '*'));
      await page.waitForTimeout(300);
      assert.equal(await page.evaluate(() => window.__events.length), before);
    }));

  test('a Pym.js-style and an AMP-style host script resize it; Pym\'s URL parameters are not noted', { timeout: 90_000 }, () =>
    onPage({}, async (page) => {
      // The parents' halves of the two protocols, as pym.js (v1) and amp-iframe / @newswire/frames do them.
      const url = hostPage('resizers.html', `
        <div id="pym-box" style="width:600px"></div>
        <iframe id="amp" style="width:600px;border:0" height="150" src="${widget.url}embed.html?preset=find_max" title="demo" sandbox="${SANDBOX}"></iframe>
        <script>
          const origin = ${JSON.stringify(new URL(widget.url).origin)};
          const pym = document.createElement('iframe');
          pym.id = 'pym';
          pym.src = ${JSON.stringify(`${widget.url}embed.html?preset=dense`)} + '&initialWidth=600&childId=pym-box&parentTitle=' + encodeURIComponent(document.title) + '&parentUrl=' + encodeURIComponent(location.href);
          pym.setAttribute('width', '100%');
          pym.setAttribute('scrolling', 'no');
          pym.setAttribute('frameborder', '0');
          pym.setAttribute('sandbox', ${JSON.stringify(SANDBOX)});
          document.getElementById('pym-box').append(pym);
          const pymMessage = /^pymxPYMxpym-boxxPYMx(\\S+)xPYMx(.*)$/;
          window.addEventListener('message', (e) => {
            if (e.origin !== origin) return;
            if (typeof e.data === 'string') {
              const m = e.data.match(pymMessage);
              if (m && m[1] === 'height') pym.setAttribute('height', parseInt(m[2], 10) + 'px');
            } else if (e.data && e.data.sentinel === 'amp' && e.data.type === 'embed-size' && e.source === document.getElementById('amp').contentWindow) {
              document.getElementById('amp').setAttribute('height', String(e.data.height));
            }
          });
          // A Pym parent sends its width when the window resizes.
          window.addEventListener('resize', () => pym.contentWindow.postMessage('pymxPYMxpym-boxxPYMxwidthxPYMx' + document.getElementById('pym-box').offsetWidth, '*'));
        </script>`);
      await page.goto(url);
      const pym = await frameOf(page, '#pym');
      const amp = await frameOf(page, '#amp');
      assert.equal(await pym.isVisible('#url-note'), false, 'initialWidth, childId, parentTitle, parentUrl: no note');
      for (const [id, frame] of [['pym', pym], ['amp', amp]]) {
        await page.waitForFunction(([i, h]) => Math.abs(document.getElementById(i).getBoundingClientRect().height - h) <= 2, [id, await contentHeight(frame)], { timeout: 10_000 })
          .catch(async () => assert.fail(`${id}: ${await page.$eval(`#${id}`, (f) => f.getBoundingClientRect().height)} px for ${await contentHeight(frame)} px of content`));
      }
    }));

  test('it reports its height while out of view (a host that narrows it there gets the new height)', { timeout: 90_000 }, () =>
    onPage({ viewport: { width: 800, height: 600 } }, async (page) => {
      // text=1: the explanation makes the height depend much on the width.
      const url = hostPage('below.html', `
        <div style="height:3000px"></div>
        <iframe id="w" style="width:700px;border:0;display:block" src="${widget.url}embed.html?preset=dense&text=1" title="demo" sandbox="${SANDBOX}"></iframe>
        <script src="${widget.url}embed-host.js" async></script>`);
      await page.goto(url);
      const frame = await frameOf(page, '#w');
      const frameHeight = () => page.$eval('#w', (f) => f.getBoundingClientRect().height);
      await page.waitForFunction(() => document.getElementById('w').style.height !== '');
      const wide = await contentHeight(frame);
      await page.waitForFunction((h) => Math.abs(document.getElementById('w').getBoundingClientRect().height - h) <= 2, wide, { timeout: 10_000 });
      assert.ok(await page.$eval('#w', (f) => f.getBoundingClientRect().top > innerHeight), 'the widget is out of view');
      await page.$eval('#w', (f) => (f.style.width = '360px'));
      await frame.waitForFunction(() => innerWidth === 360, null, { polling: 100 });
      const narrow = await contentHeight(frame);
      assert.ok(narrow > wide + 50, `narrower is taller (${wide} -> ${narrow} px)`);
      await page.waitForFunction((h) => Math.abs(document.getElementById('w').getBoundingClientRect().height - h) <= 2, narrow, { timeout: 10_000 })
        .catch(async () => assert.fail(`out of view, the iframe stayed ${await frameHeight()} px for ${narrow} px of content`));
    }));

  test('oEmbed: a response per preset with the spec\'s required fields; the page names one; its html works', { timeout: 90_000 }, () =>
    onPage({}, async (page) => {
      const check = (json, preset) => {
        // oEmbed 1.0, 2.3.4: version and type always; a rich response has html, width, height.
        assert.equal(json.version, '1.0');
        assert.equal(json.type, 'rich');
        assert.equal(typeof json.html, 'string');
        for (const k of ['width', 'height']) assert.ok(Number.isInteger(json[k]) && json[k] > 0, `${k}: ${json[k]}`);
        for (const k of ['title', 'provider_name', 'provider_url']) assert.equal(typeof json[k], 'string', k);
        assert.ok(!('thumbnail_url' in json) || ['thumbnail_width', 'thumbnail_height'].every((k) => k in json), 'thumbnails come with their size');
        assert.ok(json.html.includes(`src="${widget.url}embed.html?preset=${preset}"`), json.html);
        assert.ok(json.html.includes(`sandbox="${SANDBOX}"`));
      };
      for (const p of PRESETS) {
        const res = await fetch(`${widget.url}oembed/${p.name}.json`);
        assert.equal(res.status, 200, p.name);
        assert.match(res.headers.get('content-type'), /^application\/json/);
        assert.equal(res.headers.get('access-control-allow-origin'), '*');
        check(await res.json(), p.name);
      }
      // Discovery: the page's link names the default preset's response, by an absolute URL.
      const html = await (await fetch(widget.url)).text();
      const link = /<link rel="alternate" type="application\/json\+oembed" href="([^"]+)"/.exec(html);
      assert.ok(link, 'a discovery link');
      assert.equal(link[1], `${widget.url}oembed.json`);
      const json = await (await fetch(link[1])).json();
      check(json, PRESETS[0].name);
      // A consumer puts the html in its page: the widget runs there, in the stated box.
      await page.goto(hostPage('oembed.html', `<div style="width:${json.width}px">${json.html}</div>`));
      const frame = await frameOf(page, 'iframe');
      await frame.click('#step');
      await frame.waitForFunction(() => document.querySelector('[data-metric="step"]').textContent === '1');
      assert.ok(await contentHeight(frame) <= json.height, 'the widget fits the stated height');
    }));

  test('each snippet flavour renders to valid markup that loads the widget', { timeout: 180_000 }, () =>
    onPage({ viewport: { width: 800, height: 4500 } }, async (page) => {
      const w = { base: widget.url, params: new URLSearchParams('preset=dense&views=attention,loss'), title: 'Attention demo (a "dense" model)', resize: true };
      const escape = (s) => s.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
      const args = (call) => Object.fromEntries([...call.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
      // What each platform makes of the code (the template engines reduced to what our templates use).
      const RENDER = {
        html: (s) => s.code,
        markdown: (s) => {
          assert.equal(s.code.split('\n').length, 1, 'one line');
          assert.doesNotMatch(s.code, /<script/);
          return s.code;
        },
        hugo: (s) => {
          assert.match(s.code, /^\{\{< attention-demo( \w+="[^"]*")+ >\}\}$/);
          const a = args(s.code);
          const out = s.template.text.replace(/\{\{ \.Get "(\w+)" \}\}/g, (_, k) => escape(a[k]));
          assert.doesNotMatch(out, /\{\{/);
          return out;
        },
        jekyll: (s) => {
          assert.match(s.code, /^\{% include attention-demo\.html( \w+="[^"]*")+ %\}$/);
          const a = args(s.code);
          const out = s.template.text.replace(/\{\{ include\.(\w+) \| escape \}\}/g, (_, k) => escape(a[k]));
          assert.doesNotMatch(out, /\{\{/);
          return out;
        },
        quarto: (s) => {
          const m = /^```\{=html\}\n([\s\S]*)\n```$/.exec(s.code);
          assert.ok(m, 'a raw html block');
          return m[1];
        },
        wordpress: (s) => {
          const m = /^<!-- wp:html -->\n([\s\S]*)\n<!-- \/wp:html -->$/.exec(s.code);
          assert.ok(m, 'a Custom HTML block');
          return m[1];
        },
        element: (s) => s.code,
      };
      assert.deepEqual(FLAVOURS.map((f) => f.name).sort(), Object.keys(RENDER).sort());
      const rendered = FLAVOURS.map((f) => [f.name, RENDER[f.name](snippet(f.name, w))]);
      // Valid markup: parsed, it is the element(s) and nothing else, with the attributes intended.
      for (const [name, html] of rendered) {
        const parsed = await page.evaluate((h) => {
          const doc = new DOMParser().parseFromString(`<!doctype html><body>${h}</body>`, 'text/html');
          const stray = [...doc.body.childNodes].filter((n) => n.nodeType === 3 && n.textContent.trim()).map((n) => n.textContent);
          const f = doc.querySelector('iframe, attention-demo');
          return { tags: [...doc.body.children].map((c) => c.tagName.toLowerCase()), stray, attrs: f && Object.fromEntries([...f.attributes].map((a) => [a.name, a.value])) };
        }, html);
        assert.deepEqual(parsed.stray, [], `${name}: text outside the markup`);
        if (name === 'element') {
          assert.deepEqual(parsed.tags, ['script', 'attention-demo']);
          assert.equal(parsed.attrs.preset, 'dense');
          assert.equal(parsed.attrs.views, 'attention,loss');
        } else {
          assert.deepEqual(parsed.tags, name === 'markdown' ? ['iframe'] : ['iframe', 'script'], name);
          assert.equal(parsed.attrs.src, embedURL(w), name);
          assert.equal(parsed.attrs.sandbox, SANDBOX, name);
          assert.equal(parsed.attrs.loading, 'lazy', name);
        }
        assert.match(parsed.attrs.title, /^Attention demo \(a .dense. model\)$/, name);
      }
      // ... and each loads and becomes ready, all on one blog page.
      await page.goto(hostPage('flavours.html', rendered.map(([name, html]) => `<section id="${name}" style="width:700px">${html}</section>`).join('\n')));
      for (const [name] of rendered) {
        const selector = name === 'element' ? '#element attention-demo' : `#${name} iframe`;
        const handle = name === 'element'
          ? (await page.waitForFunction(() => document.querySelector('#element attention-demo')?.frame)).asElement()
          : await page.waitForSelector(selector);
        await ready(await handle.contentFrame()).catch((e) => assert.fail(`${name}: ${e.message}`));
      }
    }));

  describe('failure modes: what is missing, in words, and a link to the full page', { concurrency: false }, () => {
    // The message and the link, in the widget; the failed event, through embed-host.js.
    async function expectFailure(page, frameSelector, pattern, fullPage) {
      const frame = await (await page.waitForSelector(frameSelector)).contentFrame();
      await frame.waitForFunction(() => (document.getElementById('notice')?.textContent ?? '').length > 0, null, { timeout: 30_000 });
      assert.match(await frame.textContent('#notice'), pattern);
      assert.equal(await frame.getAttribute('#notice a', 'href'), fullPage);
      assert.equal(await frame.isVisible('#play'), false, 'no controls that cannot work');
      return frame;
    }

    test('a host that drops allow-same-origin', { timeout: 60_000 }, () =>
      onPage({ errorsExpected: true }, async (page) => {
        await page.goto(hostPage('no-same-origin.html', `<iframe id="w" style="width:700px;height:480px;border:0" src="${widget.url}embed.html?preset=lstm_before&views=attention,loss" title="demo" sandbox="allow-scripts allow-popups"></iframe>`));
        await expectFailure(page, '#w', /sandbox lacks allow-same-origin/, `${widget.url}index.html?preset=lstm_before`);
      }));

    for (const [what, scriptSrc, workerSrc, pattern] of [
      ['a blocked worker (worker-src \'none\')', "script-src 'self' 'wasm-unsafe-eval'", "worker-src 'none'", /does not allow its Web Worker \(worker-src\)/],
      ['a CSP that forbids wasm (no \'wasm-unsafe-eval\')', "script-src 'self'", "worker-src 'self'", /does not allow WebAssembly .*'wasm-unsafe-eval'/],
    ]) {
      test(what, { timeout: 60_000 }, async () => {
        const csp = RECOMMENDED_CSP.replace(/script-src [^;]+/, scriptSrc).replace(/worker-src [^;]+/, workerSrc);
        assert.notEqual(csp, RECOMMENDED_CSP);
        const strict = await serve({ root: siteDir, port: 0, csp });
        try {
          await onPage({ errorsExpected: true }, async (page) => {
            await page.goto(hostPage('policy.html', `<iframe id="w" style="width:700px;border:0" src="${strict.url}embed.html?preset=dense&samples=5000" title="demo" sandbox="${SANDBOX}"></iframe>
              <script>window.__failed = null; document.getElementById('w').addEventListener('failed', (e) => (window.__failed = e.detail.message));</script>
              <script src="${strict.url}embed-host.js"></script>`));
            await expectFailure(page, '#w', pattern, `${strict.url}index.html?preset=dense&samples=5000`);
            await page.waitForFunction(() => window.__failed !== null, null, { timeout: 10_000 });
            assert.match(await page.evaluate(() => window.__failed), pattern, 'the host hears of it too');
          });
        } finally {
          await strict.close();
        }
      });
    }

    test('a browser without WebAssembly', { timeout: 60_000 }, () =>
      onPage({ errorsExpected: true }, async (page) => {
        await page.addInitScript(() => delete globalThis.WebAssembly);
        await page.goto(`${widget.url}embed.html?preset=dense`);
        const frame = page.mainFrame();
        await frame.waitForFunction(() => (document.getElementById('notice')?.textContent ?? '').length > 0);
        assert.match(await frame.textContent('#notice'), /no WebAssembly or no Web Workers/);
        assert.equal(await frame.getAttribute('#notice a', 'href'), `${widget.url}index.html?preset=dense`);
      }));
  });
});
