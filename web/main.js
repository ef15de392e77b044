// The page: builds its controls from the module's tables (presets, fields) and the page's own
// (web/settings.js), talks to the worker that owns the model, and draws the views of the
// registry (web/views/) at most once per animation frame. Training is paced by the frames:
// while playing, each frame asks the worker for `speed` batches (one request in flight at a
// time), so the page never falls behind and Pause stops at once.
import { MSG } from './protocol.js';
import { CHOICE_LABELS, PAGE_DEFAULTS, PAGE_FIELDS, SPEED, fromURL, inPageWords, parse, presetValues, shown, toURL } from './settings.js';
import { EMBED_VIEWS, VIEWS, VIEW_NAMES } from './views/index.js';
import { el, fmt } from './views/dom.js';
import * as download from './downloads.js';
import { LIMITS as DATA_LIMITS, fittingPresets, readCSV } from './data.js';
import { compactWidget } from './embed.js';
import { embedBuilder } from './embed-builder.js';

const $ = (id) => document.getElementById(id);
// embed.html is this page with <body data-mode="embed">: compact, configured by its URL.
const EMBED = document.body.dataset.mode === 'embed';
const EMBED_OPTIONS = ['views', 'autoplay', 'controls', 'text']; // kept in an embed's URL
const SNAPSHOTS = 100; // rows of the attention-over-training view per run

// ---- state ---------------------------------------------------------------------------------
const state = {
  tables: null,      // { presets, tasks, fields, constants } from the module
  constants: { recent_window: 20 },
  preset: null,      // the chosen preset (its table row)
  values: {},        // field -> value, every field of the config
  applicable: new Set(), // the fields the current values use
  pageErrors: {},    // field -> message of the page's own checks (not a number, ...)
  coreError: null,   // { field, message } of the core, for the config last sent
  speed: SPEED.default,
  playing: false,
  untilStep: null,   // Epoch: train to this step, then stop (cancellable)
  inFlight: false,   // a request is with the worker
  building: false,   // a CONFIGURE is with the worker
  ready: false,      // a trainer exists for the current values
  failed: null,      // why the page cannot run at all
  run: null,         // { config, task, summary, stepsPerEpoch, totalSteps, ... }
  metrics: null,
  attention: null,   // { data, shape }: the attention as the core returns it
  positions: null,   // Float32Array: the attention averaged over features, per position
  heads: null,       // a self_attention run: { step, epoch, attention (layers, heads, T, T) of sample 0, mask (T, T), scores } (worker.js)
  headPoints: [],    // { step, epoch, loss, attention_on_target [per head], hit_rate [per head] }: every report
  headFrames: [],    // { step, epoch, attention, shape, scores }: moments of `heads` recorded through training
  align: null,       // a translation run: { step, epoch, attention (n, Tt, Ts), output (n, Tt), scores } (worker.js)
  alignFrames: [],   // moments of `align` recorded through training
  points: [],        // { step, epoch, loss, metric, attention_on_target, hit_rate }: recent means
  validations: [],   // the same on the validation samples
  frames: [],        // the attention maps recorded through training
  snapshots: [],     // { step, epoch, values }: the averaged attention through training
  nextSnapshot: 0,
  rate: 0,           // samples per second, smoothed
  options: {},       // page options from the URL (views, autoplay, controls, text, speed)
  autoplay: false,   // start playing once the first model is built
  offscreen: false,  // embed: paused because scrolled out of view (resume when back)
  dirty: new Set(),  // views to redraw
  ownData: null,     // { x, y, mask, ... } from a CSV file: the run trains on it instead of the task's
  found: null,       // a CSV file read, not trained on yet: { data, fits }
};

let worker;
let embed = null;   // embed.html: the compact widget's hooks (web/embed.js)
let builder = null; // the full page: the embed builder (web/embed-builder.js)
const send = (type, fields = {}) => worker.postMessage({ type, ...fields });

// ---- views from the registry -----------------------------------------------------------------
const views = []; // { spec, figure, instance, last, onscreen }
const app = {
  state,
  request(kind, fields) {
    if (kind === 'samples' && state.ready) send(MSG.SAMPLES, fields);
    if (kind === 'translate' && state.run) send(MSG.TRANSLATE, fields);
  },
};

// A view off the screen is not drawn (it stays dirty) until it scrolls into view.
const onscreen = new IntersectionObserver((entries) => {
  for (const e of entries) {
    const v = views.find((x) => x.figure === e.target);
    v.onscreen = e.isIntersecting;
    if (v.onscreen && state.dirty.has(v)) requestFrame();
  }
});

