// The training curves: loss, the task's metric, and the attention metrics (attention on
// target, hit rate), each a line over epochs (the mean of the last batches, as the stats box
// shows) with validation points. A view each; the loss view also keeps its numbers as a table.
import { COLORS, CurveChart } from '../charts/line.js';
import { appendRows, el, fmt, figureParts } from './dom.js';

const lossName = { binary_crossentropy: 'Binary cross-entropy', mse: 'Mean squared error', mae: 'Mean absolute error', sparse_categorical_crossentropy: 'Cross-entropy per token' };
const metricName = { accuracy: 'accuracy', mae: 'mean absolute error' };

// A curve view over `series` of the run's points: [{ label, key, validation }].
function curveView({ name, title, yTitle, yMax, series, caption, table }) {
  return {
    name,
    title,
    applies: () => true,
    every: 250,
    create(figure, app) {
      const { canvas, captionEl } = figureParts(figure, { name, chartClass: '' });
      const chart = new CurveChart(canvas, {
        yTitle: typeof yTitle === 'function' ? '' : yTitle,
        yMax: typeof yMax === 'function' ? undefined : yMax,
        series: series.map((s, i) => ({ label: s.label, color: s.color ?? [COLORS.blue, COLORS.vermillion, COLORS.green, COLORS.orange][i], validation: s.validation })),
      });
      let drawnPoints = 0, drawnValidations = 0, tabled = 0;
      let details = null;
      if (table) {
        details = el('details', { id: `${name}-data` }, [el('summary', { textContent: table.summary })]);
        const scroll = el('div', { className: 'table-scroll', tabIndex: 0, role: 'region', ariaLabel: table.summary });
        scroll.append(el('table', {}, [
          el('thead', {}, [el('tr', {}, table.columns.map((c) => el('th', { textContent: c })))]),
          el('tbody'),
        ]));
        details.append(scroll);
        figure.append(details);
      }
      // The words: the caption, and the table, kept current even while closed or off the
      // screen (a few rows at a time), so it is complete the moment it is opened.
      function words(state) {
        if (details) appendRows(details, state.points.slice(tabled).map(table.row));
        tabled = state.points.length;
        captionEl.textContent = caption(state);
      }
      return {
        reset(run) {
          chart.reset(run.config.epochs);
          if (typeof yTitle === 'function') {
            chart.chart.options.scales.y.title.text = yTitle(run);
            chart.chart.options.scales.y.max = typeof yMax === 'function' ? yMax(run) : yMax;
          }
          drawnPoints = drawnValidations = tabled = 0;
          details?.querySelector('tbody').replaceChildren();
          captionEl.textContent = caption(app.state);
        },
        update(state) {
          const points = state.points.slice(drawnPoints), validations = state.validations.slice(drawnValidations);
          drawnPoints = state.points.length;
          drawnValidations = state.validations.length;
          series.forEach((s, i) => chart.append(i, (s.validation ? validations : points).map((p) => ({ x: p.epoch, y: p[s.key] }))));
          chart.draw();
          words(state);
        },
        text: words,
        downloads(state) {
          const keys = ['loss', 'metric', 'attention_on_target', 'hit_rate'];
          const rows = [['set', 'step', 'epoch', ...keys]];
          for (const [set, list] of [['training (recent batches)', state.points], ['validation', state.validations]])
            for (const p of list) rows.push([set, p.step, p.epoch, ...keys.map((k) => p[k])]);
          return [
            { label: 'PNG', name: `${name}.png`, png: canvas, title },
            { label: 'CSV', name: `${name}.csv`, csv: rows },
            { label: 'JSON', name: `${name}.json`, json: { recent_window: state.constants.recent_window, training: state.points, validation: state.validations } },
          ];
        },
      };
    },
  };
}

const last = (list, key) => {
  for (let i = list.length - 1; i >= 0; i--) if (Number.isFinite(list[i][key])) return list[i][key];
  return NaN;
};
const windowText = (state) => `the mean of the last ${state.constants.recent_window} training batches`;
const validationText = (state) => (state.run.validateEvery ? 'on the held-out validation samples every tenth of an epoch and at each epoch\'s end' : 'on the held-out validation samples at each epoch\'s end');

