// The page: builds the controls from the settings table, talks to the worker that owns the
// model, and draws the latest state at most once per animation frame. Training is paced by
// the frames: while playing, each frame asks the worker for `speed` batches (one request in
// flight at a time), so the page never falls behind and Pause stops at once.
import { MSG } from './protocol.js';
import { SETTINGS, SPEED, VIEWS, defaultFor, parse, toConfig, isRecurrent, fromURL, toURL } from './settings.js';
import { CurveChart } from './charts/line.js';
import { BarChart } from './charts/bars.js';
import { Heatmap, RasterHeatmap } from './charts/heatmap.js';
import { viridisGradient } from './charts/colors.js';

const $ = (id) => document.getElementById(id);
// embed.html is this page with <body data-mode="embed">: compact, configured by its URL.
const EMBED = document.body.dataset.mode === 'embed';
const EMBED_OPTIONS = ['views', 'autoplay', 'controls', 'text']; // kept in an embed's URL
const fmt = (v, digits = 4) => (Number.isFinite(v) ? v.toFixed(digits) : '–');

// ---- state ---------------------------------------------------------------------------------
const state = {
  values: {},        // setting key -> parsed value
  errors: {},        // setting key -> message shown beside it
  speed: SPEED.default.dense,
  playing: false,
  inFlight: false,   // a request is with the worker
  ready: false,      // a trainer exists for the current settings
  run: null,         // { config, stepsPerEpoch, totalSteps }
  metrics: null,
  attention: null,   // { data, shape }: the attention as the core returns it
  positions: null,   // Float32Array: the attention averaged over dimensions, per position
  points: [],        // every recorded { step, epoch, loss, accuracy } (means of the last 20 batches)
  validation: { val_loss: [], val_accuracy: [] },
  snapshots: [],     // { step, epoch, values }
  scrub: null,       // chosen snapshot index, or null to follow the latest
  rate: 0,           // samples per second, smoothed
  options: {},       // page options from the URL (views, autoplay, controls, text, speed)
  autoplay: false,   // start playing once the first model is built
  offscreen: false,  // embed: paused because scrolled out of view (resume when back)
  dirty: new Set(),  // what to redraw on the next frame
  newPoints: [],     // points not yet drawn
};

const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
const send = (type, fields = {}) => worker.postMessage({ type, ...fields });

// ---- charts --------------------------------------------------------------------------------
const charts = {
  attention: new BarChart($('chart-attention'), { xTitle: 'position', yTitle: 'attention weight', yMin: 0 }),
  heatmap: new Heatmap($('chart-heatmap'), { xTitle: 'dimension', yTitle: 'time step' }),
  loss: new CurveChart($('chart-loss'), { label: 'loss' }),
  accuracy: new CurveChart($('chart-accuracy'), { label: 'accuracy', yMax: 1 }),
  history: new RasterHeatmap($('chart-history'), {
    xTitle: 'position', yTitle: 'epoch',
    yLabel: (row) => (state.snapshots[row] ? state.snapshots[row].epoch.toFixed(2) : ''),
  }),
  historyAt: new BarChart($('chart-history-at'), { xTitle: 'position', yTitle: 'weight', yMin: 0 }),
  samples: [0, 1].map((i) => new BarChart($(`chart-sample-${i}`), { xTitle: 'position', yTitle: 'value' })),
};
for (const ramp of document.querySelectorAll('.legend .ramp')) ramp.style.background = viridisGradient;

// ---- controls from the settings table ------------------------------------------------------
function buildControls() {
  const form = $('settings');
  for (const s of SETTINGS) {
    const row = document.createElement('div');
    row.className = 'field';
    row.dataset.key = s.key;
    const id = `field-${s.key}`;
    const label = Object.assign(document.createElement('label'), { htmlFor: id, textContent: s.label });
    let control;
    if (s.kind === 'choice') {
      control = document.createElement('select');
      for (const [value, text] of s.options) control.append(new Option(text, value));
    } else {
      control = Object.assign(document.createElement('input'), { type: 'text', inputMode: s.kind === 'integer' ? 'numeric' : 'decimal' });
      control.autocomplete = 'off';
      control.spellcheck = false;
    }
    control.id = id;
    control.name = s.key;
    const error = Object.assign(document.createElement('p'), { id: `error-${s.key}`, className: 'error' });
    error.setAttribute('aria-live', 'polite');
    control.setAttribute('aria-describedby', `error-${s.key}` + (s.help ? ` help-${s.key}` : ''));
    row.append(label, control, error);
    if (s.help) row.append(Object.assign(document.createElement('p'), { id: `help-${s.key}`, className: 'help', textContent: s.help }));
    control.addEventListener('change', () => onFieldChange(s));
    form.append(row);
  }
  form.addEventListener('submit', (e) => e.preventDefault());
}

