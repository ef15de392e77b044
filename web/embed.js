// embed.html, the widget: the page laid out as a blog figure, and a good guest in its host page.
//
// The layout: one view at a time (the first of views= is the main one, the others are tabs),
// a one-line control strip (Play/Pause, Step, Reset, speed, and More for the rest: Epoch, the
// settings with controls=full, the keyboard hint, the full page), the key numbers in one line,
// the view's caption under it. No title: the host's post has its own, and the iframe's title
// names the demo. style.css, "Embed mode", does the rest.
//
// What it tells its parent (none of it is private, so any parent may read it: '*'):
// - its height whenever it changes, also while scrolled out of view, in three formats:
//   { type: 'attention-widget:resize', height } (embed-host.js, attention-demo.js),
//   AMP's { sentinel: 'amp', type: 'embed-size', height } (amp-iframe, @newswire/frames), and
//   Pym.js's 'pymxPYMx<childId>xPYMxheightxPYMx<height>' when its URL has Pym's childId;
// - its events, { type: 'attention-widget:<kind>', ...fields }: ready, epoch, done, failed.
// It also pauses while scrolled out of view and resumes when back.
import { HOST_PARAMS } from './settings.js';
import { argmax, el, pauseWhileHidden } from './views/dom.js';

export const PREFIX = 'attention-widget:';

// Pym.js's childId (a Pym parent adds it to the widget's URL). Read now: the page rewrites its
// URL once it has read it.
const PYM_ID = new URLSearchParams(location.search).get('childId');
const FRAMED = window.parent !== window;

function post(kind, fields = {}) {
  if (FRAMED) window.parent.postMessage({ type: PREFIX + kind, ...fields }, '*');
}

/**
 * Lay out the compact widget and start talking to the host. `views` are main.js's view records,
 * `asked()` the view names the URL asks for (in its order), `embedOptions` the URL parameters
 * that belong to the embed only. Returns the hooks main.js calls.
 */
