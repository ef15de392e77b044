// The comparison page's pictures and tables (web/compare.js owns the state and the workers):
// the overlaid curves with their one legend, a column per variant (its name, its fields, its
// status, its attention on the fixed 0-1 scale), the summary table, the loss curves as text.
// Each draw function reads the page's state and only changes the DOM where its text changed.
import { COLORS } from './charts/colors.js';
import { OverlayChart } from './charts/overlay.js';
import * as small from './charts/small.js';
import { MIN_VARIANTS } from './comparison.js';
import { legend as colourScale } from './views/attention.js';
import { argmax, el, fmt } from './views/dom.js';

const $ = (id) => document.getElementById(id);

// One colour (Okabe-Ito) and one dash pattern per variant slot: colour is never the only cue.
export const STYLES = [
  { color: COLORS.blue, dash: [], pattern: 'solid' },
  { color: COLORS.vermillion, dash: [8, 4], pattern: 'dashed' },
  { color: COLORS.green, dash: [2, 3], pattern: 'dotted' },
  { color: COLORS.orange, dash: [10, 3, 2, 3], pattern: 'dash-dot' },
  { color: COLORS.sky, dash: [16, 5], pattern: 'long dashes' },
  { color: COLORS.purple, dash: [4, 2, 4, 8], pattern: 'pairs of dashes' },
];
export const styleOf = (i) => STYLES[i % STYLES.length];

let state = null;   // the page's state (web/compare.js)
let actions = null; // { edit(variant, text), remove(variant) }: what a column's controls do

export function init(pageState, pageActions) {
  state = pageState;
  actions = pageActions;
  $('curve-data').addEventListener('toggle', () => $('curve-data').open && drawCurveTable());
}

export function setText(node, text) {
  if (node && node.textContent !== text) node.textContent = text;
}

const charts = {};
const CURVES = [
  { key: 'loss', canvas: 'chart-loss', caption: 'loss-caption' },
  { key: 'metric', canvas: 'chart-metric', caption: 'metric-caption' },
  { key: 'attention_on_target', canvas: 'chart-focus', caption: 'focus-caption', yMax: 1, yTitle: 'share of the attention' },
];
const lossName = { binary_crossentropy: 'binary cross-entropy', mse: 'mean squared error', mae: 'mean absolute error', sparse_categorical_crossentropy: 'cross-entropy per token' };

export function resetCharts() {
  const runs = state.variants.map((v) => v.run).filter(Boolean);
  const epochs = Math.max(1, ...state.variants.map((v) => v.config?.epochs ?? 1));
  const series = state.variants.map((v, i) => ({ label: v.label, ...styleOf(i) }));
  const c = runs[0]?.config ?? state.variants.find((v) => v.config)?.config;
  const accuracy = (runs[0]?.task.metric ?? 'accuracy') === 'accuracy';
  const losses = new Set(runs.map((r) => r.config.loss));
  for (const spec of CURVES) {
    charts[spec.key] ??= new OverlayChart($(spec.canvas), { yTitle: spec.yTitle ?? '' });
    let yTitle = spec.yTitle, yMax = spec.yMax;
    if (spec.key === 'loss') yTitle = losses.size === 1 && c ? lossName[c.loss] ?? c.loss : 'loss';
    if (spec.key === 'metric') {
      yTitle = accuracy ? 'accuracy' : 'mean absolute error';
      yMax = accuracy ? 1 : null;
    }
    charts[spec.key].reset(series, epochs, { yTitle, yMax });
  }
  setText($('metric-title'), accuracy ? 'Accuracy' : 'Mean absolute error');
  setText($('summary-metric'), accuracy ? 'Accuracy' : 'MAE');
  drawLegend();
}

// One legend for every chart: a sample of the line (colour and dash) and the variant's name.
function drawLegend() {
  const items = state.variants.map((v, i) => {
    const swatch = el('canvas', { className: 'swatch', width: 36, height: 12, ariaHidden: 'true' });
    drawSwatch(swatch, styleOf(i));
    return el('li', { dataset: { variant: String(i) } }, [swatch, el('span', { textContent: v.label })]);
  });
  $('legend').replaceChildren(...items);
}

