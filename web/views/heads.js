// A self_attention model's heads, in two views.
// - `heads`: for the first held-out sample, one small heatmap per head of a layer (query step x
//   key position, on the fixed scale from 0 to 1) and beside them the ground truth, where the
//   attention should be. A choice of layer (for models of more than one), and a scrubber and
//   Replay over the moments the worker recorded (about 150 per run, every layer's attention
//   each), as the map has. The caption and the table give every head's score at that moment on
//   the held-out samples (Trainer.getHeadScores()).
// - `scores`: every head's attention on target over training, one line per head of every
//   layer, measured at every report, with the loss beside it: the moment a head forms (the
//   "phase change") shows against the loss.
import { COLORS, viridis } from '../charts/colors.js';
import { ScoreChart } from '../charts/scores.js';
import { legend } from './attention.js';
import { appendRows, argmax, el, figureParts, fillTable, fmt } from './dom.js';
import { momentOf, scrubber } from './replay.js';


// Draws the panels of one layer (its H heads, then the truth) onto canvas, `width` CSS pixels
// wide, wrapping onto more rows of panels when narrow; `maxHeight` caps the height (the
// widget's layout). values: (H, T, P) of that layer.
function render(canvas, values, [H, T, P], mask, width, { maxHeight = Infinity, scale = window.devicePixelRatio || 1 } = {}) {
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
    const panel = k < H ? values.subarray(k * T * P, (k + 1) * T * P) : mask;
    ctx.fillStyle = '#374151';
    ctx.textBaseline = 'alphabetic';
    ctx.fillText(k < H ? `head ${k + 1}` : 'the truth', x0 + (cell * P) / 2, y0 - 5);
    for (let t = 0; t < T; t++)
      for (let s = 0; s < P; s++) {
        ctx.fillStyle = viridis(panel[t * P + s]);
        ctx.fillRect(x0 + s * cell, y0 + t * cell, cell, cell);
      }
    ctx.textBaseline = 'top';
    ctx.fillStyle = '#52606d';
    ctx.fillText(`0 … ${P - 1}`, x0 + (cell * P) / 2, y0 + T * cell + 1);
  }
}

// The truth in words, from its distance back (the worker's truthOffset: null when it is not
// one position at one distance).
const truthWords = (k) => (k === null ? null : k === 0 ? 'the token itself' : k === 1 ? 'the previous token (one step back)' : `the token ${k} steps back`);

// Each query step's peak in one head's (T, P) attention: "t→s".
const peaks = (values, T, P) => Array.from({ length: T }, (_, t) => `${t}→${argmax(values.subarray(t * P, (t + 1) * P))}`).join(' ');

// The moments the heads view can show: those the worker recorded, then the live one if newer.
function moments(state) {
  const list = state.headFrames, live = state.heads;
  if (!live || (list.length && list.at(-1).step >= live.step)) return list;
  return [...list, { step: live.step, epoch: live.epoch, attention: live.attention.data, shape: live.attention.shape, scores: live.scores }];
}

const layersOf = (run) => [...new Set(run.headIds.map((s) => s.layer))].sort((a, b) => a - b);
const layerWords = (l, L) => `layer ${l + 1}${L > 1 && l === L - 1 ? ' (the last)' : L > 1 && l === 0 ? ' (the first)' : ''}`;