function control(key) {
  return $(`field-${key}`);
}

// On a model change: the new model's defaults for the settings whose default depends on it.
function applyDefaults(model) {
  for (const s of SETTINGS) {
    if (s.group === 'model' || typeof s.default !== 'object') continue;
    const v = defaultFor(s, model);
    state.values[s.key] = v;
    control(s.key).value = String(v);
    setError(s.key, null);
  }
  state.speed = defaultSpeed({ model });
  $('speed').value = String(state.speed);
  $('speed-value').textContent = String(state.speed);
}

function setError(key, message) {
  const c = control(key);
  if (message) {
    state.errors[key] = message;
    $(`error-${key}`).textContent = message;
    c.setAttribute('aria-invalid', 'true');
  } else {
    delete state.errors[key];
    $(`error-${key}`).textContent = '';
    c.removeAttribute('aria-invalid');
  }
}

function syncDisabled() {
  const recurrent = isRecurrent(state.values);
  for (const s of SETTINGS) {
    if (!s.recurrentOnly) continue;
    control(s.key).disabled = !recurrent;
    control(s.key).closest('.field').classList.toggle('disabled', !recurrent);
  }
}

function onFieldChange(s) {
  const result = parse(s, control(s.key).value);
  if (result.error) {
    setError(s.key, `${s.label}: ${result.error}.`);
    stop();
    state.ready = false;
    syncButtons();
    return;
  }
  setError(s.key, null);
  state.values[s.key] = result.value;
  if (s.key === 'model') {
    applyDefaults(result.value);
    syncDisabled();
  }
  configure();
}

// Build a new trainer for the current values, unless a field is invalid.
function configure() {
  stop();
  state.ready = false;
  syncButtons();
  if (Object.keys(state.errors).length) return;
  setStatus('Building the model…');
  send(MSG.CONFIGURE, { config: toConfig(state.values) });
  writeURL();
}

// ---- the URL: the whole state, so a shared link reproduces the run -----------------------
const defaultSpeed = (values) => SPEED.default[isRecurrent(values) ? 'recurrent' : 'dense'];
// { speed } when it differs from the model's default: for the URL and the embed code.
const speedOption = () => (state.speed !== defaultSpeed(state.values) ? { speed: state.speed } : {});

function pageOptions() {
  const keep = EMBED ? EMBED_OPTIONS : [];
  return { ...Object.fromEntries(Object.entries(state.options).filter(([k]) => keep.includes(k))), ...speedOption() };
}

function writeURL() {
  const query = toURL(state.values, pageOptions()).toString();
  history.replaceState(null, '', query ? `?${query}` : location.pathname);
  const settings = toURL(state.values, speedOption());
  $('full-page').href = `index.html${settings.size ? `?${settings}` : ''}`;
  updateEmbedCode();
}

function readURL() {
  const { values, options, notes } = fromURL(new URLSearchParams(location.search));
  state.values = values;
  state.options = options;
  for (const s of SETTINGS) control(s.key).value = String(values[s.key]);
  state.speed = options.speed ?? defaultSpeed(values);
  $('speed').value = String(state.speed);
  $('speed-value').textContent = String(state.speed);
  if (notes.length) {
    const note = $('url-note');
    note.hidden = false;
    note.textContent = `From the link: ${notes.join('; ')}.`; // text only: never parsed as HTML
  }
}

// Embed mode: which views, which controls, the lesson text, autoplay.
function applyPageOptions() {
  const views = state.options.views ?? (EMBED ? ['attention', 'loss'] : VIEWS);
  for (const fig of document.querySelectorAll('[data-view]'))
    fig.toggleAttribute('data-off', !views.includes(fig.dataset.view));
  document.body.dataset.controls = state.options.controls ?? (EMBED ? 'basic' : 'full');
  if (state.options.text) document.body.dataset.text = state.options.text;
  const reduced = matchMedia('(prefers-reduced-motion: reduce)').matches;
  state.autoplay = state.options.autoplay === 'always' || (state.options.autoplay === '1' && !reduced);
}