export const loss = curveView({
  name: 'loss',
  title: 'Loss',
  yTitle: (run) => lossName[run.config.loss] ?? run.config.loss,
  series: [{ label: 'training', key: 'loss' }, { label: 'validation', key: 'loss', validation: true }],
  table: {
    summary: 'Loss and metric as a table',
    columns: ['step', 'epoch', 'loss', 'metric'],
    row: (p) => [String(p.step), p.epoch.toFixed(3), p.loss.toFixed(4), fmt(p.metric, 4)],
  },
  caption(state) {
    const { run, points, validations } = state;
    const name = lossName[run.config.loss] ?? run.config.loss;
    if (!points.length) return `${name}: ${windowText(state)} (line) and ${validationText(state)} (diamonds).`;
    const v = last(validations, 'loss');
    return `${name}: ${points[0].loss.toFixed(3)} after the first recorded step, ${points.at(-1).loss.toFixed(3)} now (line: ${windowText(state)}); diamonds: ${validationText(state)}${Number.isFinite(v) ? `, last ${v.toFixed(3)}` : ''}.`;
  },
});

export const metric = curveView({
  name: 'metric',
  title: 'The task\'s metric',
  yTitle: (run) => metricName[run.task.metric],
  yMax: (run) => (run.task.metric === 'accuracy' ? 1 : undefined),
  series: [{ label: 'training', key: 'metric' }, { label: 'validation', key: 'metric', validation: true }],
  caption(state) {
    const { run, points, validations } = state;
    const accuracy = run.task.metric === 'accuracy';
    const what = run.task.head === 'translation'
      ? 'The share of output characters right (in training with the true previous character given, teacher forcing; on validation decoding greedily, each character from the model\'s own previous one)'
      : run.task.head === 'tokens' ? 'The share of tokens predicted right'
        : accuracy ? 'The share of answers right (0.5 is guessing)' : `The mean absolute error between the prediction and ${run.task.answer}`;
    const now = last(points, 'metric'), v = last(validations, 'metric');
    return `${what}: ${Number.isFinite(now) ? `${now.toFixed(3)} in training now` : 'not trained yet'}${Number.isFinite(v) ? `, ${v.toFixed(3)} on validation` : ''} (line: ${windowText(state)}).`;
  },
});

export const focus = curveView({
  name: 'focus',
  title: 'Is the attention on the answer?',
  yTitle: 'share',
  yMax: 1,
  series: [
    { label: 'attention on target (training)', key: 'attention_on_target', color: COLORS.blue },
    { label: 'attention on target (validation)', key: 'attention_on_target', validation: true, color: COLORS.sky },
    { label: 'hit rate (training)', key: 'hit_rate', color: COLORS.vermillion },
    { label: 'hit rate (validation)', key: 'hit_rate', validation: true, color: COLORS.orange },
  ],
  caption(state) {
    const { run, points, validations } = state;
    if (!run.hasAttention) return 'This model has no attention (a baseline): there is nothing to measure.';
    if (!run.task.ground_truth) return 'This task has no right place for the attention (random targets): there is nothing to measure.';
    const on = last(points, 'attention_on_target'), hit = last(points, 'hit_rate');
    const von = last(validations, 'attention_on_target'), vhit = last(validations, 'hit_rate');
    const uniform = Number.isFinite(run.uniformOnTarget) ? ` Spread evenly, attention on target would be ${run.uniformOnTarget.toFixed(3)}.` : '';
    const meaning = run.task.head === 'translation'
      ? 'Attention on target is the share of each output step\'s attention on the source character(s) it comes from; hit rate the share of output steps whose attention peaks there (in training under teacher forcing; on validation decoding greedily).'
      : 'Attention on target is the share of the attention on the position(s) holding the answer; hit rate the share of samples whose attention peaks there.';
    return `${meaning}${uniform} Now: ${fmt(on, 3)} on target, hit rate ${fmt(hit, 3)} (${windowText(state)})${Number.isFinite(von) ? `; validation ${fmt(von, 3)} and ${fmt(vhit, 3)}` : ''}.`;
  },
});