function drawSwatch(canvas, { color, dash }) {
  const ctx = canvas.getContext('2d');
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.strokeStyle = color;
  ctx.lineWidth = 3;
  ctx.setLineDash(dash);
  ctx.beginPath();
  ctx.moveTo(1, canvas.height / 2);
  ctx.lineTo(canvas.width - 1, canvas.height / 2);
  ctx.stroke();
}

const lastOf = (list, key) => {
  for (let i = list.length - 1; i >= 0; i--) if (Number.isFinite(list[i][key])) return list[i][key];
  return NaN;
};

export function drawCurves() {
  for (const spec of CURVES) {
    const chart = charts[spec.key];
    if (!chart) continue;
    state.variants.forEach((v, i) => chart.set(i, v.points.map((p) => ({ x: p.epoch, y: p[spec.key] }))));
    chart.draw();
    const now = state.variants.filter((v) => v.points.length).map((v) => `${v.label} ${fmt(lastOf(v.points, spec.key), 3)}`);
    const what = { loss: 'The loss', metric: 'The task\'s metric', attention_on_target: 'The share of the attention on the answer' }[spec.key];
    setText($(spec.caption), now.length ? `${what}, mean of the last training batches, now: ${now.join('; ')}.` : `${what} of each variant, over epochs, once training starts.`);
  }
  if ($('curve-data').open) drawCurveTable();
}

// The loss curves as text: one row per step, one column per variant.
function drawCurveTable() {
  const table = $('curve-data').querySelector('table');
  const head = el('tr', {}, [el('th', { textContent: 'step' }), ...state.variants.map((v) => el('th', { textContent: v.label }))]);
  table.tHead.replaceChildren(head);
  const steps = new Map();
  state.variants.forEach((v, i) => {
    for (const p of v.points) {
      if (!steps.has(p.step)) steps.set(p.step, new Array(state.variants.length).fill('–'));
      steps.get(p.step)[i] = p.loss.toFixed(4);
    }
  });
  const rows = [...steps.entries()].sort((a, b) => a[0] - b[0]).slice(0, 2000)
    .map(([s, cells]) => el('tr', {}, [el('td', { textContent: String(s) }), ...cells.map((c) => el('td', { textContent: c }))]));
  table.tBodies[0].replaceChildren(...rows);
}

// ---- the variants' columns -----------------------------------------------------------------
function makeCard(v) {
  const card = el('article', { className: 'variant-card' });
  const input = el('input', { type: 'text', autocomplete: 'off', spellcheck: false, className: 'variant-text' });
  input.addEventListener('change', () => actions.edit(v, input.value));
  const remove = el('button', { type: 'button', className: 'remove', textContent: 'Remove' });
  remove.addEventListener('click', () => actions.remove(v));
  const swatch = el('canvas', { className: 'swatch', width: 36, height: 12, ariaHidden: 'true' });
  const title = el('h3');
  const picture = el('canvas', { className: 'small-multiple', role: 'img' });
  const caption = el('p', { className: 'variant-caption' });
  const status = el('p', { className: 'variant-status', role: 'status' });
  const label = el('label', { textContent: 'Changes (field:value, …)' });
  const error = el('p', { className: 'error' });
  card.append(el('header', {}, [swatch, title]), el('div', { className: 'variant-edit' }, [label, input, remove]), error, status, picture, caption);
  v.card = card;
  v.parts = { input, remove, swatch, title, picture, caption, status, label, error };
  return card;
}

const mapScale = colourScale(); // the maps' colours, 0 to 1, shown when a variant draws a map