// ---- buttons -------------------------------------------------------------------------------
function syncButtons() {
  const ok = state.ready && Object.keys(state.errors).length === 0;
  const finished = ['done', 'diverged'].includes(state.metrics?.status);
  $('play').disabled = !ok || finished;
  $('step').disabled = !ok || finished || state.playing;
  $('epoch').disabled = !ok || finished || state.playing;
  $('reset').disabled = !ok && !finished;
  $('new-seed').disabled = Object.keys(state.errors).some((k) => k !== 'seed') || !state.run;
  $('play').textContent = state.playing ? 'Pause' : 'Play';
  $('play').setAttribute('aria-pressed', String(state.playing));
}

function play() {
  if ($('play').disabled) return;
  state.playing = true;
  syncButtons();
  setStatus('Training…');
  requestFrame();
}

function stop() {
  if (!state.playing) return;
  state.playing = false;
  syncButtons();
  if (state.metrics?.status === 'training') setStatus('Paused.');
}

function request(type, fields) {
  if (state.inFlight || !state.ready) return;
  state.inFlight = true;
  send(type, fields);
}

$('play').addEventListener('click', () => (state.playing ? stop() : play()));
$('step').addEventListener('click', () => request(MSG.STEP));
$('epoch').addEventListener('click', () => {
  setStatus('Training to the end of the epoch…');
  request(MSG.EPOCH);
});
$('reset').addEventListener('click', () => {
  stop();
  if (state.ready || state.run) {
    state.inFlight = true;
    send(MSG.RESET);
  }
});
$('new-seed').addEventListener('click', () => {
  const seed = crypto.getRandomValues(new Uint32Array(1))[0];
  control('seed').value = String(seed);
  onFieldChange(SETTINGS.find((s) => s.key === 'seed'));
});
$('speed').addEventListener('input', () => {
  state.speed = Number($('speed').value);
  $('speed-value').textContent = String(state.speed);
});
$('speed').addEventListener('change', () => writeURL());

// Keyboard shortcuts, only when the focus is not in a field or on a control.
document.addEventListener('keydown', (e) => {
  if (e.ctrlKey || e.metaKey || e.altKey || e.target.closest?.('input, select, textarea, button, summary')) return;
  const actions = { ' ': () => $('play').click(), s: () => $('step').click(), e: () => $('epoch').click(), r: () => $('reset').click() };
  const action = actions[e.key];
  if (action) {
    e.preventDefault();
    action();
  }
});

// ---- messages from the worker --------------------------------------------------------------
const FIELD_OF_CONFIG = { preset: 'model', single_attention_vector: 'vector' };

worker.onmessage = ({ data }) => {
  switch (data.type) {
    case MSG.READY:
      configure();
      break;
    case MSG.CONFIGURED:
      onConfigured(data);
      break;
    case MSG.PROGRESS:
      onProgress(data);
      break;
    case MSG.ERROR: {
      state.inFlight = false;
      stop();
      const key = FIELD_OF_CONFIG[data.field] ?? data.field;
      if (key && control(key)) {
        state.ready = false;
        setError(key, data.message);
        setStatus('Fix the highlighted setting to train.', 'bad');
      } else {
        setStatus(`Error: ${data.message}`, 'bad');
      }
      syncButtons();
      break;
    }
  }
};
worker.onerror = (e) => setStatus(`The training worker failed: ${e.message}`, 'bad');

function onConfigured({ config, summary, samples, stepsPerEpoch, totalSteps }) {
  state.inFlight = false;
  state.ready = true;
  state.run = { config, stepsPerEpoch, totalSteps };
  state.points = [];
  state.newPoints = [];
  state.snapshots = [];
  state.scrub = null;
  state.rate = 0;
  state.validation = { val_loss: [], val_accuracy: [] };
  charts.loss.reset(config.epochs);
  charts.accuracy.reset(config.epochs);
  $('loss-data').querySelector('tbody').replaceChildren();
  renderSummary(summary);
  renderSamples(samples, config);
  document.body.dataset.ready = 'true';
  setStatus('Ready: press Play.');
  syncButtons();
  if (state.autoplay) {
    state.autoplay = false; // only the first model starts by itself
    play();
  }
}

