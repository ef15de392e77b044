// The comparison page: 2-6 variants of one model side by side. Each variant is the base preset
// with the shared values plus a few field overrides (web/comparison.js: the URL, the configs,
// the legend's words), and each has its own worker (web/worker.js, the single page's: one
// module, one trainer), so the variants train in parallel where there are cores. One Play /
// Step / Reset drives them all; each worker is paced like the single page's (at most one TICK
// in flight per worker, sent on an animation frame), and a variant that finishes, diverges or
// cannot start stops alone. Drawing is throttled: the overlaid curves every 250 ms, the small
// multiples every 150 ms, the summary table every 250 ms.
import { MSG } from './protocol.js';
import { CHOICE_LABELS, SPEED, inPageWords, parse, presetValues, shown } from './settings.js';
import {
  DATA_FIELDS, MAX_VARIANTS, MIN_VARIANTS, READY_MADE, comparisonFromURL, comparisonToURL, differingFields,
  parseVariant, variantConfig, variantLabel,
} from './comparison.js';
import { drawCards, drawCurves, drawTable, init as initViews, resetCharts, setText } from './compare-views.js';
import { el, pauseWhileHidden } from './views/dom.js';

const $ = (id) => document.getElementById(id);

const HIT_GOAL = 0.9;       // the summary's "hit rate first reached 0.9"
const CURVES_MS = 250, CARDS_MS = 150, TABLE_MS = 250;

// ---- state ---------------------------------------------------------------------------------
const state = {
  tables: null,        // { presets, tasks, fields, constants } from the first worker
  preset: null,        // the shared preset (its table row)
  base: {},            // shared values that differ from the preset's page defaults
  sharedErrors: {},    // field -> message of a shared value the page refused
  options: {},         // speed, autoplay (the single page's page options)
  embed: false,
  speed: SPEED.default,
  playing: false,
  autoplay: false,     // start playing once the first comparison is built
  offscreen: false,    // embed: paused because scrolled out of view (resume when back)
  failed: null,        // why the page cannot run at all
  differing: [],       // the fields whose values differ between the variants
  variants: [],
};

// A variant: its text (the overrides as typed), what the page made of it, its worker and run.
function newVariant(text = '') {
  return {
    text, overrides: {}, pageError: null, config: null, label: '',
    worker: null, workerReady: false, failed: null, pending: false,
    awaiting: 0,       // CONFIGUREs and RESETs sent and not yet answered: older answers are stale
    building: false, ready: false, coreError: null, run: null,
    metrics: null, positions: null, heads: null, align: null, frame: null, points: [], validations: [], memory: 0,
    rate: 0, trained: { samples: 0, seconds: 0 }, sentAt: 0, // samples/s while training, over the run
    applies: null,     // the fields its config uses (from its worker)
    inFlight: false, hit90: null, fingerprint: null, card: null, parts: null, row: null,
  };
}

const finished = (v) => v.metrics?.status === 'done' || v.metrics?.status === 'diverged';
const trainable = (v) => v.ready && !v.building && !finished(v) && !v.failed;
const building = () => state.variants.some((v) => v.building || v.pending);
const hasSharedErrors = () => Object.keys(state.sharedErrors).length > 0;
const fieldOf = (name) => state.tables.fields.find((f) => f.name === name);

// ---- workers -------------------------------------------------------------------------------
function startWorker(v) {
  try {
    v.worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  } catch (e) {
    return cannotRun(`The training workers could not start (${shown(e.message)}). A Content-Security-Policy without worker-src 'self' blocks them.`);
  }
  v.worker.onmessage = ({ data }) => onMessage(v, data);
  v.worker.onerror = (e) => {
    v.failed = `The training worker failed: ${e.message || 'it could not load'}.`;
    v.building = v.pending = false;
    changed();
  };
}

const send = (v, type, fields = {}) => v.worker.postMessage({ type, ...fields });