export const heads = {
  name: 'heads',
  title: 'The attention heads',
  applies: (run) => run.heads > 0,
  every: 250,
  create(figure, app) {
    const canvas = el('canvas', { id: 'chart-heads', role: 'img', ariaLabelledby: 'heads-title', ariaDescribedby: 'heads-caption' });
    const box = el('div', { className: 'map-box heads-box' }, [canvas]);
    const layerSelect = el('select', { id: 'heads-layer' });
    const layerChoice = el('span', { className: 'choice' }, [el('label', { htmlFor: 'heads-layer', textContent: 'Layer:' }), layerSelect]);
    const scrub = scrubber({
      name: 'heads', moments: () => moments(app.state), show: (m, i, { paint = true }) => { words(m); if (paint) draw(m); },
      epochs: () => app.state.run.config.epochs, playing: () => app.state.playing,
    });
    const replay = el('span', { className: 'replay' }, scrub.controls);
    const controls = el('div', { className: 'scrub' }, [layerChoice, replay]);
    const captionEl = el('figcaption', { id: 'heads-caption' });
    const details = el('details', { id: 'heads-data' }, [
      el('summary', { textContent: 'The heads as a table' }),
      el('div', { className: 'table-scroll', tabIndex: 0, role: 'region', ariaLabel: 'The attention heads as a table' }, [
        el('table', {}, [el('thead', {}, [el('tr', {}, ['layer', 'head', 'attention on target', 'hit rate', 'peak per query step (sample 0)'].map((t) => el('th', { textContent: t })))]), el('tbody')]),
      ]),
    ]);
    figure.append(box, controls, legend(), captionEl, details);

    let layer = -1;      // the layer drawn: the last, or the one chosen while the model has as many layers
    let layerCount = 0;
    let drawn = null;    // the moment drawn last
    const list = () => moments(app.state);

    const rows = (m) => {
      const [, H, T, P] = m.shape;
      return m.scores.map((s) => [String(s.layer + 1), String(s.head + 1), fmt(s.attention_on_target, 3), fmt(s.hit_rate, 3),
        peaks(m.attention.subarray(((s.layer * H) + s.head) * T * P, ((s.layer * H) + s.head + 1) * T * P), T, P)]);
    };
    // The words for moment m (cheap, kept current even off the screen).
    function words(m) {
      const { run } = app.state;
      const mask = app.state.heads?.mask ?? null;
      const [L, H, T, P] = m.shape;
      const target = mask ? truthWords(run.headTruth.sample) ?? 'the ideal positions' : null;
      const onTarget = truthWords(run.headTruth.all) ?? 'its ideal positions';
      const scores = m.scores.filter((s) => s.layer === layer).map((s) =>
        `Head ${s.head + 1} puts ${fmt(s.attention_on_target, 2)} of its attention on ${onTarget}, and peaks there at ${fmt(s.hit_rate, 2)} of the steps.`);
      // Following the run, the moment is the latest (the scrubber's words say when); else stated.
      const moment = scrub.following ? '' : `, at ${momentOf(m, run.config.epochs)}`;
      const which = L < 2 ? 'the attention layer' : layer === L - 1 ? `the last of ${L} layers` : `layer ${layer + 1} of ${L}`;
      const earlier = L > 1 && layer < L - 1 && target
        ? ' The truth is the task\'s, the same for every layer: an earlier layer can help in another way (in an induction model, by attending to the previous token).' : '';
      captionEl.textContent = `${H > 1 ? `The ${H} heads` : 'The head'} of ${which} on held-out sample 0${moment}: rows are the query steps 0 to ${T - 1} (top to bottom), columns the positions attended to (0 to ${P - 1}); brighter is more attention, on a fixed scale from 0 to 1.` +
        (target ? ` The last panel: the truth, ${target}.${earlier} Over the ${run.testSamples} held-out samples: ${scores.join(' ')}` : '') +
        (run.headFrameEvery ? '' : ' This model is too large to record its moments: only the latest is shown.');
      if (details.open) fillTable(details, rows(m));
    }
    function draw(m) {
      const mask = app.state.heads?.mask ?? null;
      const [, H, T, P] = m.shape;
      // --map-max-height (the widget's compact layout) caps the height.
      const maxHeight = parseFloat(getComputedStyle(box).getPropertyValue('--map-max-height')) || Infinity;
      render(canvas, m.attention.subarray(layer * H * T * P, (layer + 1) * H * T * P), [H, T, P], mask, Math.max(160, box.clientWidth), { maxHeight });
      drawn = m;
    }
    layerSelect.addEventListener('change', () => { // the same moment, another layer
      layer = Number(layerSelect.value);
      const m = scrub.current();
      if (!m) return;
      words(m);
      draw(m);
    });
    details.addEventListener('toggle', () => details.open && drawn && fillTable(details, rows(drawn)));
    new ResizeObserver(() => drawn && draw(drawn)).observe(box);

    // The latest moment (following), or the words of the one chosen kept current.
    const refresh = (paint) => {
      const chosen = scrub.update({ paint });
      if (chosen && !paint) words(chosen);
    };
    return {
      reset(run) {
        scrub.reset();
        drawn = null;
        const layers = layersOf(run);
        const L = layers.length;
        if (L !== layerCount) layer = L - 1; // Reset keeps the choice; another model starts at its last layer
        layerCount = L;
        layerSelect.replaceChildren(...layers.map((l) => new Option(layerWords(l, L), String(l), false, l === layer)));
        layerChoice.hidden = L < 2;
        replay.hidden = !run.headFrameEvery;
      },
      update: () => refresh(true),
      text: () => refresh(false),
      downloads(state) {
        const m = drawn;
        if (!m) return [];
        const [L, H, T, P] = m.shape;
        const mask = state.heads?.mask ?? null;
        const epochs = state.run.config.epochs;
        const cells = [['layer', 'head', 'query_step', 'position', 'attention', 'truth']];
        for (let l = 0; l < L; l++)
          for (let k = 0; k < H; k++)
            for (let t = 0; t < T; t++)
              for (let s = 0; s < P; s++) cells.push([l + 1, k + 1, t, s, m.attention[((l * H + k) * T + t) * P + s], mask ? mask[t * P + s] : '']);
        const moment = (x) => ({ step: x.step, epoch: x.epoch, attention: { data: x.attention, shape: x.shape }, scores: x.scores });
        return [
          { label: 'PNG', name: 'attention-heads.png', png: canvas, title: `The attention heads${L > 1 ? `, ${layerWords(layer, L)} of ${L}` : ''}, at ${momentOf(m, epochs)}`, colorScale: true },
          { label: 'CSV', name: 'attention-heads.csv', csv: cells },
          { label: 'JSON', name: 'attention-heads.json', json: { sample: 0, ...moment(m), mask } },
          { label: 'JSON (all moments)', name: 'attention-heads-moments.json', json: { sample: 0, mask, moments: list().map(moment) } },
        ];
      },
    };
  },
};