function onProgress({ metrics, attention, positions, history, points, snapshots }) {
  state.inFlight = false;
  state.metrics = metrics;
  state.attention = attention;
  state.positions = positions;
  // samples/s of one request is noisy: show a moving average.
  if (metrics.samples_per_second > 0)
    state.rate = state.rate ? 0.8 * state.rate + 0.2 * metrics.samples_per_second : metrics.samples_per_second;
  state.validation = history;
  state.points.push(...points);
  state.newPoints.push(...points);
  if (snapshots.length) {
    state.snapshots.push(...snapshots);
    state.dirty.add('history');
  }
  state.dirty.add('progress').add('attention').add('curves').add('heatmap');
  if (metrics.status === 'done' || metrics.status === 'diverged') {
    state.playing = false;
    if (metrics.status === 'done') setStatus(`Training done: ${metrics.message}.`, 'good');
    else setStatus(`Training ${metrics.message}`, 'bad'); // "diverged: the loss rose ..." 
  } else if (!state.playing) {
    setStatus(metrics.step ? 'Paused.' : 'Ready: press Play.');
  }
  syncButtons();
  requestFrame();
}

// ---- drawing, once per frame -------------------------------------------------------------
let frameRequested = false;
function requestFrame() {
  if (frameRequested) return;
  frameRequested = true;
  requestAnimationFrame(frame);
}

// The cheap views redraw every frame. The costly ones (5 to 30 ms each on a slow machine)
// redraw at most one per frame, in turn, and each at most every `every` ms: they change
// slowly, and a frame's work must stay well below 50 ms.
const HEAVY = {
  curves: { draw: () => drawCurves(), every: 100, last: 0 },
  heatmap: { draw: () => drawHeatmap(), every: 250, last: 0 },
  history: { draw: () => drawHistory(), every: 500, last: 0 },
};
const HEAVY_ORDER = Object.keys(HEAVY);
let heavyTurn = 0;

function frame(now) {
  frameRequested = false;
  if (state.dirty.delete('progress')) drawProgress();
  if (state.dirty.delete('attention')) drawAttention();
  const finished = !state.playing; // when training stops, catch up without waiting
  for (let k = 0; k < HEAVY_ORDER.length; k++) {
    const name = HEAVY_ORDER[(heavyTurn + k) % HEAVY_ORDER.length];
    const view = HEAVY[name];
    if (state.dirty.has(name) && (finished || now - view.last >= view.every)) {
      state.dirty.delete(name);
      view.draw();
      view.last = now;
      heavyTurn = (heavyTurn + k + 1) % HEAVY_ORDER.length;
      break;
    }
  }
  if (state.dirty.size) requestFrame(); // the rest on the next frames
  if (state.playing && !state.inFlight && state.ready) {
    state.inFlight = true;
    send(MSG.TICK, { batches: state.speed });
  }
}

function setStatus(text, tone = '') {
  const el = $('status');
  el.textContent = text;
  el.className = `status ${tone}`;
}

function drawProgress() {
  const m = state.metrics;
  const total = state.run.totalSteps;
  const epochs = state.run.config.epochs;
  const shown = {
    epoch: String(m.epoch),
    step: String(m.step),
    samples_per_second: state.rate ? Math.round(state.rate).toLocaleString('en') : '–',
    loss: fmt(m.loss),
    accuracy: fmt(m.metric),
    val_loss: fmt(m.val_loss),
    val_accuracy: fmt(m.val_metric),
  };
  for (const [key, text] of Object.entries(shown)) document.querySelector(`#progress [data-metric="${key}"]`).textContent = text;
  $('epochs-total').textContent = String(epochs);
  $('progress-bar').value = total ? m.step / total : 0;
}

const argmax = (v) => v.reduce((best, x, i) => (x > v[best] ? i : best), 0);