function onMessage(v, data) {
  if (!state.variants.includes(v)) return; // a removed variant's last words
  switch (data.type) {
    case MSG.READY:
      v.workerReady = true;
      if (!state.tables) return onTables(data);
      if (v.pending) configure(v);
      return;
    case MSG.CONFIGURED: return onConfigured(v, data);
    case MSG.PROGRESS: return onProgress(v, data);
    case MSG.ERROR: return onError(v, data);
    case MSG.FAILED:
      v.failed = `The training engine could not start in this browser: ${data.message}`;
      v.building = v.pending = false;
      if (state.variants.every((x) => x.failed)) cannotRun(v.failed);
      return changed();
  }
}

function onTables(tables) {
  state.tables = tables;
  document.body.dataset.started = 'true';
  const c = comparisonFromURL(new URLSearchParams(location.search), tables);
  state.preset = c.preset;
  state.base = c.base;
  state.options = c.options;
  state.speed = c.options.speed ?? SPEED.default;
  if (c.notes.length) {
    $('url-note').hidden = false;
    $('url-note').textContent = `From the link: ${c.notes.join('; ')}.`; // text only, never HTML
  }
  setVariants(c.variants);
  buildControls();
  syncSpeed();
  const reduced = matchMedia('(prefers-reduced-motion: reduce)').matches;
  state.autoplay = c.options.autoplay === 'always' || (c.options.autoplay === '1' && !reduced);
  configureAll();
}

// The variants become these texts: workers are kept by position, started or ended as needed.
function setVariants(texts) {
  texts.forEach((text, i) => {
    if (!state.variants[i]) {
      state.variants.push(newVariant(text));
      startWorker(state.variants[i]);
    } else state.variants[i].text = text;
  });
  for (const v of state.variants.splice(texts.length)) endVariant(v);
}

function endVariant(v) {
  v.worker?.terminate();
  v.card?.remove();
  v.row?.remove();
}

// ---- configuring ---------------------------------------------------------------------------
// Every change (a variant's fields, a shared value, the preset, a ready-made comparison)
// starts the whole comparison again, so the variants always stand at the same point.
function configureAll() {
  stop();
  for (const v of state.variants) {
    const { overrides, error } = parseVariant(v.text, state.tables.fields);
    v.overrides = overrides;
    v.pageError = error;
    v.config = error ? null : variantConfig(state.preset, state.base, overrides);
  }
  state.differing = differingFields(state.variants.map((v) => v.config));
  state.variants.forEach((v, i) => {
    v.applies = null;
    clearRun(v);
    v.coreError = null;
    v.ready = false;
    if (v.pageError || hasSharedErrors() || v.failed) {
      v.pending = v.building = false;
      return;
    }
    if (v.workerReady) configure(v);
    else v.pending = true;
  });
  label();
  newCharts();
  writeURL();
  changed();
}

// Each variant's name: the fields that differ, those it uses (once its worker has said which).
function label() {
  state.variants.forEach((v, i) => {
    v.label = v.config ? variantLabel(v.config, state.differing, i, v.applies) : (v.text.trim() || `variant ${i + 1}`);
  });
}

function configure(v) {
  v.pending = false;
  v.building = true;
  v.inFlight = false;
  v.awaiting++;
  send(v, MSG.CONFIGURE, { config: v.config });
}

function tick(v, batches) {
  v.inFlight = true;
  v.sentAt = performance.now();
  send(v, MSG.TICK, { batches });
}

function clearRun(v) {
  Object.assign(v, {
    run: null, metrics: null, positions: null, heads: null, align: null, frame: null, points: [], validations: [], rate: 0,
    trained: { samples: 0, seconds: 0 }, sentAt: 0, hit90: null, fingerprint: null, inFlight: false,
  });
}

// ---- messages from the workers -----------------------------------------------------------------
function onConfigured(v, data) {
  v.awaiting = Math.max(0, v.awaiting - 1);
  if (v.awaiting) return; // a later CONFIGURE or RESET is on its way
  clearRun(v);
  v.building = false;
  v.ready = true;
  v.coreError = null;
  v.run = data;
  v.applies = data.applicable;
  v.memory = data.memory;
  v.fingerprint = fingerprint(data.testTargets);
  if (!building()) {
    label();
    newCharts();
    if (state.autoplay) {
      state.autoplay = false; // only the first comparison starts by itself
      play();
    }
  }
  changed();
}