function buildViews() {
  const container = $('views');
  for (const spec of VIEWS) {
    const figure = el('figure', { className: 'panel wide', dataset: { view: spec.name }, ariaLabelledby: `${spec.name}-title` });
    figure.append(el('h2', { id: `${spec.name}-title`, textContent: spec.title }));
    container.append(figure);
    const v = { spec, figure, instance: spec.create(figure, app), last: 0, lastText: 0, textDirty: false, onscreen: false };
    views.push(v);
    if (v.instance.downloads) figure.append(downloadMenu(v));
    onscreen.observe(figure);
  }
}

// A view's downloads, listed afresh each time the menu opens (what it offers depends on the run).
function downloadMenu(v) {
  const list = el('div', { className: 'download-list' });
  const menu = el('details', { className: 'downloads' }, [el('summary', { textContent: 'Download' }), list]);
  menu.addEventListener('toggle', () => {
    if (!menu.open) return;
    const items = state.run ? v.instance.downloads(state) : [];
    list.replaceChildren(...(items.length ? items.map((item) => {
      const b = el('button', { type: 'button', textContent: item.label, title: item.name });
      b.addEventListener('click', async () => {
        const blob = item.png ? await download.png(item.png, item.title, { colorScale: item.colorScale })
          : item.csv ? download.csv(item.csv) : item.json ? download.json(item.json) : await item.make();
        download.save(blob, item.name);
      });
      return b;
    }) : [el('span', { className: 'muted', textContent: 'Nothing to download yet: train a little first.' })]));
  });
  return menu;
}

// Which views show: those the URL asks for (an embed: a few), of those that apply to the run.
const embedDefaultViews = (run) => (run?.task.answer_position ? ['attention', 'loss'] : EMBED_VIEWS.filter((v) => v !== 'attention'));
const askedViews = () => state.options.views ?? (EMBED ? embedDefaultViews(state.run) : VIEW_NAMES);
function applyViews() {
  const run = state.run;
  const asked = askedViews();
  for (const v of views) {
    const on = asked.includes(v.spec.name) && (!run || v.spec.applies(run));
    v.figure.toggleAttribute('data-off', !on);
  }
  embed?.layout();
}
const visible = (v) => !v.figure.hasAttribute('data-off');

// ---- controls from the module's tables ---------------------------------------------------------
const fieldOf = (name) => state.tables.fields.find((f) => f.name === name);
const control = (name) => $(`field-${name}`);

function makeControl(field) {
  const id = `field-${field.name}`;
  let c;
  if (field.choices) {
    c = el('select', { id, name: field.name });
    const labels = field.name === 'preset'
      ? Object.fromEntries(state.tables.presets.map((p) => [p.name, p.label]))
      : field.name === 'task' ? Object.fromEntries(state.tables.tasks.map((t) => [t.name, t.label])) : CHOICE_LABELS[field.name] ?? {};
    for (const v of field.choices) c.append(new Option(labels[v] ?? v, v));
  } else if (field.type === 'boolean') {
    c = el('input', { id, name: field.name, type: 'checkbox' });
  } else {
    c = el('input', { id, name: field.name, type: 'text', inputMode: field.type === 'number' ? 'decimal' : 'numeric', autocomplete: 'off', spellcheck: false });
  }
  c.addEventListener('change', () => onFieldChange(field));
  return c;
}

function fieldRow(field) {
  const row = el('div', { className: 'field', dataset: { key: field.name } });
  const c = makeControl(field);
  const error = el('p', { id: `error-${field.name}`, className: 'error' });
  const help = el('p', { id: `help-${field.name}`, className: 'help', textContent: field.help });
  c.setAttribute('aria-describedby', `error-${field.name} help-${field.name}`);
  row.append(el('label', { htmlFor: c.id, textContent: field.label }), c, error, help);
  return row;
}

function buildControls() {
  const stage = $('stage-fields'), form = $('settings');
  for (const field of state.tables.fields) {
    const where = PAGE_FIELDS[field.name]?.where;
    (where === 'stage' ? stage : form).append(fieldRow(field));
  }
  form.addEventListener('submit', (e) => e.preventDefault());
}

function showValues() {
  for (const [name, v] of Object.entries(state.values)) {
    const c = control(name);
    if (!c) continue;
    if (c.type === 'checkbox') c.checked = Boolean(v);
    else c.value = String(v);
  }
  control('preset').value = state.preset.name;
  // The preset's words, and where the page starts smaller than the seed (the same result, faster).
  const smaller = Object.entries(PAGE_DEFAULTS[state.preset.name] ?? {})
    .map(([k, v]) => `${fieldOf(k)?.label.toLowerCase() ?? k} ${v}`);
  $('preset-description').textContent = state.preset.description +
    (smaller.length ? ` This page starts it smaller (${smaller.join(', ')}): the same result, in seconds.` : '');
}