function drawAttention() {
  const { config } = state.run;
  const values = Array.from(state.positions);
  const expected = config.attention_column;
  charts.attention.update(values, expected);
  const peak = argmax(values);
  $('attention-peak').textContent = String(peak);
  $('attention-expected').textContent = String(expected);
  const where = config.preset === 'dense' ? 'input positions' : 'time steps';
  $('attention-detail').textContent = `Its weight there is ${values[peak].toFixed(3)}; spread evenly over the ${values.length} ${where} it would be ${(1 / values.length).toFixed(3)}. Averaged over ${config.test_samples} held-out examples${state.attention.shape.length > 1 ? ' and the dimensions' : ''}.`;
  const table = $('attention-data');
  if (table.open) fillTable(table, values.map((v, i) => [i === expected ? `${i} ★` : String(i), v.toFixed(4)]));
}

function drawHeatmap() {
  const { config } = state.run;
  const expected = config.attention_column;
  const perDimension = config.preset !== 'dense' && !config.single_attention_vector;
  $('heatmap-figure').hidden = !perDimension;
  if (perDimension) {
    const [T, F] = state.attention.shape;
    const rows = Array.from({ length: T }, (_, t) => Array.from(state.attention.data.subarray(t * F, (t + 1) * F)));
    charts.heatmap.update(rows);
    const max = Math.max(...state.attention.data);
    $('heatmap-max').textContent = max.toFixed(3);
    const source = config.preset.endsWith('before') ? 'input dimension' : 'unit of the recurrent layer';
    $('heatmap-caption').textContent = `Each column is one ${source} (${F} in all), each row a time step; brighter is more attention. The brightest row is step ${argmax(rows.map((r) => Math.max(...r)))}; the answer is at step ${expected}.`;
  }
}

function drawCurves() {
  const pts = state.newPoints;
  state.newPoints = [];
  charts.loss.update(pts.map((p) => ({ x: p.epoch, y: p.loss })), state.validation.val_loss);
  charts.accuracy.update(pts.map((p) => ({ x: p.epoch, y: p.accuracy })), state.validation.val_accuracy);
  // The table is kept current even while closed (a few rows per redraw), so it is complete
  // the moment it is opened.
  const table = $('loss-data');
  const shown = table.querySelector('tbody').rows.length; // rows already in the table
  appendRows(table, state.points.slice(shown).map(pointRow));
  const first = state.points[0];
  const last = state.points.at(-1);
  if (first && last)
    $('loss-caption').textContent = `Binary cross-entropy: ${first.loss.toFixed(3)} after the first recorded step, ${last.loss.toFixed(3)} now (mean of the last 20 batches, line); validation at each epoch's end (diamonds)${state.validation.val_loss.length ? `: last ${state.validation.val_loss.at(-1).toFixed(3)}` : ''}.`;
  if (last)
    $('accuracy-caption').textContent = `The share of answers right (0.5 is guessing): ${last.accuracy.toFixed(3)} in training now${state.validation.val_accuracy.length ? `, ${state.validation.val_accuracy.at(-1).toFixed(3)} on validation` : ''}.`;
}

const pointRow = (p) => [String(p.step), p.epoch.toFixed(3), p.loss.toFixed(4), p.accuracy.toFixed(4)];

function drawHistory() {
  const snaps = state.snapshots;
  if (!snaps.length) return;
  charts.history.update(snaps.map((s) => Array.from(s.values)));
  $('history-max').textContent = Math.max(...snaps.map((s) => Math.max(...s.values))).toFixed(3);
  const scrub = $('history-scrub');
  scrub.max = String(snaps.length - 1);
  if (state.scrub === null) scrub.value = String(snaps.length - 1);
  drawHistoryAt();
}

function drawHistoryAt() {
  const snaps = state.snapshots;
  const i = Math.min(Number($('history-scrub').value), snaps.length - 1);
  const s = snaps[i];
  if (!s) return;
  const expected = state.run.config.attention_column;
  charts.historyAt.update(s.values, expected);
  const peak = argmax(Array.from(s.values));
  const when = s.step === 0 ? 'the start' : `epoch ${s.epoch.toFixed(2)} (step ${s.step})`;
  $('history-when').textContent = when;
  $('history-scrub').setAttribute('aria-valuetext', `${when}: peak at position ${peak}`);
}

$('history-scrub').addEventListener('input', () => {
  const i = Number($('history-scrub').value);
  state.scrub = i === state.snapshots.length - 1 ? null : i;
  drawHistoryAt();
});

// ---- tables and the static views ---------------------------------------------------------
function fillTable(details, rows) {
  details.querySelector('tbody').replaceChildren(...rows.map(makeRow));
}