// The held-out targets, hashed: variants with equal hashes hold the same held-out samples.
function fingerprint(values) {
  let h = 2166136261;
  for (const x of values) h = Math.imul(h ^ Math.round(x * 1e6), 16777619);
  return h >>> 0;
}

function onProgress(v, { metrics, positions, heads, align, points, validations, frames, memory }) {
  if (!v.run || v.awaiting) return; // the run was reset or replaced since this was sent
  v.inFlight = false;
  // Samples/s over the run: the samples of each tick over the time from its request to this
  // answer (training, the worker's bookkeeping and the messages; not the waits between frames).
  const samples = (metrics.step - (v.metrics?.step ?? 0)) * v.run.config.batch_size;
  if (samples > 0 && v.sentAt) {
    v.trained.samples += samples;
    v.trained.seconds += (performance.now() - v.sentAt) / 1000;
    v.rate = v.trained.samples / v.trained.seconds;
  }
  v.sentAt = 0;
  v.metrics = metrics;
  v.positions = positions;
  v.heads = heads;
  if (align) v.align = align; // a translation run's alignment is read every few steps
  if (frames.length) v.frame = frames.at(-1);
  v.points.push(...points);
  v.validations.push(...validations);
  v.memory = memory;
  if (!v.hit90) v.hit90 = firstHit(v);
  changed({ progress: true });
}

// The first step at which the hit rate reached HIT_GOAL: on validation where the run has it,
// else in the mean of the last training batches.
function firstHit(v) {
  const list = v.run.config.validation_split > 0 ? v.validations : v.points;
  const p = list.find((x) => x.hit_rate >= HIT_GOAL);
  return p ? { step: p.step } : null;
}

function onError(v, { field, message }) {
  if (v.awaiting) v.awaiting--;
  if (v.awaiting) return;
  v.inFlight = false;
  v.building = v.pending = false;
  v.ready = false;
  v.coreError = { field, message, text: inPageWords(message, field, state.tables.fields) };
  changed();
}

// ---- controls --------------------------------------------------------------------------------
function buildControls() {
  const presetSelect = $('preset');
  for (const p of state.tables.presets) presetSelect.append(new Option(p.label, p.name));
  presetSelect.addEventListener('change', () => {
    state.preset = state.tables.presets.find((p) => p.name === presetSelect.value);
    state.base = {};
    state.sharedErrors = {};
    configureAll();
  });
  for (const r of READY_MADE) {
    const b = el('button', { type: 'button', textContent: r.label, dataset: { comparison: r.name }, ariaPressed: 'false' });
    b.addEventListener('click', () => {
      state.preset = state.tables.presets.find((p) => p.name === r.preset);
      state.base = {};
      state.sharedErrors = {};
      setVariants(r.variants);
      configureAll();
    });
    $('ready-made').append(b);
  }
  const form = $('shared-fields');
  for (const field of state.tables.fields) if (field.name !== 'preset') form.append(sharedRow(field));
  form.addEventListener('submit', (e) => e.preventDefault());
  $('add-variant').addEventListener('click', () => {
    if (state.variants.length >= MAX_VARIANTS) return;
    setVariants([...state.variants.map((v) => v.text), '']);
    configureAll();
  });
}

function sharedRow(field) {
  const id = `shared-${field.name}`;
  let c;
  if (field.choices) {
    c = el('select', { id, name: field.name });
    const labels = field.name === 'task' ? Object.fromEntries(state.tables.tasks.map((t) => [t.name, t.label])) : CHOICE_LABELS[field.name] ?? {};
    for (const v of field.choices) c.append(new Option(labels[v] ?? v, v));
  } else if (field.type === 'boolean') {
    c = el('input', { id, name: field.name, type: 'checkbox' });
  } else {
    c = el('input', { id, name: field.name, type: 'text', inputMode: field.type === 'number' ? 'decimal' : 'numeric', autocomplete: 'off', spellcheck: false });
  }
  const error = el('p', { id: `shared-error-${field.name}`, className: 'error' });
  c.setAttribute('aria-describedby', error.id);
  c.addEventListener('change', () => {
    const result = parse(field, field.type === 'boolean' ? c.checked : c.value);
    if (result.error) {
      state.sharedErrors[field.name] = `${field.label}: ${result.error}.`;
      stop();
      for (const v of state.variants) v.ready = false;
      return changed();
    }
    delete state.sharedErrors[field.name];
    const defaults = presetValues(state.preset);
    if (result.value === defaults[field.name]) delete state.base[field.name];
    else state.base[field.name] = result.value;
    configureAll();
  });
  const row = el('div', { className: 'field', dataset: { key: field.name } });
  row.append(el('label', { htmlFor: id, textContent: field.label }), c, error);
  return row;
}