function showApplicable() {
  for (const field of state.tables.fields) {
    const row = control(field.name)?.closest('.field');
    if (row) row.hidden = !state.applicable.has(field.name) && field.name !== 'preset';
  }
}

function setError(name, message) {
  const c = control(name);
  if (!c) return;
  $(`error-${name}`).textContent = message ?? '';
  if (message) c.setAttribute('aria-invalid', 'true');
  else c.removeAttribute('aria-invalid');
}

function showErrors() {
  for (const field of state.tables.fields)
    setError(field.name, state.pageErrors[field.name] ?? (state.coreError?.field === field.name ? state.coreError.text : null));
  // An error in the collapsed settings opens them, so it is seen beside its control.
  const where = Object.keys(state.pageErrors)[0] ?? state.coreError?.field;
  if (where && $('settings').contains(control(where)) && !state.failed) {
    $('settings-group').open = true;
    embed?.reveal($('settings-group')); // the widget keeps the settings in its menu
  }
}

const readControl = (field) => (field.type === 'boolean' ? control(field.name).checked : control(field.name).value);

function onFieldChange(field) {
  const result = parse(field, readControl(field));
  stop();
  if (result.error) {
    state.pageErrors[field.name] = `${field.label}: ${result.error}.`;
    state.ready = false;
    showErrors();
    return update();
  }
  delete state.pageErrors[field.name];
  if (field.name === 'preset') {
    forgetData();
    state.preset = state.tables.presets.find((p) => p.name === result.value);
    state.values = presetValues(state.preset);
    state.pageErrors = {};
    state.speed = SPEED.default;
    showValues();
    syncSpeed();
  } else {
    state.values[field.name] = result.value;
  }
  configure();
}

// Build a new trainer for the current values, unless a field is invalid.
function configure() {
  stop();
  state.ready = false;
  document.body.dataset.ready = 'false';
  state.coreError = null;
  const config = { ...state.values, preset: state.preset.name };
  send(MSG.APPLICABLE, { config });
  if (Object.keys(state.pageErrors).length) {
    showErrors();
    return update();
  }
  state.building = true;
  const own = state.ownData;
  send(MSG.CONFIGURE, {
    config,
    data: own && {
      x: { data: own.x, shape: own.shape },
      y: { data: own.y, shape: [own.n, 1] },
      mask: own.mask && { data: own.mask, shape: [own.n, own.positions] },
    },
  });
  writeURL();
  showErrors();
  update();
}

// ---- buttons, status -------------------------------------------------------------------------
const finished = () => ['done', 'diverged'].includes(state.metrics?.status);
const hasErrors = () => Object.keys(state.pageErrors).length > 0 || state.coreError !== null;

// The status line and the buttons follow from the state, in one place.
function update() {
  const ok = state.ready && !hasErrors() && !state.failed;
  $('play').disabled = !ok || finished();
  $('step').disabled = !ok || finished() || state.playing || state.untilStep !== null;
  $('epoch').disabled = !ok || finished() || state.playing;
  $('reset').disabled = !state.run || state.building || Boolean(state.failed);
  $('new-seed').disabled = Object.keys(state.pageErrors).some((k) => k !== 'seed') || !state.run || Boolean(state.failed);
  $('play').textContent = state.playing ? 'Pause' : 'Play';
  $('play').setAttribute('aria-pressed', String(state.playing));
  $('epoch').textContent = state.untilStep !== null ? 'Stop' : 'Epoch';
  $('epoch').setAttribute('aria-pressed', String(state.untilStep !== null));
  setStatus(...statusNow());
}

function statusNow() {
  if (state.failed) return [state.failed, 'bad'];
  if (!state.tables) return ['Loading the model…'];
  if (Object.keys(state.pageErrors).length) {
    const [name] = Object.keys(state.pageErrors);
    return [`Fix the highlighted setting to train: ${state.pageErrors[name]}`, 'bad'];
  }
  if (state.coreError) {
    // Beside its control if that can be seen (the settings open by themselves on an error;
    // an embed with basic controls has none), else in the status line alone.
    const row = control(state.coreError.field ?? '')?.closest('.field');
    const inSettings = row && $('settings-group').contains(row);
    const shownBeside = row && !row.hidden && (inSettings ? $('settings-group').offsetParent !== null : row.offsetParent !== null);
    const f = shownBeside ? fieldOf(state.coreError.field) : null;
    return [f ? `Fix the highlighted setting to train: ${state.coreError.text}` : `This run cannot start: ${state.coreError.text}`, 'bad'];
  }
  if (state.building) return ['Building the model…'];
  if (!state.ready) return ['Loading the model…'];
  const m = state.metrics;
  if (m?.status === 'done') return [`Training done: ${m.message}.`, 'good'];
  if (m?.status === 'diverged') return [`Training ${m.message}`, 'bad'];
  if (state.untilStep !== null) return [`Training to the end of epoch ${Math.ceil(state.untilStep / state.run.stepsPerEpoch)}… (Stop to cancel)`];
  if (state.playing) return ['Training…'];
  if (m?.step) return ['Paused.'];
  return ['Ready: press Play.'];
}

