// A bar chart over positions with one position marked (the attention vs the answer's
// position, or a sample input with its target). The marked bar is vermillion (3.9:1 against
// white, the unmarked blue 4.8:1) and carries a ★
// above it and in its tick label, so the mark does not rely on colour alone.
import { COLORS } from './colors.js';
import { baseOptions, makeChart } from './common.js';

// Draws the ★ above (or below, for a negative value) the marked bar.
const starPlugin = {
  id: 'markStar',
  afterDatasetsDraw(chart, _args, options) {
    const bar = chart.getDatasetMeta(0).data[options.index];
    if (!bar) return;
    const { ctx } = chart;
    const value = chart.data.datasets[0].data[options.index];
    ctx.save();
    ctx.fillStyle = COLORS.vermillion;
    ctx.font = 'bold 14px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = value < 0 ? 'top' : 'bottom';
    ctx.fillText('★', bar.x, value < 0 ? bar.y + 2 : bar.y - 2);
    ctx.restore();
  },
};

// Shared font objects: Chart.js measures tick labels per font, so one object per weight.
const BOLD = Object.freeze({ weight: 'bold' });
const NORMAL = Object.freeze({ weight: 'normal' });

export class BarChart {
  constructor(canvas, { xTitle, yTitle, yMin = undefined, yMax = undefined }) {
    this.mark = -1;
    this.chart = makeChart(canvas, {
      type: 'bar',
      data: { labels: [], datasets: [{ label: yTitle, data: [], backgroundColor: [], borderWidth: 0 }] },
      plugins: [starPlugin],
      options: baseOptions({
        layout: { padding: { top: 16 } },
        plugins: { legend: { display: false }, markStar: { index: -1 } },
        scales: {
          x: {
            title: { display: true, text: xTitle },
            ticks: {
              autoSkip: true,
              maxRotation: 0,
              callback: (value, index) => (index === this.mark ? `${index}★` : `${index}`),
              color: (ctx) => (ctx.index === this.mark ? COLORS.vermillion : '#374151'),
              font: (ctx) => (ctx.index === this.mark ? BOLD : NORMAL),
            },
          },
          y: { min: yMin, max: yMax, title: { display: true, text: yTitle } },
        },
      }),
    });
  }

  // values: numbers per position; mark: the position to highlight.
  update(values, mark) {
    this.mark = mark;
    this.chart.options.plugins.markStar.index = mark;
    const ds = this.chart.data.datasets[0];
    const n = values.length;
    if (this.chart.data.labels.length !== n) this.chart.data.labels = Array.from({ length: n }, (_, i) => i);
    ds.data = Array.from(values);
    ds.backgroundColor = ds.data.map((_, i) => (i === mark ? COLORS.vermillion : COLORS.blue));
    this.chart.update('none');
  }

}
