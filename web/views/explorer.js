// The sample explorer: held-out samples one at a time, two side by side, each with its input,
// the attention it gets (a line on its own axis from 0 to 1), where the answer is (★), the
// target and the model's prediction now. For the 0/1 tasks one panel shows a sample of each
// class. Previous/Next step through the held-out samples.
import { COLORS } from '../charts/colors.js';
import { baseOptions, makeChart } from '../charts/common.js';
import { el } from './dom.js';

const PANELS = 2;
const MAX_FEATURES = 4; // input features drawn as bars; more are summarised by the first

function panelChart(canvas) {
  return makeChart(canvas, {
    type: 'bar',
    data: { labels: [], datasets: [] },
    options: baseOptions({
      plugins: { legend: { display: true, position: 'bottom', labels: { boxWidth: 10 } } },
      scales: {
        x: { title: { display: true, text: 'position' }, ticks: { autoSkip: true, maxRotation: 0 } },
        y: { title: { display: true, text: 'input' } },
        a: { position: 'right', min: 0, max: 1, title: { display: true, text: 'attention' }, grid: { drawOnChartArea: false } },
      },
    }),
  });
}

export const explorer = {
  name: 'explorer',
  title: 'Held-out samples, one by one',
  applies: (run) => run.task.head === 'sigmoid' || run.task.head === 'linear', // one target per sample (not a token per step)
  every: 750,
  create(figure, app) {
    const prev = el('button', { id: 'explorer-prev', type: 'button', textContent: '‹ Previous' });
    const next = el('button', { id: 'explorer-next', type: 'button', textContent: 'Next ›' });
    const position = el('span', { id: 'explorer-position', className: 'muted' });
    const panels = Array.from({ length: PANELS }, (_, i) => {
      const canvas = el('canvas', { id: `chart-sample-${i}`, role: 'img', ariaLabel: `Held-out sample ${i === 0 ? 'A' : 'B'}: its input and the attention it gets`, ariaDescribedby: `sample-${i}-text explorer-caption` });
      const text = el('p', { id: `sample-${i}-text`, className: 'sample-text' });
      const node = el('div', { className: 'sample' }, [el('div', { className: 'chart-box short' }, [canvas]), text]);
      return { node, canvas, text, chart: null, index: -1 };
    });
    const captionEl = el('figcaption', { id: 'explorer-caption' });
    figure.append(el('div', { className: 'buttons' }, [prev, next, position]), el('div', { className: 'pair' }, panels.map((p) => p.node)), captionEl);
    for (const p of panels) p.chart = panelChart(p.canvas);

    let page = 0;
    const arrived = []; // samples from the worker, not drawn yet
    let askedAt = -1;   // the training step of the last request
    let shownSamples = []; // the samples on screen, for the download
    // The held-out samples each panel steps through: for 0/1 tasks, one class per panel.
    let lists = [[], []];
    function pick() {
      const { run } = app.state;
      const count = Math.floor(Math.min(...lists.map((l) => l.length)));
      page = ((page % count) + count) % count;
      const indices = lists.map((l) => l[page]);
      panels.forEach((p, i) => (p.index = indices[i]));
      position.textContent = `${page + 1} of ${count}${run.task.head === 'sigmoid' ? ' (one of each class)' : ''}`;
      askedAt = app.state.metrics?.step ?? 0;
      app.request('samples', { indices });
    }
    prev.addEventListener('click', () => { page--; pick(); });
    next.addEventListener('click', () => { page++; pick(); });

    // The positions where the sample's answer is.
    const truthOf = (s) => (s.mask ? Array.from(s.mask, (m, q) => (m === 1 ? q : -1)).filter((q) => q >= 0) : []);

    // The sample's words: kept current even while the view is off the screen.
    function describe(p, s, run) {
      const truth = truthOf(s);
      const peak = s.attention ? Array.from(s.attention).indexOf(Math.max(...s.attention)) : -1;
      const target = run.task.head === 'sigmoid' ? String(s.target) : s.target.toFixed(3);
      const prediction = run.task.head === 'sigmoid' ? `${s.prediction.toFixed(3)} (${s.prediction > 0.5 ? '1' : '0'})` : s.prediction.toFixed(3);
      p.text.textContent = `Sample ${s.index}: the answer is ${target}${truth.length ? `, at position ${truth.join(' and ')} (★)` : ''}; the model predicts ${prediction}.` +
        (s.attention ? ` Its attention peaks at ${peak}${truth.length ? (truth.includes(peak) ? ', on the answer' : ', not on the answer') : ''}.` : '');
    }

    function drawPanel(p, s) {
      const [T, D] = s.shape.length > 1 ? s.shape : [s.shape[0], 1];
      const features = Math.min(D, MAX_FEATURES);
      const palette = [COLORS.blue, COLORS.sky, COLORS.green, COLORS.grey];
      const truth = truthOf(s);
      const chart = p.chart;
      chart.data.labels = Array.from({ length: T }, (_, q) => (truth.includes(q) ? `${q}★` : String(q)));
      chart.data.datasets = Array.from({ length: features }, (_, f) => ({
        type: 'bar', label: D > 1 ? `input feature ${f}` : 'input', yAxisID: 'y', borderWidth: 0,
        data: Array.from({ length: T }, (_, q) => s.input[q * D + f]),
        backgroundColor: Array.from({ length: T }, (_, q) => (truth.includes(q) ? COLORS.vermillion : palette[f])),
      }));
      if (s.attention)
        chart.data.datasets.push({ type: 'line', label: 'attention', yAxisID: 'a', data: Array.from(s.attention), borderColor: COLORS.ink, backgroundColor: COLORS.ink, pointRadius: 2, borderWidth: 2 });
      chart.options.scales.a.display = Boolean(s.attention);
      chart.update('none');
    }

    return {
      reset(run) {
        const targets = run.testTargets;
        if (run.task.head === 'sigmoid') {
          lists = [0, 1].map((c) => targets.map((t, i) => (t === c ? i : -1)).filter((i) => i >= 0));
          if (!lists[0].length || !lists[1].length) lists = [targets.map((_, i) => i).filter((i) => i % 2 === 0), targets.map((_, i) => i).filter((i) => i % 2 === 1)];
        } else {
          lists = [targets.map((_, i) => i).filter((i) => i % 2 === 0), targets.map((_, i) => i).filter((i) => i % 2 === 1)];
        }
        if (!lists[1].length) lists[1] = lists[0];
        page = 0;
        captionEl.textContent = run.task.sequence
          ? `Each bar is the input at one time step${run.config.input_dim > 1 ? ` (the first ${Math.min(run.config.input_dim, MAX_FEATURES)} features)` : ''}; the line is the attention the sample gets (right axis, 0 to 1); ★ marks the answer's position.`
          : 'Each bar is one entry of the input vector; the line is the attention the sample gets (right axis, 0 to 1); ★ marks the answer\'s position.';
        pick();
      },
      // Draws the samples that arrived; asks for fresh ones (the prediction changes as it trains).
      update(state) {
        for (const s of arrived.splice(0)) {
          const p = panels.find((x) => x.index === s.index);
          if (p) drawPanel(p, s);
        }
        const indices = panels.map((p) => p.index);
        const step = state.metrics?.step ?? 0;
        if (step !== askedAt && indices.every((i) => i >= 0)) {
          askedAt = step;
          app.request('samples', { indices });
        }
      },
      downloads() {
        if (!shownSamples.length) return [];
        return [{ label: 'JSON', name: 'samples.json', json: shownSamples }];
      },
      samples(list, run) {
        shownSamples = list;
        arrived.splice(0, arrived.length, ...list);
        for (const s of list) {
          const p = panels.find((x) => x.index === s.index);
          if (p) describe(p, s, run);
        }
      },
    };
  },
};