export function compactWidget({ $, state, views, asked, play, stop, embedOptions }) {
  document.documentElement.dataset.mode = 'embed';
  // ---- the control strip and its menu ---------------------------------------------------------
  const strip = $('stage').querySelector('.buttons');
  const more = el('button', { id: 'more', type: 'button', textContent: 'More', ariaExpanded: 'false', ariaControls: 'more-panel' });
  const panel = el('div', { id: 'more-panel', className: 'more-panel', hidden: true });
  strip.append($('speed').closest('label'), more);
  strip.after(panel);
  panel.append(
    el('div', { className: 'buttons' }, [$('epoch'), $('new-seed')]),
    $('stage-fields'), $('preset-description'), $('settings-group'),
    document.querySelector('.keys'), $('full-page'));
  const showMenu = (open) => {
    panel.hidden = !open;
    more.setAttribute('aria-expanded', String(open));
    reportHeight();
  };
  more.addEventListener('click', () => showMenu(panel.hidden));
  panel.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape') return;
    showMenu(false);
    more.focus();
  });

  // ---- one view at a time: tabs --------------------------------------------------------------
  const tablist = el('div', { className: 'tabs', role: 'tablist', ariaLabel: 'Views' });
  $('views').prepend(tablist);
  let selected = null;
  let shown = [];

  function select(v, focus = false) {
    selected = v;
    for (const w of shown) {
      const tab = $(`tab-${w.spec.name}`);
      const on = w === v;
      tab.setAttribute('aria-selected', String(on));
      tab.tabIndex = on ? 0 : -1;
      w.figure.toggleAttribute('data-tab-hidden', !on);
      if (on && focus) tab.focus();
    }
    reportHeight();
  }

  function tab(v) {
    const name = v.spec.name;
    const b = el('button', { id: `tab-${name}`, type: 'button', role: 'tab', textContent: v.spec.title, ariaControls: `view-${name}` });
    b.addEventListener('click', () => select(v));
    b.addEventListener('keydown', (e) => {
      const i = shown.indexOf(v);
      const to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: shown.length - 1 }[e.key];
      if (to === undefined) return;
      e.preventDefault();
      select(shown[(to + shown.length) % shown.length], true);
    });
    return b;
  }

  // After the page chose which views apply (each new model): the tabs, in the URL's order.
  function layout() {
    shown = asked().map((n) => views.find((v) => v.spec.name === n)).filter((v) => v && !v.figure.hasAttribute('data-off'));
    const tabs = shown.length > 1;
    tablist.replaceChildren(...(tabs ? shown.map(tab) : []));
    tablist.hidden = !tabs;
    for (const v of views) {
      const name = v.spec.name;
      v.figure.id = `view-${name}`;
      if (tabs && shown.includes(v)) {
        v.figure.setAttribute('role', 'tabpanel');
        v.figure.setAttribute('aria-labelledby', `tab-${name}`);
      } else {
        v.figure.removeAttribute('role');
        v.figure.setAttribute('aria-labelledby', `${name}-title`);
        v.figure.removeAttribute('data-tab-hidden');
      }
    }
    if (tabs) select(shown.includes(selected) ? selected : shown[0]);
    else reportHeight();
  }

  // ---- the host: height ------------------------------------------------------------------------
  let lastHeight = 0;
  function reportHeight(force = false) {
    if (!FRAMED) return;
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === lastHeight && !force) return;
    lastHeight = height;
    post('resize', { height });
    window.parent.postMessage({ sentinel: 'amp', type: 'embed-size', height }, '*');
    if (PYM_ID !== null) window.parent.postMessage(`pymxPYMx${PYM_ID}xPYMxheightxPYMx${height}`, '*');
  }
  if (FRAMED) {
    new ResizeObserver(() => reportHeight()).observe(document.documentElement);
    // A frame out of view gets no rendering updates, so no ResizeObserver callbacks: its text
    // still changes (captions, status) and its host may change its width. Measuring lays it out
    // on demand, so a timer keeps the height current there too.
    setInterval(reportHeight, 1000);
    // A Pym.js parent sends its width when it resizes and expects the height back.
    window.addEventListener('message', (e) => {
      if (e.source === window.parent && PYM_ID !== null && typeof e.data === 'string' && e.data.startsWith(`pymxPYMx${PYM_ID}xPYMxwidthxPYMx`))
        reportHeight(true);
    });
  }

  // ---- the host: pause out of view ------------------------------------------------------------
  pauseWhileHidden(document.querySelector('main'), state, play, stop);

  // ---- the host: events --------------------------------------------------------------------------
  let stopped = false;
  const numbers = (m) => ({
    epoch: m.epoch, epochs: state.run.config.epochs, step: m.step,
    loss: m.loss, metric: m.metric, attention_on_target: m.attention_on_target, hit_rate: m.hit_rate,
    val_loss: m.val_loss, val_metric: m.val_metric, val_attention_on_target: m.val_attention_on_target, val_hit_rate: m.val_hit_rate,
  });

  function configured() {
    stopped = false;
    const { run } = state;
    post('ready', { preset: state.preset.name, epochs: run.config.epochs, totalSteps: run.totalSteps, stepsPerEpoch: run.stepsPerEpoch });
  }

  // epochEnds: the metrics at each epoch's end since the last report (the worker's).
  function progress(epochEnds = []) {
    const m = state.metrics;
    for (const end of epochEnds) post('epoch', numbers(end));
    if (!stopped && (m.status === 'done' || m.status === 'diverged')) {
      stopped = true;
      const { run } = state;
      post('done', {
        status: m.status, message: m.message, ...numbers(m),
        peak: state.positions ? argmax(state.positions) : null,
        answer: run.task.answer_position ? run.config.attention_column : null,
      });
    }
  }

  // ---- failure: in words, with the full page ----------------------------------------------------
  function fullPage() {
    const query = new URLSearchParams(location.search);
    for (const k of [...embedOptions, ...HOST_PARAMS]) query.delete(k);
    const q = query.toString();
    return new URL(`index.html${q ? `?${q}` : ''}`, location.href).href;
  }

  function failed(message) {
    document.body.dataset.failed = 'true';
    const notice = $('notice');
    notice.append(' ', el('a', { href: fullPage(), target: '_blank', rel: 'noopener', textContent: 'Open the full page ↗' }));
    post('failed', { message });
    reportHeight();
  }

  return { layout, configured, progress, failed, reportHeight, reveal: (node) => panel.contains(node) && showMenu(true) };
}