// One colour per head (the Okabe-Ito palette, the darker ones first) and a dash pattern per
// layer: two cues, never colour alone.
const PALETTE = [COLORS.blue, COLORS.vermillion, COLORS.green, COLORS.purple, COLORS.ink, COLORS.orange, COLORS.sky];
const DASHES = [[], [8, 4], [2, 3], [12, 3, 2, 3]];
const DASH_WORDS = ['solid', 'dashed', 'dotted', 'dash-dotted'];
const MAX_DRAWN = 20000; // points drawn over all lines: a long run's curves are thinned to this
const headName = (id) => `L${id.layer + 1} H${id.head + 1}`;

// Every `every`-th of list's items (and its last), so all lines thin alike.
function thin(list, lines) {
  const every = Math.max(1, Math.ceil((list.length * lines) / MAX_DRAWN));
  return every === 1 ? list : list.filter((_, k) => k % every === 0 || k === list.length - 1);
}

// A head's curve in words: where it started, where it is, its highest, and the step by which
// it had made half its rise (where the curve is steepest if a head forms at once).
function headWords(points, i) {
  const on = points.map((p) => p.attention_on_target[i]);
  const first = on.findIndex(Number.isFinite);
  if (first < 0) return 'not measured';
  let top = first;
  on.forEach((v, k) => { if (v > on[top]) top = k; });
  const start = on[first], now = on.at(-1);
  let text = `${fmt(now, 3)} now (${fmt(start, 3)} at the start`;
  if (on[top] - start >= 0.1) {
    const half = on.findIndex((v, k) => k >= first && v >= start + (on[top] - start) / 2);
    text += `; highest ${fmt(on[top], 3)} at step ${points[top].step}, half of that rise by step ${points[half].step}`;
  }
  return `${text})`;
}