export function drawCards() {
  const grid = $('variants');
  if (!mapScale.isConnected) grid.before(mapScale);
  state.variants.forEach((v, i) => {
    if (!v.card) grid.append(makeCard(v));
    else if (v.card.parentNode !== grid || grid.children[i] !== v.card) grid.insertBefore(v.card, grid.children[i] ?? null);
    const p = v.parts;
    const id = `variant-${i}`;
    v.card.dataset.variant = String(i);
    v.card.dataset.status = variantStatus(v).key;
    p.input.id = `${id}-text`;
    p.label.htmlFor = p.input.id;
    p.error.id = `${id}-error`;
    p.caption.id = `${id}-caption`;
    p.title.id = `${id}-title`;
    p.input.setAttribute('aria-describedby', p.error.id);
    p.picture.setAttribute('aria-labelledby', p.title.id);
    p.picture.setAttribute('aria-describedby', p.caption.id);
    if (document.activeElement !== p.input && p.input.value !== v.text) p.input.value = v.text;
    p.remove.disabled = state.variants.length <= MIN_VARIANTS;
    p.remove.setAttribute('aria-label', `Remove ${v.label}`);
    drawSwatch(p.swatch, styleOf(i));
    setText(p.title, v.label);
    const err = v.pageError?.message ?? v.coreError?.text ?? v.failed ?? '';
    setText(p.error, err);
    if (err) p.input.setAttribute('aria-invalid', 'true');
    else p.input.removeAttribute('aria-invalid');
    setText(p.status, variantStatus(v).text);
    drawAttention(v, i);
  });
  mapScale.hidden = !state.variants.some((v) => v.run?.hasAttention && !v.run.task.answer_position && (v.frame || (v.run.align && v.align)));
}

export function variantStatus(v) {
  if (v.pageError || v.coreError) return { key: 'error', text: 'Cannot run: see above.' };
  if (v.failed) return { key: 'error', text: 'Cannot run.' };
  if (Object.keys(state.sharedErrors).length) return { key: 'waiting', text: 'Waiting for the shared settings.' };
  if (v.building || v.pending) return { key: 'building', text: 'Building…' };
  if (!v.run) return { key: 'waiting', text: '' };
  const m = v.metrics;
  if (m?.status === 'diverged') return { key: 'diverged', text: `Diverged: ${m.message}. The others go on.` };
  if (m?.status === 'done') return { key: 'done', text: `Done: ${m.message}.` };
  if (m?.step) return { key: 'training', text: `Step ${m.step.toLocaleString('en')}, epoch ${m.epoch} of ${v.run.config.epochs}.` };
  return { key: 'ready', text: 'Ready.' };
}

// Bars of the averaged attention on the 2017 tasks, else the latest map; one scale, 0 to 1.
function drawAttention(v, i) {
  const { picture, caption } = v.parts;
  const run = v.run;
  if (!run) {
    small.message(picture, v.pageError || v.coreError || v.failed ? 'cannot run' : '…');
    return setText(caption, '');
  }
  if (!run.hasAttention) {
    small.message(picture, 'no attention (baseline)');
    return setText(caption, 'This variant has no attention layer: nothing to show here; its curves compare.');
  }
  if (run.heads) { // a self_attention model: (heads, T, T) per sample, drawn on the page's heads view
    small.message(picture, 'self-attention heads');
    const best = v.heads?.scores.reduce((b, s) => (s.attention_on_target > (b?.attention_on_target ?? -1) ? s : b), null);
    return setText(caption, `Its heads are drawn on the page's heads view; ${best ? `the best (layer ${best.layer + 1}, head ${best.head + 1}) puts ${best.attention_on_target.toFixed(3)} of its attention on target now.` : 'its curves compare here.'}`);
  }
  if (run.align) { // a translation model: the first held-out sample's alignment, the truth as dots
    if (!v.align) return small.message(picture, '…');
    const { Tt, Ts, mask } = run.align;
    small.map(picture, { attention: v.align.attention.subarray(0, Tt * Ts), mask: mask ? mask.subarray(0, Tt * Ts) : null, rows: Tt, positions: Ts });
    const s = v.validations.findLast((p) => Number.isFinite(p.sequence_accuracy));
    return setText(caption, `Held-out sample 1: its ${Tt} output steps (rows) over the ${Ts} source positions; dots mark the true alignment.` +
      (s ? ` At step ${s.step}, decoding greedily: ${fmt(s.attention_on_target, 3)} on target (validation), sequence accuracy ${fmt(s.sequence_accuracy, 3)} (held-out).` : ''));
  }
  if (run.task.answer_position && v.positions) {
    const values = Array.from(v.positions);
    const answer = run.config.attention_column;
    small.bars(picture, values, { mark: answer, color: styleOf(i).color });
    const peak = argmax(values);
    const before = values.slice(0, answer).reduce((s, x) => s + x, 0);
    return setText(caption, `Peak at ${peak} (${values[peak].toFixed(3)}); the answer is at ${answer} (★), with ${values[answer].toFixed(3)}. Before it: ${before.toFixed(3)} in all.`);
  }
  if (v.frame) {
    small.map(picture, v.frame);
    const { attention, mask, rows, positions } = v.frame;
    let hits = 0;
    for (let r = 0; r < rows; r++) {
      const p = argmax(attention.subarray(r * positions, (r + 1) * positions));
      if (mask?.[r * positions + p] === 1) hits++;
    }
    return setText(caption, mask ? `${rows} held-out samples: the peak is on the answer in ${hits} of ${rows}.` : `${rows} held-out samples by position.`);
  }
  if (v.positions) {
    small.bars(picture, Array.from(v.positions), { color: styleOf(i).color });
    return setText(caption, 'The attention averaged over the held-out samples (this task has no right place for it).');
  }
  small.message(picture, '…');
}