let lastStatus = '';
function setStatus(text, tone = '') {
  if (text === lastStatus) return; // the live region speaks only when the words change
  lastStatus = text;
  const s = $('status');
  s.textContent = text;
  s.className = `status ${tone}`;
}

function play() {
  if ($('play').disabled) return;
  state.playing = true;
  state.untilStep = null;
  update();
  requestFrame();
}

function stop() {
  if (!state.playing && state.untilStep === null) return;
  state.playing = false;
  state.untilStep = null;
  update();
}

// Epoch: train to the end of the current epoch in ticks, so it shows progress and Stop cancels it.
function epoch() {
  if (state.untilStep !== null) return stop();
  if ($('epoch').disabled) return;
  const per = state.run.stepsPerEpoch, step = state.metrics?.step ?? 0;
  state.untilStep = (Math.floor(step / per) + 1) * per;
  update();
  requestFrame();
}

$('play').addEventListener('click', () => (state.playing ? stop() : play()));
$('step').addEventListener('click', () => {
  if (state.inFlight || !state.ready) return;
  state.inFlight = true;
  send(MSG.TICK, { batches: 1 });
});
$('epoch').addEventListener('click', epoch);
$('reset').addEventListener('click', () => {
  stop();
  if (!state.run) return;
  state.building = true;
  state.ready = false;
  document.body.dataset.ready = 'false';
  update();
  send(MSG.RESET);
});
$('new-seed').addEventListener('click', () => {
  const seed = crypto.getRandomValues(new Uint32Array(1))[0];
  control('seed').value = String(seed);
  onFieldChange(fieldOf('seed'));
});

function syncSpeed() {
  $('speed').value = String(state.speed);
  $('speed-value').textContent = String(state.speed);
}
$('speed').addEventListener('input', () => {
  state.speed = Number($('speed').value);
  $('speed-value').textContent = String(state.speed);
});
$('speed').addEventListener('change', () => writeURL());

// Keyboard shortcuts: Space play/pause, s step, e epoch, r reset; not while typing in a field.
// On a focused button Space means play/pause too (its own click is cancelled on keyup).
const SHORTCUTS = { ' ': () => $('play').click(), s: () => $('step').click(), e: () => $('epoch').click(), r: () => $('reset').click() };
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

// ---- messages from the worker --------------------------------------------------------------
function onReady(tables) {
  state.tables = tables;
  document.body.dataset.started = 'true';
  state.constants = tables.constants;
  buildControls();
  readURL();
  applyPageOptions();
  showValues();
  syncSpeed();
  configure();
}

function onConfigured(data) {
  const loaded = state.loading;
  state.loading = null;
  if (loaded) { // a saved run: its preset and values are the run's
    state.preset = state.tables.presets.find((p) => p.name === data.config.preset) ?? state.preset;
    state.values = { ...data.config };
    state.speed = loaded.speed ?? state.speed;
    state.pageErrors = {};
    showValues();
    syncSpeed();
    writeURL();
    runNote(`Loaded: it goes on from step ${data.step ?? '?'}.`);
  }
  state.building = false;
  state.inFlight = false;
  state.ready = true;
  state.coreError = null;
  state.run = data;
  state.applicable = new Set(data.applicable);
  state.metrics = null;
  state.attention = state.positions = state.heads = state.align = null;
  state.points = [];
  state.validations = [];
  state.frames = [];
  state.snapshots = [];
  state.nextSnapshot = 0;
  state.headPoints = [];
  state.headFrames = [];
  state.alignFrames = [];
  if (loaded) restoreRecorded(loaded);
  state.rate = 0;
  showApplicable();
  showErrors();
  applyViews();
  for (const v of views) if (v.spec.applies(state.run)) v.instance.reset(state.run);
  if (loaded) for (const v of views) if (visible(v)) state.dirty.add(v);
  document.body.dataset.ready = 'true';
  update();
  embed?.configured();
  builder?.configured(state.run);
  if (state.autoplay) {
    state.autoplay = false; // only the first model starts by itself
    play();
  }
}

