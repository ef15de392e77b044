// The attention averaged over the held-out samples (and over features), as bars over the input
// positions; for the 2017 tasks the answer's fixed position is marked (colour and ★). Also the
// per-feature attention as a (time x feature) heatmap, and the averaged attention over
// training. All on one fixed scale from 0 to 1 where they are colour.
import { BarChart } from '../charts/bars.js';
import { Heatmap, RasterHeatmap } from '../charts/heatmap.js';
import { viridisGradient } from '../charts/colors.js';
import { argmax, el, figureParts, fillTable } from './dom.js';

const where = (run) => (run.task.sequence ? 'time steps' : 'input positions');

export const attention = {
  name: 'attention',
  title: 'The attention',
  applies: (run) => run.hasAttention && !run.heads && !run.align, // one vector per sample (heads and alignments have their views)
  every: 150,
  create(figure, app) {
    const { canvas, captionEl } = figureParts(figure, { name: 'attention' });
    const chart = new BarChart(canvas, { xTitle: 'position', yTitle: 'attention weight', yMin: 0 });
    captionEl.append('The attention peaks at position ', el('b', { id: 'attention-peak', textContent: '–' }), '; ');
    const expected = el('span', {}, ['the answer is at ', el('b', { id: 'attention-expected', textContent: '–' }), ' (★). ']);
    const detail = el('span', { id: 'attention-detail' });
    captionEl.append(expected, detail);
    const details = el('details', { id: 'attention-data' }, [
      el('summary', { textContent: 'Attention as a table' }),
      el('div', { className: 'table-scroll', tabIndex: 0, role: 'region', ariaLabel: 'Attention as a table' }, [
        el('table', {}, [el('thead', {}, [el('tr', {}, [el('th', { textContent: 'position' }), el('th', { textContent: 'weight' })])]), el('tbody')]),
      ]),
    ]);
    figure.append(details);
    let last = null;
    // The words (cheap, kept current even off the screen), then the chart.
    const text = (state) => {
      if (!state.positions) return null;
      const { run } = state;
      const values = Array.from(state.positions);
      const answer = run.task.answer_position ? run.config.attention_column : -1;
      const peak = argmax(values);
      figure.querySelector('#attention-peak').textContent = String(peak);
      expected.hidden = answer < 0;
      figure.querySelector('#attention-expected').textContent = answer < 0 ? '–' : String(answer);
      const moving = answer < 0 ? ` The answer's position changes from sample to sample: ${state.run.mapSamples ? 'the map shows each sample' : 'see the sample explorer'}.` : '';
      detail.textContent = `Its weight there is ${values[peak].toFixed(3)}; spread evenly over the ${values.length} ${where(run)} it would be ${(1 / values.length).toFixed(3)}. Averaged over ${run.testSamples} held-out samples${state.attention.shape.length > 1 ? ' and the features' : ''}.${moving}`;
      last = { values, answer };
      if (details.open) fillTable(details, values.map((v, i) => [i === answer ? `${i} ★` : String(i), v.toFixed(4)]));
      return last;
    };
    const draw = (state) => {
      const shown = text(state);
      if (shown) chart.update(shown.values, shown.answer);
    };
    details.addEventListener('toggle', () => details.open && last && fillTable(details, last.values.map((v, i) => [i === last.answer ? `${i} ★` : String(i), v.toFixed(4)])));
    const downloads = (state) => (last ? [
      { label: 'PNG', name: 'attention.png', png: canvas, title: 'The attention' },
      { label: 'CSV', name: 'attention.csv', csv: [['position', 'weight', 'answer'], ...last.values.map((v, i) => [i, v, Number(i === last.answer)])] },
      { label: 'JSON', name: 'attention.json', json: { averaged_over: state.run.testSamples, attention: state.attention, per_position: last.values, answer_position: last.answer < 0 ? null : last.answer } },
    ] : []);
    return { reset: () => {}, update: draw, text, downloads };
  },
};

// The colour scale, fixed from 0 to 1.
export function legend() {
  const ramp = el('span', { className: 'ramp' });
  ramp.style.background = viridisGradient;
  return el('div', { className: 'legend', ariaHidden: 'true' }, [el('span', { textContent: '0' }), ramp, el('span', { textContent: '1' })]);
}