export const scores = {
  name: 'scores',
  title: 'Each head\'s attention on target, with the loss',
  applies: (run) => run.heads > 0,
  every: 250,
  create(figure, app) {
    const { canvas, captionEl } = figureParts(figure, { name: 'scores', chartClass: 'tall' });
    const chart = new ScoreChart(canvas, { yTitle: 'attention on target' });
    const details = el('details', { id: 'scores-data' }, [el('summary', { textContent: 'The scores as a table' })]);
    const head = el('tr');
    details.append(el('div', { className: 'table-scroll', tabIndex: 0, role: 'region', ariaLabel: 'Each head\'s attention on target as a table' }, [
      el('table', {}, [el('thead', {}, [head]), el('tbody')]),
    ]));
    figure.append(details);
    let ids = [];
    let tabled = 0;

    const row = (p) => [String(p.step), p.epoch.toFixed(3), fmt(p.loss, 4), ...p.attention_on_target.map((v) => fmt(v, 3))];
    function words(state) {
      const { run, headPoints: points } = state;
      if (details.open) {
        appendRows(details, points.slice(tabled).map(row));
        tabled = points.length;
      }
      const layers = layersOf(run).length;
      const styles = layers > 1 ? ` Layer ${Array.from({ length: Math.min(layers, DASHES.length) }, (_, l) => `${l + 1} ${DASH_WORDS[l]}`).join(', layer ')}${layers > DASHES.length ? ', and so on' : ''}.` : '';
      const intro = `Each head's attention on target (the share of its attention on the truth, left axis, 0 to 1) over the ${run.testSamples} held-out samples, measured at every update of the page, and the loss (grey, right axis: the mean of the last ${state.constants.recent_window} training batches). L1 H2 is layer 1, head 2.${styles}`;
      if (!points.length) return (captionEl.textContent = `${intro} Not trained yet.`);
      const loss = state.points.at(-1)?.loss;
      captionEl.textContent = `${intro} ${points.length} measurements; now, at step ${points.at(-1).step}: ` +
        `${ids.map((id, i) => `${headName(id)} ${headWords(points, i)}`).join('; ')}${Number.isFinite(loss) ? `; loss ${loss.toFixed(3)}` : ''}.`;
    }
    details.addEventListener('toggle', () => {
      if (!details.open) return;
      fillTable(details, app.state.headPoints.map(row));
      tabled = app.state.headPoints.length;
    });
    return {
      reset(run) {
        ids = run.headIds;
        const layers = layersOf(run);
        chart.reset([
          ...ids.map((id, i) => ({ label: headName(id), color: PALETTE[i % PALETTE.length], dash: DASHES[layers.indexOf(id.layer) % DASHES.length] })),
          { label: 'loss (right axis)', color: COLORS.grey, loss: true },
        ], run.config.epochs);
        head.replaceChildren(...['step', 'epoch', 'loss', ...ids.map(headName)].map((t) => el('th', { textContent: t })));
        details.querySelector('tbody').replaceChildren();
        tabled = 0;
        words(app.state);
      },
      update(state) {
        const points = thin(state.headPoints, ids.length + 1);
        ids.forEach((_, i) => chart.set(i, points.map((p) => ({ x: p.epoch, y: p.attention_on_target[i] }))));
        chart.set(ids.length, thin(state.points, ids.length + 1).map((p) => ({ x: p.epoch, y: p.loss })));
        chart.draw();
        words(state);
      },
      text: words,
      downloads(state) {
        if (!state.headPoints.length) return [];
        const names = ids.map(headName);
        const rows = [['step', 'epoch', 'loss', ...names.map((n) => `${n} attention_on_target`), ...names.map((n) => `${n} hit_rate`)]];
        for (const p of state.headPoints) rows.push([p.step, p.epoch, p.loss, ...p.attention_on_target, ...p.hit_rate]);
        return [
          { label: 'PNG', name: 'head-scores.png', png: canvas, title: 'Each head\'s attention on target, with the loss' },
          { label: 'CSV', name: 'head-scores.csv', csv: rows },
          { label: 'JSON', name: 'head-scores.json', json: { heads: ids, recent_window: state.constants.recent_window, points: state.headPoints } },
        ];
      },
    };
  },
};