function onProgress({ metrics, attention, positions, heads, align, points, validations, frames, headPoints, headFrames, alignFrames, epochEnds }) {
  if (/^Loading /.test($('model-note').textContent)) modelNote('Loaded the weights: the views show the model with them.');
  state.inFlight = false;
  state.metrics = metrics;
  state.attention = attention;
  state.positions = positions;
  state.heads = heads;
  if (align) state.align = align; // a translation run's alignment is read every few steps
  // samples/s of one request is noisy: show a moving average.
  if (metrics.samples_per_second > 0)
    state.rate = state.rate ? 0.8 * state.rate + 0.2 * metrics.samples_per_second : metrics.samples_per_second;
  state.points.push(...points);
  state.validations.push(...validations);
  state.frames.push(...frames);
  state.headPoints.push(...headPoints);
  state.headFrames.push(...headFrames);
  state.alignFrames.push(...alignFrames);
  const done = metrics.status === 'done' || metrics.status === 'diverged';
  if (positions && (metrics.step >= state.nextSnapshot || done)) {
    state.snapshots.push({ step: metrics.step, epoch: metrics.step / state.run.stepsPerEpoch, values: positions });
    state.nextSnapshot = metrics.step + Math.max(1, Math.round(state.run.totalSteps / SNAPSHOTS));
  }
  if (done) {
    state.playing = false;
    state.untilStep = null;
  } else if (state.untilStep !== null && metrics.step >= state.untilStep) {
    state.untilStep = null;
  }
  for (const v of views)
    if (visible(v)) {
      state.dirty.add(v);
      v.textDirty = Boolean(v.instance.text);
    }
  drawProgress();
  update();
  embed?.progress(epochEnds);
  requestFrame();
}

function onError({ field, message }) {
  state.inFlight = false;
  state.building = false;
  state.ready = false;
  stop();
  const text = inPageWords(message, field, state.tables.fields);
  state.coreError = { field: field && control(field) ? field : null, message, text };
  showErrors();
  update();
}

// ---- your own data ------------------------------------------------------------------------------
function dataNote(text, bad = false) {
  $('data-note').textContent = text;
  $('data-note').className = `note${bad ? ' bad' : ''}`;
}

async function readData(file) {
  $('data-found').hidden = true;
  state.found = null;
  dataNote(`Reading ${shown(file.name)}…`);
  const result = await readCSV(file);
  if (result.error) return dataNote(result.error, true);
  const { data, preview } = result;
  const fits = fittingPresets(data, state.tables.presets, state.tables.tasks);
  const kind = data.T ? `${data.T} time steps of ${data.D} feature${data.D > 1 ? 's' : ''}` : `vectors of ${data.D}`;
  const target = data.binary ? 'targets 0 or 1' : 'targets that are values';
  dataNote(`${data.n} samples of ${kind}, ${target}, ${data.mask ? 'with' : 'without'} a mask of where the answer is.` +
    (fits.length ? '' : ' None of the examples fits data of this kind.'), !fits.length);
  if (!fits.length) return;
  state.found = { data, fits };
  const table = $('data-preview');
  table.tHead.replaceChildren(el('tr', {}, preview.header.map((h) => el('th', { textContent: h }))));
  table.tBodies[0].replaceChildren(...preview.rows.map((r) => el('tr', {}, r.map((v) => el('td', { textContent: String(v ?? '') })))));
  $('data-preset').replaceChildren(...fits.map((f) => new Option(f.preset.label, f.preset.name)));
  $('data-found').hidden = false;
}

function forgetData() {
  state.ownData = null;
  $('data-forget').disabled = true;
$('data-limits').textContent = `Up to ${DATA_LIMITS.bytes / 1e6} MB, ${DATA_LIMITS.rows.toLocaleString('en')} rows, ` +
  `${DATA_LIMITS.positions} time steps and ${DATA_LIMITS.features} features; the run must also fit the memory a trainer may use (1 GB).`;
}

$('data-file').addEventListener('change', () => {
  const file = $('data-file').files[0];
  $('data-file').value = '';
  if (file) readData(file);
});
$('data-drop').addEventListener('dragover', (e) => {
  e.preventDefault();
  $('data-drop').classList.add('over');
});
$('data-drop').addEventListener('dragleave', () => $('data-drop').classList.remove('over'));
$('data-drop').addEventListener('drop', (e) => {
  e.preventDefault();
  $('data-drop').classList.remove('over');
  const file = e.dataTransfer.files[0];
  if (file) readData(file);
});
$('data-train').addEventListener('click', () => {
  const fit = state.found?.fits.find((f) => f.preset.name === $('data-preset').value);
  if (!fit) return;
  state.ownData = state.found.data;
  state.preset = fit.preset;
  state.values = { ...fit.config };
  state.pageErrors = {};
  showValues();
  $('data-forget').disabled = false;
  dataNote(`Training on your ${state.ownData.n} samples (the link does not carry them).`);
  configure();
});
$('data-forget').addEventListener('click', () => {
  forgetData();
  state.values = presetValues(state.preset);
  showValues();
  dataNote('Back to the data the example draws.');
  configure();
});
$('data-forget').disabled = true;
$('data-limits').textContent = `Up to ${DATA_LIMITS.bytes / 1e6} MB, ${DATA_LIMITS.rows.toLocaleString('en')} rows, ` +
  `${DATA_LIMITS.positions} time steps and ${DATA_LIMITS.features} features; the run must also fit the memory a trainer may use (1 GB).`;