export const heatmap = {
  name: 'heatmap',
  title: 'Attention per input feature',
  applies: (run) => run.hasAttention && run.config.attention === 'block' && run.task.sequence && !run.config.single_attention_vector,
  every: 500,
  create(figure) {
    const { canvas, captionEl } = figureParts(figure, { name: 'heatmap', chartClass: 'tall' });
    const chart = new Heatmap(canvas, { xTitle: 'feature', yTitle: 'time step', max: 1 });
    figure.append(legend());
    return {
      reset: () => {},
      downloads(state) {
        if (!state.attention) return [];
        const [T, F] = state.attention.shape;
        const rows = [['time_step', 'feature', 'weight']];
        for (let t = 0; t < T; t++) for (let f = 0; f < F; f++) rows.push([t, f, state.attention.data[t * F + f]]);
        return [
          { label: 'PNG', name: 'attention-per-feature.png', png: canvas, title: 'Attention per input feature', colorScale: true },
          { label: 'CSV', name: 'attention-per-feature.csv', csv: rows },
          { label: 'JSON', name: 'attention-per-feature.json', json: state.attention },
        ];
      },
      update(state) {
        if (!state.attention) return;
        const { run } = state;
        const [T, F] = state.attention.shape;
        const rows = Array.from({ length: T }, (_, t) => Array.from(state.attention.data.subarray(t * F, (t + 1) * F)));
        chart.update(rows);
        const source = run.config.placement === 'before' ? 'input feature' : 'unit of the recurrent layer';
        const brightest = argmax(rows.map((r) => Math.max(...r)));
        captionEl.textContent = `Each column is one ${source} (${F} in all), each row a time step; brighter is more attention, on a fixed scale from 0 to 1. The brightest row is step ${brightest}${run.task.answer_position ? `; the answer is at step ${run.config.attention_column}` : ''}.`;
      },
    };
  },
};

export const history = {
  name: 'history',
  title: 'The attention over training',
  applies: (run) => run.hasAttention && run.task.answer_position,
  every: 1000,
  create(figure, app) {
    const { canvas, captionEl } = figureParts(figure, { name: 'history', chartClass: 'tall' });
    const chart = new RasterHeatmap(canvas, {
      xTitle: 'position', yTitle: 'epoch', max: 1,
      yLabel: (row) => (app.state.snapshots[row] ? app.state.snapshots[row].epoch.toFixed(2) : ''),
    });
    captionEl.textContent = 'Each row is the attention (averaged over the held-out samples and features) at one moment of training, from the start (top) to now (bottom), on a fixed scale from 0 to 1.';
    figure.append(legend());
    return {
      reset: () => {},
      update(state) {
        if (state.snapshots.length) chart.update(state.snapshots.map((s) => Array.from(s.values)));
      },
      downloads(state) {
        const snaps = state.snapshots;
        if (!snaps.length) return [];
        const P = snaps[0].values.length;
        return [
          { label: 'PNG', name: 'attention-over-training.png', png: canvas, title: 'The attention over training', colorScale: true },
          { label: 'CSV', name: 'attention-over-training.csv', csv: [['step', 'epoch', ...Array.from({ length: P }, (_, i) => `position_${i}`)], ...snaps.map((x) => [x.step, x.epoch, ...x.values])] },
          { label: 'JSON', name: 'attention-over-training.json', json: snaps },
        ];
      },
    };
  },
};

export const summary = {
  name: 'summary',
  title: 'The model',
  applies: () => true,
  every: 0,
  create(figure) {
    const table = el('table', { id: 'summary' }, [
      el('thead', {}, [el('tr', {}, ['Layer', 'Type', 'Output shape', 'Parameters'].map((t) => el('th', { textContent: t })))]),
      el('tbody'),
    ]);
    const captionEl = el('figcaption', { id: 'summary-caption' });
    figure.append(el('div', { className: 'table-scroll', tabIndex: 0, role: 'region', ariaLabel: 'The model\'s layers' }, [table]), captionEl);
    let current = [];
    return {
      downloads: (state) => [
        { label: 'CSV', name: 'model.csv', csv: [['layer', 'type', 'output_shape', 'parameters'], ...current.map((r) => [r.name, r.kind, r.output_shape, r.params])] },
        { label: 'JSON', name: 'model.json', json: { config: state.run.config, layers: current } },
      ],
      reset(run) {
        const rows = run.summary;
        fillTable(figure, rows.map((r) => [r.name, r.kind, r.output_shape, r.params.toLocaleString('en')]));
        current = rows;
        const total = rows.reduce((s, r) => s + r.params, 0);
        captionEl.textContent = `${rows.length} layers, ${total.toLocaleString('en')} trainable parameters. Shapes as Keras prints them: None is the batch.`;
      },
      update: () => {},
    };
  },
};