// ---- the summary table -----------------------------------------------------------------------
const MB = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

export function drawTable() {
  const body = $('summary-table').tBodies[0];
  let total = 0;
  state.variants.forEach((v, i) => {
    if (!v.row) v.row = el('tr');
    if (body.children[i] !== v.row) body.insertBefore(v.row, body.children[i] ?? null);
    const run = v.run, m = v.metrics;
    const validated = run && run.config.validation_split > 0;
    const src = validated ? v.validations : v.points;
    const mark = run && !validated ? ' †' : '';
    const val = (key, digits) => (src.length ? fmt(lastOf(src, key), digits) + mark : '–');
    const attentionMetrics = run?.hasAttention && run.task.ground_truth;
    const params = run ? run.summary.reduce((s, r) => s + r.params, 0) : NaN;
    total += v.memory;
    const status = variantStatus(v);
    const cells = [
      v.label,
      Number.isFinite(params) ? params.toLocaleString('en') : '–',
      v.memory ? MB(v.memory) : '–',
      v.rate ? Math.round(v.rate).toLocaleString('en') : '–',
      m ? m.step.toLocaleString('en') : '–',
      val('loss', 4),
      val('metric', 4),
      attentionMetrics ? val('attention_on_target', 3) : 'n/a',
      attentionMetrics ? val('hit_rate', 3) : 'n/a',
      !attentionMetrics ? 'n/a' : v.hit90 ? `step ${v.hit90.step.toLocaleString('en')}` : m?.step ? 'not reached' : '–',
      status.key === 'error' ? `error: ${v.pageError?.message ?? v.coreError?.text ?? v.failed}` : status.key === 'diverged' ? 'diverged' : status.key,
    ];
    while (v.row.children.length < cells.length) v.row.append(el('td'));
    cells.forEach((text, k) => setText(v.row.children[k], text));
    v.row.firstChild.classList.add('variant-name');
    v.row.firstChild.dataset.variant = String(i);
    Object.assign(v.row.dataset, {
      variant: String(i), status: status.key, step: String(m?.step ?? 0), batch: String(run?.config.batch_size ?? 0),
      memory: String(v.memory), params: String(Number.isFinite(params) ? params : 0),
    });
  });
  while (body.children.length > state.variants.length) body.lastChild.remove();
  setText($('memory-total'), total ? `wasm memory in all: ${MB(total)} over ${state.variants.filter((v) => v.memory).length} workers.` : '');
  $('memory-total').dataset.bytes = String(total);
}