// ---- the model as TF.js's LayersModel ---------------------------------------------------------
function modelNote(text, bad = false) {
  $('model-note').textContent = text;
  $('model-note').className = `note${bad ? ' bad' : ''}`;
}

$('model-export').addEventListener('click', () => {
  if (!state.ready) return modelNote('There is no model yet.', true);
  send(MSG.EXPORT_MODEL);
});

function onModelExported({ modelJson, weights, problem }) {
  if (problem) return modelNote(`This model cannot be exported: ${problem}`, true);
  download.save(download.json(modelJson), 'model.json');
  download.save(new Blob([weights], { type: 'application/octet-stream' }), 'model.weights.bin');
  modelNote('Downloaded model.json and model.weights.bin.');
}

// Both files of a LayersModel, chosen together: model.json and its weights.
$('model-import').addEventListener('change', async () => {
  const files = [...$('model-import').files];
  $('model-import').value = '';
  const json = files.find((f) => f.name.endsWith('.json')), bin = files.find((f) => f.name.endsWith('.bin'));
  if (!json || !bin) return modelNote('Choose both files at once: model.json and its .bin weights.', true);
  let modelJson;
  try {
    modelJson = JSON.parse(await json.text());
  } catch {
    return modelNote(`${shown(json.name)} is not JSON.`, true);
  }
  stop();
  send(MSG.IMPORT_MODEL, { modelJson, weights: await bin.arrayBuffer() });
  modelNote(`Loading ${shown(json.name)}…`);
});

// ---- saving and loading a run ----------------------------------------------------------------
// The page's file: the core's saved run (base64) and what the page recorded of it.
const RUN_FORMAT = 'attention-playground-run';
const RUN_VERSION = 1;

function bytesToBase64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function runNote(text, bad = false) {
  $('run-file-note').textContent = text;
  $('run-file-note').className = `note${bad ? ' bad' : ''}`;
}

$('run-save').addEventListener('click', () => {
  if (!state.run || state.building) return runNote('There is no run to save yet.', true);
  stop();
  send(MSG.SAVE_RUN);
});

function onRunSaved({ bytes }) {
  const file = {
    format: RUN_FORMAT, version: RUN_VERSION, preset: state.preset.name, values: state.values, speed: state.speed,
    points: state.points, validations: state.validations, frames: state.frames, snapshots: state.snapshots,
    headPoints: state.headPoints, headFrames: state.headFrames, alignFrames: state.alignFrames,
    core: bytesToBase64(bytes),
  };
  download.save(download.json(file), `attention-run-${state.preset.name}-step-${state.metrics?.step ?? 0}.json`);
  runNote(`Saved at step ${state.metrics?.step ?? 0}.`);
}

$('run-load').addEventListener('change', async () => {
  const input = $('run-load');
  const file = input.files[0];
  input.value = '';
  if (!file) return;
  let saved;
  try {
    saved = JSON.parse(await file.text());
  } catch {
    return runNote(`${shown(file.name)} is not a saved run: it is not JSON.`, true);
  }
  if (saved?.format !== RUN_FORMAT || typeof saved.core !== 'string')
    return runNote(`${shown(file.name)} is not a saved run of this page.`, true);
  if (saved.version !== RUN_VERSION)
    return runNote(`${shown(file.name)} was saved in format ${shown(saved.version)}; this page reads format ${RUN_VERSION}.`, true);
  let bytes;
  try {
    bytes = Uint8Array.from(atob(saved.core), (c) => c.charCodeAt(0));
  } catch {
    return runNote(`${shown(file.name)} is damaged: its run is not readable.`, true);
  }
  stop();
  state.loading = saved; // its recorded curves and moments come back once the worker has the run
  state.building = true;
  update();
  send(MSG.LOAD_RUN, { bytes });
});

// The arrays a saved run brings (typed arrays were saved as plain arrays).
function restoreRecorded(saved) {
  const typed = (a) => (a ? Float32Array.from(a) : null);
  state.points = saved.points ?? [];
  state.validations = saved.validations ?? [];
  state.frames = (saved.frames ?? []).map((f) => ({ ...f, attention: typed(f.attention), mask: typed(f.mask) }));
  state.snapshots = (saved.snapshots ?? []).map((x) => ({ ...x, values: typed(x.values) }));
  state.headPoints = saved.headPoints ?? [];
  state.headFrames = (saved.headFrames ?? []).map((f) => ({ ...f, attention: typed(f.attention) }));
  state.alignFrames = (saved.alignFrames ?? []).map((f) => ({ ...f, attention: typed(f.attention), output: typed(f.output) }));
  state.nextSnapshot = (state.snapshots.at(-1)?.step ?? -1) + 1;
}

