// A self_attention model's heads: for the first held-out sample, one small heatmap per head of
// the last layer (query step x key position, on the fixed scale from 0 to 1) and beside them
// the ground truth, where the attention should be. The caption and the table give every
// head's live score on the held-out samples (Trainer.getHeadScores()).
import { viridis } from '../charts/colors.js';
import { legend } from './attention.js';
import { argmax, el, fillTable, fmt } from './dom.js';

// Draws the panels (the heads, then the truth) onto canvas, `width` CSS pixels wide, wrapping
// onto more rows of panels when narrow; `maxHeight` caps the height (the widget's layout).
function render(canvas, { attention, mask }, width, { maxHeight = Infinity, scale = window.devicePixelRatio || 1 } = {}) {
  const [H, T, P] = attention.shape;
  const gap = 14, top = 18, bottom = 14;
  const panels = H + (mask ? 1 : 0);
  const cols = Math.max(1, Math.min(panels, Math.floor((width + gap) / (3 * P + gap))));
  const lines = Math.ceil(panels / cols);
  const cell = Math.max(2, Math.min(12, Math.floor((width - (cols - 1) * gap) / (cols * P)), Math.floor((maxHeight - lines * (top + bottom)) / (lines * T))));
  const cssWidth = cols * cell * P + (cols - 1) * gap, height = lines * (top + cell * T + bottom);
  const w = Math.round(cssWidth * scale), h = Math.round(height * scale);
  if (canvas.width !== w || canvas.height !== h) {
    Object.assign(canvas, { width: w, height: h });
    canvas.style.width = `${cssWidth}px`;
    canvas.style.height = `${height}px`;
  }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(scale, 0, 0, scale, 0, 0);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, cssWidth, height);
  ctx.font = '11px system-ui, sans-serif';
  ctx.textAlign = 'center';
  for (let k = 0; k < panels; k++) {
    const x0 = (k % cols) * (cell * P + gap), y0 = Math.floor(k / cols) * (top + cell * T + bottom) + top;
    const values = k < H ? attention.data.subarray(k * T * P, (k + 1) * T * P) : mask;
    ctx.fillStyle = '#374151';
    ctx.textBaseline = 'alphabetic';
    ctx.fillText(k < H ? `head ${k + 1}` : 'the truth', x0 + (cell * P) / 2, y0 - 5);
    for (let t = 0; t < T; t++)
      for (let s = 0; s < P; s++) {
        ctx.fillStyle = viridis(values[t * P + s]);
        ctx.fillRect(x0 + s * cell, y0 + t * cell, cell, cell);
      }
    ctx.textBaseline = 'top';
    ctx.fillStyle = '#52606d';
    ctx.fillText(`0 … ${P - 1}`, x0 + (cell * P) / 2, y0 + T * cell + 1);
  }
}

// The truth in words, read from the mask: "the previous token" when every step with a truth
// has exactly one, k steps back with the same k; otherwise "the ideal positions".
function truthWords(mask, T, P) {
  const offsets = new Set();
  for (let t = 0; t < T; t++) {
    const row = mask.subarray(t * P, (t + 1) * P);
    const on = [];
    row.forEach((v, s) => v === 1 && on.push(s));
    if (on.length > 1) return 'the ideal positions';
    if (on.length === 1) offsets.add(t - on[0]);
  }
  if (offsets.size !== 1) return 'the ideal positions';
  const [k] = offsets;
  return k === 0 ? 'the token itself' : k === 1 ? 'the previous token (one step back)' : `the token ${k} steps back`;
}

// Each query step's peak in one head's (T, P) attention: "t→s".
const peaks = (values, T, P) => Array.from({ length: T }, (_, t) => `${t}→${argmax(values.subarray(t * P, (t + 1) * P))}`).join(' ');