function appendRows(details, rows) {
  details.querySelector('tbody').append(...rows.map(makeRow));
}

function makeRow(cells) {
  const tr = document.createElement('tr');
  for (const text of cells) tr.append(Object.assign(document.createElement('td'), { textContent: text }));
  return tr;
}

$('attention-data').addEventListener('toggle', () => {
  if ($('attention-data').open && state.attention) drawAttention();
});

function renderSummary(rows) {
  $('summary').querySelector('tbody').replaceChildren(
    ...rows.map((r) => makeRow([r.name, r.kind, r.output_shape, r.params.toLocaleString('en')])));
  const total = rows.reduce((s, r) => s + r.params, 0);
  $('summary-caption').textContent = `${rows.length} layers, ${total.toLocaleString('en')} trainable parameters. Shapes as Keras prints them: None is the batch.`;
}

function renderSamples(samples, config) {
  const recurrent = config.preset !== 'dense';
  samples.forEach((s, i) => {
    // Dense: the input vector. Recurrent: dimension 0 of the sequence over time.
    const dims = recurrent ? s.shape[1] : 1;
    const values = Array.from({ length: s.shape[0] }, (_, p) => s.data[p * dims]);
    charts.samples[i].update(values, config.attention_column);
  });
  const answers = samples.map((s) => (recurrent ? s.data[config.attention_column * s.shape[1]] : s.data[config.attention_column]));
  $('samples-caption').textContent = `${recurrent ? 'Dimension 0 of two sequences, over time' : 'Two input vectors'}. Everything is random noise except position ${config.attention_column} (★), which holds the answer: ${answers.map((a) => a.toFixed(0)).join(' and ')} here.`;
}

// ---- embedding: the code to copy; in an iframe, a good guest -----------------------------
function updateEmbedCode() {
  const params = toURL(state.values, { views: ['attention', 'loss'], ...speedOption() });
  const base = new URL('.', location.href);
  const src = new URL(`embed.html?${params}`, base).href;
  const model = isRecurrent(state.values)
    ? `${state.values.model.toUpperCase()}, attention ${state.values.placement} it`
    : 'Dense';
  // allow-scripts: the demo runs; allow-same-origin: its worker and .wasm load from its own
  // origin; allow-popups: the "Open the full page" link. Nothing else.
  const esc = (t) => t.replaceAll('&', '&amp;').replaceAll('"', '&quot;');
  $('embed-code').value =
    `<iframe src="${esc(src)}" title="Attention demo (${esc(model)})" loading="lazy" ` +
    `sandbox="allow-scripts allow-same-origin allow-popups" ` +
    `style="width:100%;max-width:700px;aspect-ratio:4/3;border:0"></iframe>\n` +
    `<script src="${esc(new URL('embed-host.js', base).href)}" async></script>`;
}

$('embed-open').addEventListener('click', () => {
  const open = $('embed-panel').hidden;
  $('embed-panel').hidden = !open;
  $('embed-open').setAttribute('aria-expanded', String(open));
  if (open) updateEmbedCode();
});
$('embed-copy').addEventListener('click', async () => {
  const text = $('embed-code').value;
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    $('embed-code').select(); // no clipboard access (e.g. not a secure context): select it
    document.execCommand?.('copy');
  }
  $('embed-copied').textContent = 'Copied.';
  setTimeout(() => ($('embed-copied').textContent = ''), 2000);
});

if (EMBED) {
  // Pause while scrolled out of view; resume when back if it was playing.
  new IntersectionObserver(([entry]) => {
    if (!entry.isIntersecting && state.playing) {
      state.offscreen = true;
      stop();
    } else if (entry.isIntersecting && state.offscreen) {
      state.offscreen = false;
      play();
    }
  }).observe(document.querySelector('main'));
  // Tell the host page our height: { type: 'attention-widget:resize', height } (see
  // embed-host.js). It carries nothing private, so any parent may read it.
  if (window.parent !== window) {
    let last = 0;
    new ResizeObserver(() => {
      const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
      if (height !== last) window.parent.postMessage({ type: 'attention-widget:resize', height }, '*');
      last = height;
    }).observe(document.documentElement);
  }
}

// ---- start ---------------------------------------------------------------------------------
buildControls();
readURL();
applyPageOptions();
syncDisabled();
syncButtons();