function onMessage({ data }) {
  switch (data.type) {
    case MSG.READY: return onReady(data);
    case MSG.FIELDS:
      state.applicable = new Set(data.applicable);
      return showApplicable();
    case MSG.CONFIGURED: return onConfigured(data);
    case MSG.PROGRESS: return onProgress(data);
    case MSG.SAMPLE_DATA: {
      const v = views.find((x) => x.spec.name === 'explorer');
      if (!v || !visible(v)) return;
      v.instance.samples(data.samples, state.run); // kept; drawn on a frame
      state.dirty.add(v);
      return requestFrame();
    }
    case MSG.TRANSLATED: {
      const v = views.find((x) => x.spec.name === 'alignment');
      return v?.instance.translated(data);
    }
    case MSG.RUN_SAVED: return onRunSaved(data);
    case MSG.MODEL_EXPORTED: return onModelExported(data);
    case MSG.ERROR:
      if (data.field === 'model') return modelNote(`These weights do not fit this model: ${data.message.replace(/^[a-z_]+: /, '')}`, true);
      if (data.field === 'run') {
        state.loading = null;
        state.building = false;
        update();
        return runNote(`The file's run could not be loaded: ${data.message.replace(/^run: /, '')}.`, true);
      }
      return onError(data);
    case MSG.FAILED: return cannotRun(engineFailed(data));
  }
}

// ---- drawing, once per frame -------------------------------------------------------------
let frameRequested = false;
function requestFrame() {
  if (frameRequested) return;
  frameRequested = true;
  requestAnimationFrame(frame);
}

// Each view redraws at most every `every` ms (they change slowly), only while on the
// screen, and at most one per frame, in turn, so a frame's work stays well below 50 ms.
let turn = 0;
function frame(now) {
  frameRequested = false;
  const idle = !state.playing && state.untilStep === null; // when training stops, catch up at once
  let pending = false;
  // Off the screen a view keeps its words current (captions, text alternatives), not its chart.
  for (const v of views) {
    if (v.onscreen || !v.textDirty) continue;
    if (!idle && now - v.lastText < 500) {
      pending = true;
      continue;
    }
    v.instance.text(state);
    v.lastText = now;
    v.textDirty = false;
  }
  for (let k = 0; k < views.length; k++) {
    const v = views[(turn + k) % views.length];
    if (!state.dirty.has(v) || !v.onscreen) continue;
    if (!idle && now - v.last < v.spec.every) {
      pending = true;
      continue;
    }
    state.dirty.delete(v);
    v.instance.update(state);
    v.last = now;
    v.textDirty = false;
    turn = (turn + k + 1) % views.length;
    pending = true;
    break;
  }
  if (pending) requestFrame();
  if ((state.playing || state.untilStep !== null) && !state.inFlight && state.ready) {
    state.inFlight = true;
    const batches = state.untilStep !== null ? Math.min(state.speed, state.untilStep - (state.metrics?.step ?? 0)) : state.speed;
    send(MSG.TICK, { batches: Math.max(1, batches) });
  }
}

// One training number, explained: the stats show the mean of the last batches (the curves'
// line), as their labels and tooltips say.
function drawProgress() {
  const m = state.metrics;
  const accuracy = state.run.task.metric === 'accuracy';
  const shown = {
    epoch: String(m.epoch),
    step: String(m.step),
    samples_per_second: state.rate ? Math.round(state.rate).toLocaleString('en') : '–',
    loss: fmt(m.recent_loss),
    metric: fmt(m.recent_metric),
    on_target: fmt(m.recent_attention_on_target, 3),
    val_loss: fmt(m.val_loss),
    val_metric: fmt(m.val_metric),
  };
  for (const [key, text] of Object.entries(shown)) setText(document.querySelector(`#progress [data-metric="${key}"]`), text);
  setText($('metric-label'), accuracy ? 'Accuracy' : 'MAE');
  setText($('val-metric-label'), accuracy ? 'Val. accuracy' : 'Val. MAE');
  setText($('epochs-total'), String(state.run.config.epochs));
  $('progress-bar').value = state.run.totalSteps ? m.step / state.run.totalSteps : 0;
}

// Only a change of text costs the browser a layout.
function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

