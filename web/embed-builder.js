// The embed builder on the full page ("Embed this demo…"): the widget of the current model with
// the views, controls, text, autoplay and height mode chosen here; a live preview of it; its code
// for plain HTML, a Markdown-friendly iframe, a Hugo shortcode, a Jekyll include, Quarto,
// WordPress and the <attention-demo> element (web/snippets.js writes each).
import { SPEED, toURL } from './settings.js';
import { FLAVOURS, embedURL, snippet } from './snippets.js';
import { el } from './views/dom.js';
import { VIEWS } from './views/index.js';

const PREVIEW_DELAY = 400; // ms after the last change before the preview reloads

export function embedBuilder({ $, state, embedDefaultViews }) {
  const panel = $('embed-panel');
  for (const f of FLAVOURS) $('embed-flavour').append(new Option(f.label, f.name));
  let applicable = VIEWS;
  let chosen = null;   // { main, tabs: Set } for `forPreset`
  let forPreset = null;

  function defaults(run) {
    const names = embedDefaultViews(run).filter((n) => applicable.some((v) => v.name === n));
    return { main: names[0] ?? applicable[0].name, tabs: new Set(names.slice(1)) };
  }

  // The view choices: a main view, and the others as tabs (each one a view that applies).
  function renderViews() {
    const main = $('embed-main');
    main.replaceChildren(...applicable.map((v) => new Option(v.title, v.name)));
    main.value = chosen.main;
    const box = $('embed-tabs');
    box.replaceChildren(box.querySelector('legend'), ...applicable.filter((v) => v.name !== chosen.main).map((v) => {
      const input = el('input', { type: 'checkbox', id: `embed-tab-${v.name}`, value: v.name, checked: chosen.tabs.has(v.name) });
      input.addEventListener('change', () => {
        if (input.checked) chosen.tabs.add(v.name);
        else chosen.tabs.delete(v.name);
        update();
      });
      return el('label', { className: 'check', htmlFor: input.id }, [input, ` ${v.title}`]);
    }));
  }
  $('embed-main').addEventListener('change', () => {
    chosen.tabs.add(chosen.main); // the former main view stays, as a tab
    chosen.main = $('embed-main').value;
    chosen.tabs.delete(chosen.main);
    renderViews();
    update();
  });

  /** A new model: the views that apply to it; a new preset starts from the widget's defaults. */
  function configured(run) {
    applicable = VIEWS.filter((v) => v.applies(run));
    if (forPreset !== state.preset.name || !chosen) {
      forPreset = state.preset.name;
      chosen = defaults(run);
    } else {
      if (!applicable.some((v) => v.name === chosen.main)) chosen.main = defaults(run).main;
      for (const n of chosen.tabs) if (n === chosen.main || !applicable.some((v) => v.name === n)) chosen.tabs.delete(n);
    }
    renderViews();
    update();
  }

  // The widget as web/snippets.js takes it.
  function widget() {
    const { main, tabs } = chosen ?? defaults(state.run);
    const params = toURL(state.preset, state.values, state.speed !== SPEED.default ? { speed: state.speed } : {});
    params.set('views', [main, ...applicable.map((v) => v.name).filter((n) => tabs.has(n))].join(','));
    if ($('embed-controls').value !== 'basic') params.set('controls', $('embed-controls').value);
    if ($('embed-text').checked) params.set('text', '1');
    if ($('embed-autoplay').value !== '0') params.set('autoplay', $('embed-autoplay').value);
    return {
      base: new URL('.', location.href).href,
      params,
      title: `Attention demo (${state.preset.label})`,
      resize: $('embed-height').value === 'auto',
    };
  }

  // ---- the code and the preview ----------------------------------------------------------------
  let preview = null;
  let timer = null;

  function update() {
    if (!state.preset) return;
    const w = widget();
    const { code, template, note } = snippet($('embed-flavour').value, w);
    $('embed-code').value = code;
    $('embed-code').rows = Math.min(8, code.split('\n').length + 2);
    $('embed-note').textContent = note;
    $('embed-template-box').hidden = !template;
    if (template) {
      $('embed-template-label').textContent = `Once, as ${template.path} in the site:`;
      $('embed-template').value = template.text;
    }
    if (!panel.hidden) {
      clearTimeout(timer);
      timer = setTimeout(() => showPreview(w), preview ? PREVIEW_DELAY : 0);
    }
  }

  function showPreview(w) {
    if (!preview) {
      // The widget as a blog shows it, fitted to its content by the same message embed-host.js reads.
      preview = el('iframe', { id: 'embed-preview', title: `Preview: ${w.title}` });
      preview.setAttribute('sandbox', 'allow-scripts allow-same-origin allow-popups');
      $('embed-preview-box').append(preview);
    }
    preview.title = `Preview: ${w.title}`;
    const src = embedURL(w);
    if (preview.src !== src) preview.src = src;
  }
  window.addEventListener('message', (e) => {
    if (!preview || e.source !== preview.contentWindow || e.origin !== location.origin) return;
    if (e.data?.type === 'attention-widget:resize' && Number.isFinite(e.data.height))
      preview.style.height = `${Math.min(Math.max(e.data.height, 120), 4000)}px`;
  });

  for (const id of ['embed-controls', 'embed-text', 'embed-autoplay', 'embed-height', 'embed-flavour'])
    $(id).addEventListener('change', update);

  $('embed-open').addEventListener('click', () => {
    const open = panel.hidden;
    panel.hidden = !open;
    $('embed-open').setAttribute('aria-expanded', String(open));
    if (open) update();
    else {
      preview?.remove(); // a closed builder runs no second widget
      preview = null;
    }
  });

  async function copy(textarea, status) {
    try {
      await navigator.clipboard.writeText(textarea.value);
    } catch {
      textarea.select(); // no clipboard access (e.g. not a secure context): select it
      document.execCommand?.('copy');
    }
    status.textContent = 'Copied.';
    setTimeout(() => (status.textContent = ''), 2000);
  }
  $('embed-copy').addEventListener('click', () => copy($('embed-code'), $('embed-copied')));
  $('embed-template-copy').addEventListener('click', () => copy($('embed-template'), $('embed-copied')));

  return { update, configured };
}