// The shared controls show the shared values; only the fields some variant uses are shown.
function showShared() {
  $('preset').value = state.preset.name;
  const values = { ...presetValues(state.preset), ...state.base };
  const used = new Set(state.variants.flatMap((v) => v.run?.applicable ?? []));
  for (const field of state.tables.fields) {
    const c = $(`shared-${field.name}`);
    if (!c) continue;
    if (document.activeElement !== c && !state.sharedErrors[field.name]) {
      if (c.type === 'checkbox') c.checked = Boolean(values[field.name]);
      else c.value = String(values[field.name]);
    }
    const message = state.sharedErrors[field.name] ?? '';
    $(`shared-error-${field.name}`).textContent = message;
    if (message) c.setAttribute('aria-invalid', 'true');
    else c.removeAttribute('aria-invalid');
    c.closest('.field').hidden = used.size > 0 && !used.has(field.name) && !message;
  }
  if (hasSharedErrors()) $('shared').open = true;
  // The ready-made comparison this is, if any, and its claim.
  const texts = state.variants.map((v) => v.text);
  const match = READY_MADE.find((r) => r.preset === state.preset.name && !Object.keys(state.base).length &&
    r.variants.length === texts.length && r.variants.every((t, i) => t === texts[i]));
  for (const b of $('ready-made').querySelectorAll('button')) b.setAttribute('aria-pressed', String(b.dataset.comparison === match?.name));
  setText($('claim'), match ? match.claim : '');
  $('add-variant').disabled = state.variants.length >= MAX_VARIANTS;
}

// What differs, what is shared, and whether the data is the same.
function showDiffers() {
  const valid = state.variants.filter((v) => v.config);
  const names = state.differing.map((k) => fieldOf(k)?.label.toLowerCase() ?? k);
  const parts = [];
  if (!state.differing.length) parts.push(valid.length > 1 ? 'The variants are identical: change a field in one of them.' : '');
  else parts.push(`The variants differ in ${names.join(', ')}; everything else is shared.`);
  const dataDiffers = state.differing.filter((k) => DATA_FIELDS.includes(k));
  const c = valid[0]?.config;
  if (dataDiffers.length) {
    parts.push(`${dataDiffers.map((k) => fieldOf(k)?.label ?? k).join(' and ')} decide${dataDiffers.length > 1 ? '' : 's'} the data: these variants do not train on the same samples.`);
  } else if (c) {
    parts.push(`Same data and same seed (${c.seed}) for all: ${Number(c.samples).toLocaleString('en')} samples drawn once from the seed's data stream.`);
    const prints = valid.filter((v) => v.fingerprint !== null).map((v) => v.fingerprint);
    if (prints.length === valid.length && prints.length > 1)
      parts.push(prints.every((p) => p === prints[0]) ? 'Checked: every variant holds the same held-out samples.' : 'Their held-out samples differ.');
  }
  setText($('differs'), parts.filter(Boolean).join(' '));
}

function syncSpeed() {
  $('speed').value = String(state.speed);
  $('speed-value').textContent = String(state.speed);
}
$('speed').addEventListener('input', () => {
  state.speed = Number($('speed').value);
  $('speed-value').textContent = String(state.speed);
});
$('speed').addEventListener('change', () => writeURL());

function play() {
  if ($('play').disabled) return;
  state.playing = true;
  changed();
}

function stop() {
  if (!state.playing) return;
  state.playing = false;
  changed();
}

function step() {
  if ($('step').disabled) return;
  for (const v of state.variants)
    if (trainable(v) && !v.inFlight) {
      tick(v, 1);
    }
}

