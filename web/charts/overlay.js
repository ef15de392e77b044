// Several runs' curves on one chart (the comparison page): one line per run over epochs, each
// in its own colour and dash pattern, so colour is not the only cue. The legend is the page's
// (one for all charts). reset(series, epochs) sets the lines; set(i, points) replaces line i's
// points (cheap: a few thousand per run at most); draw().
import { baseOptions, makeChart } from './common.js';

const MAX_POINTS = 600; // a longer line is thinned to about this many points (a chart is a few hundred px wide)

export class OverlayChart {
  constructor(canvas, { yTitle = '', yMax = undefined } = {}) {
    this.chart = makeChart(canvas, {
      type: 'line',
      data: { datasets: [] },
      options: baseOptions({
        parsing: false,
        normalized: true,
        scales: {
          x: { type: 'linear', min: 0, title: { display: true, text: 'epoch' } },
          y: { type: 'linear', min: 0, max: yMax, title: { display: true, text: yTitle } },
        },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label}: ${ctx.parsed.y.toFixed(4)}` } },
        },
      }),
    });
  }

  // series: [{ label, color, dash }]; epochs: the x axis's end; yTitle, yMax: optional.
  reset(series, epochs, { yTitle, yMax } = {}) {
    this.chart.data.datasets = series.map(({ label, color, dash }) => ({
      label, data: [], borderColor: color, backgroundColor: color, borderWidth: 2, borderDash: dash,
      pointRadius: 0, tension: 0,
    }));
    const { x, y } = this.chart.options.scales;
    x.max = epochs;
    if (yTitle !== undefined) y.title.text = yTitle;
    if (yMax !== undefined) y.max = yMax ?? undefined;
    this.chart.update('none');
  }

  // points: [{ x, y }], line i's whole curve (non-finite y are skipped; a long curve is thinned
  // to about MAX_POINTS, keeping its last point).
  set(i, points) {
    const ds = this.chart.data.datasets[i];
    if (!ds) return;
    const finite = points.filter((p) => Number.isFinite(p.y));
    const every = Math.ceil(finite.length / MAX_POINTS);
    ds.data = every > 1 ? finite.filter((_, k) => k % every === 0 || k === finite.length - 1) : finite;
  }

  draw() {
    this.chart.update('none');
  }
}
