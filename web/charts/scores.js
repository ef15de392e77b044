// Scores over training with the loss beside them (the self-attention heads' curve): lines on a
// fixed 0-1 axis at the left (one per head) and the loss on its own axis at the right, over
// epochs. The caller gives each line its colour and dash pattern, so colour is not the only
// cue. reset(series, epochs) sets the lines; set(i, points) replaces line i's points; draw().
import { baseOptions, makeChart } from './common.js';

const LEGEND_MAX = 16; // more lines than this: no legend (the caption and the table name them)

export class ScoreChart {
  constructor(canvas, { yTitle, lossTitle = 'loss' }) {
    this.chart = makeChart(canvas, {
      type: 'line',
      data: { datasets: [] },
      options: baseOptions({
        parsing: false,
        normalized: true,
        scales: {
          x: { type: 'linear', min: 0, title: { display: true, text: 'epoch' } },
          y: { type: 'linear', position: 'left', min: 0, max: 1, title: { display: true, text: yTitle } },
          loss: { type: 'linear', position: 'right', min: 0, title: { display: true, text: lossTitle }, grid: { drawOnChartArea: false } },
        },
        plugins: {
          legend: { display: true, position: 'bottom', labels: { usePointStyle: true, pointStyleWidth: 26, boxHeight: 8 } },
          tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label}: ${ctx.parsed.y.toFixed(3)}` } },
        },
      }),
    });
  }

  // series: [{ label, color, dash, loss }] (loss: drawn against the right axis); epochs: the x axis's end.
  reset(series, epochs) {
    this.chart.data.datasets = series.map(({ label, color, dash = [], loss = false }) => ({
      label, data: [], borderColor: color, backgroundColor: color, borderWidth: 2, borderDash: dash,
      pointRadius: 0, pointStyle: 'line', tension: 0, yAxisID: loss ? 'loss' : 'y',
    }));
    this.chart.options.scales.x.max = epochs;
    this.chart.options.plugins.legend.display = series.length <= LEGEND_MAX;
    this.chart.update('none');
  }

  // points: [{ x, y }], line i's whole curve (non-finite y are skipped).
  set(i, points) {
    const ds = this.chart.data.datasets[i];
    if (ds) ds.data = points.filter((p) => Number.isFinite(p.y));
  }

  draw() {
    this.chart.update('none');
  }
}