function reset() {
  if ($('reset').disabled) return;
  stop();
  for (const v of state.variants) {
    if (!v.run) continue;
    clearRun(v);
    v.ready = false;
    v.building = true;
    v.awaiting++;
    send(v, MSG.RESET);
  }
  newCharts();
  changed();
}

$('play').addEventListener('click', () => (state.playing ? stop() : play()));
$('step').addEventListener('click', step);
$('reset').addEventListener('click', reset);

// Space play/pause, s step, r reset; not while typing in a field.
const SHORTCUTS = { ' ': () => $('play').click(), s: step, r: reset };
document.addEventListener('keydown', (e) => {
  if (e.ctrlKey || e.metaKey || e.altKey || e.target.closest?.('input, select, textarea, summary, [contenteditable]')) return;
  const action = SHORTCUTS[e.key];
  if (!action) return;
  e.preventDefault();
  if (!e.repeat) action();
});
document.addEventListener('keyup', (e) => {
  if (e.key === ' ' && e.target.closest?.('button')) e.preventDefault();
});

// ---- status and buttons ----------------------------------------------------------------------
function update() {
  const anyTrainable = state.variants.some(trainable);
  if (state.playing && !anyTrainable && !state.variants.some((v) => v.inFlight)) state.playing = false;
  const ok = Boolean(state.tables) && !state.failed && !hasSharedErrors();
  $('play').disabled = !ok || (!anyTrainable && !state.playing);
  $('step').disabled = !ok || state.playing || !anyTrainable;
  $('reset').disabled = !ok || building() || !state.variants.some((v) => v.run);
  setText($('play'), state.playing ? 'Pause' : 'Play');
  $('play').setAttribute('aria-pressed', String(state.playing));
  setStatus(...statusNow());
  const ready = Boolean(state.tables) && !building();
  if (document.body.dataset.ready !== String(ready)) document.body.dataset.ready = String(ready);
}

function statusNow() {
  if (state.failed) return [state.failed, 'bad'];
  if (!state.tables) return ['Loading the model…'];
  if (hasSharedErrors()) return [`Fix the highlighted setting to train: ${Object.values(state.sharedErrors)[0]}`, 'bad'];
  if (building()) return ['Building the models…'];
  const vs = state.variants;
  const broken = vs.filter((v) => v.pageError || v.coreError || v.failed).length;
  const diverged = vs.filter((v) => v.metrics?.status === 'diverged').length;
  const note = [broken && `${broken} cannot run`, diverged && `${diverged} diverged`].filter(Boolean).join(', ');
  const also = note ? ` (${note}: see ${broken + diverged > 1 ? 'their columns' : 'its column'})` : '';
  if (!vs.some((v) => v.ready)) return [`No variant can run${also}.`, 'bad'];
  if (vs.filter((v) => v.ready).every(finished)) return [`Training done in every variant${also}.`, diverged ? 'bad' : 'good'];
  if (state.playing) return [`Training ${vs.filter(trainable).length} variants…${also}`];
  if (vs.some((v) => v.metrics?.step)) return [`Paused.${also}`];
  return [`Ready: press Play.${also}`];
}

let lastStatus = '';
function setStatus(text, tone = '') {
  if (text === lastStatus) return; // the live region speaks only when the words change
  lastStatus = text;
  $('status').textContent = text;
  $('status').className = `status ${tone}`;
}

// ---- drawing ---------------------------------------------------------------------------------
const dirty = { controls: 0, curves: 0, cards: 0, table: 0 };
const last = { controls: 0, curves: 0, cards: 0, table: 0 };
let frameRequested = false;

// Something changed: buttons and status now, pictures on the next frame(s). Progress changes
// the pictures only; anything else (a configuration, an error) the controls too.
function changed({ progress = false } = {}) {
  dirty.curves = dirty.cards = dirty.table = 1;
  if (!progress) dirty.controls = 1;
  update();
  requestFrame();
}

function requestFrame() {
  if (frameRequested) return;
  frameRequested = true;
  requestAnimationFrame(frame);
}