// ---- the URL: the whole state, so a shared link reproduces the run -----------------------
function pageOptions() {
  const keep = EMBED ? EMBED_OPTIONS : [];
  const options = Object.fromEntries(Object.entries(state.options).filter(([k]) => keep.includes(k)));
  if (state.speed !== SPEED.default) options.speed = state.speed;
  return options;
}

function writeURL() {
  const query = toURL(state.preset, state.values, pageOptions()).toString();
  history.replaceState(null, '', query ? `?${query}` : location.pathname);
  const settings = toURL(state.preset, state.values, state.speed !== SPEED.default ? { speed: state.speed } : {});
  $('full-page').href = `index.html?${settings}`;
  // Discovery for oEmbed consumers that run scripts: the current preset's file (scripts/oembed.mjs).
  const oembed = document.querySelector('link[type="application/json+oembed"]');
  if (oembed) oembed.href = new URL(`oembed/${state.preset.name}.json`, oembed.href).href;
  builder?.update();
}

function readURL() {
  const { preset, values, options, notes } = fromURL(new URLSearchParams(location.search), { ...state.tables, views: VIEW_NAMES });
  state.preset = preset;
  state.values = { ...presetValues(preset), ...values };
  state.options = options;
  state.speed = options.speed ?? SPEED.default;
  if (notes.length) {
    const note = $('url-note');
    note.hidden = false;
    note.textContent = `From the link: ${notes.join('; ')}.`; // text only: never parsed as HTML
  }
}

// Embed mode: which controls, the lesson text, autoplay.
function applyPageOptions() {
  document.body.dataset.controls = state.options.controls ?? (EMBED ? 'basic' : 'full');
  if (state.options.text) document.body.dataset.text = state.options.text;
  const reduced = matchMedia('(prefers-reduced-motion: reduce)').matches;
  state.autoplay = state.options.autoplay === 'always' || (state.options.autoplay === '1' && !reduced);
  applyViews();
}

// ---- start ---------------------------------------------------------------------------------
// When something the page needs is missing, it says so in words, with what to do.
function cannotRun(message) {
  state.failed = message;
  $('notice').hidden = false;
  $('notice').textContent = message;
  embed?.failed(message); // the widget: the link to the full page
  update();
}

// The worker's module could not start: a policy that forbids WebAssembly, in words.
function engineFailed({ message, blocked }) {
  if (blocked === 'wasm-eval' || /wasm-(unsafe-)?eval|Content Security Policy/i.test(message))
    return 'The Content-Security-Policy this demo is served with does not allow WebAssembly (its script-src needs \'wasm-unsafe-eval\'), and the training engine is WebAssembly: the demo cannot run here.';
  return `The training engine could not start in this browser: ${message}`;
}

// The document sees the violation when its policy blocks the worker (worker-src).
let workerBlocked = null;
document.addEventListener('securitypolicyviolation', (e) => {
  if (/worker\.js$/.test(e.blockedURI) || e.effectiveDirective === 'worker-src') workerBlocked = e.effectiveDirective;
});
const workerFailed = (detail) => (workerBlocked
  ? `The Content-Security-Policy this demo is served with does not allow its Web Worker (${workerBlocked}), which does the training: the demo cannot run here.`
  : `The training worker ${detail}.`);

function start() {
  buildViews();
  if (EMBED) embed = compactWidget({ $, state, views, asked: askedViews, play, stop, embedOptions: EMBED_OPTIONS });
  else builder = embedBuilder({ $, state, embedDefaultViews });
  update();
  if (location.protocol === 'file:')
    return cannotRun('This page was opened from a file. Browsers run its training engine (a Web Worker and WebAssembly) only from a web server: run `npm start` and open http://127.0.0.1:8080, or put the dist/ folder on any static host.');
  if (typeof WebAssembly !== 'object' || typeof Worker !== 'function')
    return cannotRun('This browser has no WebAssembly or no Web Workers, which the training engine needs. Try a current Firefox, Chrome, Edge or Safari.');
  if (self.origin === 'null')
    return cannotRun(`This demo is in a frame whose sandbox lacks allow-same-origin, so it cannot load its training engine (a Web Worker and WebAssembly from its own site).${EMBED ? ' Open the full page instead, or ask the site to add allow-same-origin to the iframe\'s sandbox.' : ''}`);
  try {
    worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  } catch (e) {
    return cannotRun(workerFailed(`could not start (${shown(e.message)}); a Content-Security-Policy without worker-src 'self' blocks it`));
  }
  worker.onmessage = onMessage;
  // A violation event comes with the error event of a blocked worker: read it a moment later.
  worker.onerror = (e) => setTimeout(() => cannotRun(workerFailed(`failed: ${e.message || 'it could not load (a Content-Security-Policy may block it)'}`)), 50);
}

start();