export const heads = {
  name: 'heads',
  title: 'The attention heads',
  applies: (run) => run.heads > 0,
  every: 250,
  create(figure, app) {
    const canvas = el('canvas', { id: 'chart-heads', role: 'img', ariaLabelledby: 'heads-title', ariaDescribedby: 'heads-caption' });
    const box = el('div', { className: 'map-box heads-box' }, [canvas]);
    const captionEl = el('figcaption', { id: 'heads-caption' });
    const details = el('details', { id: 'heads-data' }, [
      el('summary', { textContent: 'The heads as a table' }),
      el('div', { className: 'table-scroll', tabIndex: 0, role: 'region', ariaLabel: 'The attention heads as a table' }, [
        el('table', {}, [el('thead', {}, [el('tr', {}, ['layer', 'head', 'attention on target', 'hit rate', 'peak per query step (sample 0, last layer)'].map((t) => el('th', { textContent: t })))]), el('tbody')]),
      ]),
    ]);
    figure.append(box, legend(), captionEl, details);
    let last = null;

    const rows = (h) => {
      const [H, T, P] = h.attention.shape;
      const lastLayer = Math.max(...h.scores.map((s) => s.layer));
      return h.scores.map((s) => [String(s.layer + 1), String(s.head + 1), fmt(s.attention_on_target, 3), fmt(s.hit_rate, 3),
        s.layer === lastLayer && s.head < H ? peaks(h.attention.data.subarray(s.head * T * P, (s.head + 1) * T * P), T, P) : '–']);
    };
    // The words (cheap, kept current even off the screen).
    const text = (state) => {
      const h = state.heads;
      if (!h) return;
      last = h;
      const [H, T, P] = h.attention.shape;
      const layers = state.run.config.layers;
      const lastLayer = Math.max(...h.scores.map((s) => s.layer));
      const target = h.mask ? truthWords(h.mask, T, P) : null;
      const scores = h.scores.filter((s) => s.layer === lastLayer).map((s) =>
        `Head ${s.head + 1} puts ${fmt(s.attention_on_target, 2)} of its attention on ${target}, and peaks there at ${fmt(s.hit_rate, 2)} of the steps.`);
      captionEl.textContent = `${H > 1 ? `The ${H} heads` : 'The head'} of the ${layers > 1 ? `last of ${layers} layers` : 'attention layer'} on held-out sample 0: rows are the query steps 0 to ${T - 1} (top to bottom), columns the positions attended to (0 to ${P - 1}); brighter is more attention, on a fixed scale from 0 to 1.` +
        (target ? ` The last panel: the truth, ${target}. Over the ${state.run.testSamples} held-out samples: ${scores.join(' ')}` : '');
      if (details.open) fillTable(details, rows(h));
    };
    const draw = (state) => {
      text(state);
      if (!last) return;
      // --map-max-height (the widget's compact layout) caps the height.
      const maxHeight = parseFloat(getComputedStyle(box).getPropertyValue('--map-max-height')) || Infinity;
      render(canvas, last, Math.max(160, box.clientWidth), { maxHeight });
    };
    details.addEventListener('toggle', () => details.open && last && fillTable(details, rows(last)));
    new ResizeObserver(() => last && draw(app.state)).observe(box);
    return {
      reset() {
        last = null;
      },
      update: draw,
      text,
      downloads(state) {
        const h = state.heads;
        if (!h) return [];
        const [H, T, P] = h.attention.shape;
        const cells = [['head', 'query_step', 'position', 'attention', 'truth']];
        for (let k = 0; k < H; k++)
          for (let t = 0; t < T; t++)
            for (let s = 0; s < P; s++) cells.push([k + 1, t, s, h.attention.data[(k * T + t) * P + s], h.mask ? h.mask[t * P + s] : '']);
        return [
          { label: 'PNG', name: 'attention-heads.png', png: canvas, title: 'The attention heads', colorScale: true },
          { label: 'CSV', name: 'attention-heads.csv', csv: cells },
          { label: 'JSON', name: 'attention-heads.json', json: { sample: 0, attention: h.attention, mask: h.mask, scores: h.scores } },
        ];
      },
    };
  },
};