function frame(now) {
  frameRequested = false;
  // Training: every variant that can take a batch and has none in flight gets `speed` of them.
  if (state.playing) {
    for (const v of state.variants)
      if (trainable(v) && !v.inFlight) {
        tick(v, state.speed);
      }
  }
  const idle = !state.playing;
  let pending = false;
  const parts = [['controls', 0, drawControls], ['cards', CARDS_MS, drawCards], ['curves', CURVES_MS, drawCurves], ['table', TABLE_MS, drawTable]];
  for (const [part, every, draw] of parts) {
    if (!dirty[part]) continue;
    if (!idle && now - last[part] < every) {
      pending = true;
      continue;
    }
    dirty[part] = 0;
    last[part] = now;
    draw();
  }
  if (pending) requestFrame();
}

// The controls that follow the variants' configurations.
function drawControls() {
  showShared();
  showDiffers();
}

function newCharts() {
  resetCharts();
  dirty.curves = 1;
}

initViews(state, {
  edit(v, text) {
    v.text = text;
    configureAll();
  },
  remove(v) {
    if (state.variants.length <= MIN_VARIANTS) return;
    state.variants.splice(state.variants.indexOf(v), 1);
    endVariant(v);
    configureAll();
  },
});

// ---- the URL: the whole comparison ---------------------------------------------------------------
function query({ embed = state.embed } = {}) {
  const options = {};
  if (state.speed !== SPEED.default) options.speed = state.speed;
  if (embed && state.options.autoplay) options.autoplay = state.options.autoplay;
  const q = comparisonToURL({ preset: state.preset, base: state.base, variants: state.variants.map((v) => v.text), options });
  return embed ? `${q}&embed=1` : q;
}

function writeURL() {
  history.replaceState(null, '', `?${query()}`);
  $('full-page').href = `compare.html?${query({ embed: false })}`;
  const src = new URL(`compare.html?${query({ embed: true })}`, new URL('.', location.href)).href;
  const esc = (t) => t.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');
  $('embed-code').value =
    `<iframe src="${esc(src)}" title="Attention variants compared" loading="lazy" ` +
    'sandbox="allow-scripts allow-same-origin allow-popups" ' +
    'style="width:100%;max-width:760px;aspect-ratio:4/3;border:0"></iframe>\n' +
    `<script src="${esc(new URL('embed-host.js', new URL('.', location.href)).href)}" async></script>`;
}

// ---- embedding: compact, paused out of view, tells the host its height -------------------------
function embedMode() {
  document.body.dataset.embed = '1';
  pauseWhileHidden(document.querySelector('main'), state, play, stop);
  if (window.parent !== window) {
    let lastHeight = 0;
    new ResizeObserver(() => {
      const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
      if (height !== lastHeight) window.parent.postMessage({ type: 'attention-widget:resize', height }, '*');
      lastHeight = height;
    }).observe(document.documentElement);
  }
}

// ---- start -----------------------------------------------------------------------------------
function cannotRun(message) {
  state.failed = message;
  $('notice').hidden = false;
  $('notice').textContent = message;
  stop();
  update();
}

function start() {
  const params = new URLSearchParams(location.search);
  state.embed = params.get('embed') === '1';
  if (state.embed) embedMode();
  update();
  if (location.protocol === 'file:')
    return cannotRun('This page was opened from a file. Browsers run its training engine (Web Workers and WebAssembly) only from a web server: run `npm start` and open http://127.0.0.1:8080/compare.html, or put the dist/ folder on any static host.');
  if (typeof WebAssembly !== 'object' || typeof Worker !== 'function')
    return cannotRun('This browser has no WebAssembly or no Web Workers, which the training engine needs. Try a current Firefox, Chrome, Edge or Safari.');
  if (self.origin === 'null')
    return cannotRun('This comparison is in a frame whose sandbox lacks allow-same-origin, so it cannot load its training engine. Open the full comparison instead (link above).');
  // As many workers as the link has variants, started at once (the first to answer brings the
  // module's tables); the count is corrected once the link has been read.
  const count = Math.min(MAX_VARIANTS, params.getAll('v').length ||
    (READY_MADE.find((r) => r.preset === (params.get('preset') ?? READY_MADE[0].preset))?.variants.length ?? 2));
  setVariants(Array.from({ length: count }, () => ''));
}

start();
