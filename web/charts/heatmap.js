// Heatmaps with the viridis map: rows x columns of values, colour on a fixed scale [0, max]
// (so uniform attention looks uniform, and two moments compare), 1 unless stated.
// Heatmap (chartjs-chart-matrix, a tooltip per cell) shows the per-dimension attention
// (time x dimension); RasterHeatmap, below, the larger attention over training.
import { viridis, viridisRGB } from './colors.js';
import { baseOptions, makeChart } from './common.js';

// Integer ticks only (cells sit at integers), at most ~10 of them.
function integerTicks(count) {
  return (axis) => {
    const n = count();
    const step = Math.max(1, Math.ceil(n / 10));
    axis.ticks = [];
    for (let v = 0; v < n; v += step) axis.ticks.push({ value: v });
  };
}

export class Heatmap {
  constructor(canvas, { xTitle, yTitle, yLabel = (i) => String(i), max = 1 }) {
    this.max = max;
    this.rows = 0;
    this.cols = 0;
    this.yLabel = yLabel;
    this.chart = makeChart(canvas, {
      type: 'matrix',
      data: {
        datasets: [{
          label: 'attention',
          data: [],
          backgroundColor: (ctx) => viridis((ctx.raw?.v ?? 0) / this.max),
          borderWidth: 0,
          width: ({ chart }) => Math.max(1, (chart.chartArea?.width ?? 0) / Math.max(1, this.cols)),
          height: ({ chart }) => Math.max(1, (chart.chartArea?.height ?? 0) / Math.max(1, this.rows)),
        }],
      },
      options: baseOptions({
        scales: {
          x: { type: 'linear', offset: false, min: -0.5, max: 0.5, title: { display: true, text: xTitle },
               afterBuildTicks: integerTicks(() => this.cols), ticks: { callback: (v) => v }, grid: { display: false } },
          y: { type: 'linear', offset: false, reverse: true, min: -0.5, max: 0.5, title: { display: true, text: yTitle },
               afterBuildTicks: integerTicks(() => this.rows), ticks: { callback: (v) => this.yLabel(v) }, grid: { display: false } },
        },
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              title: () => '',
              label: (ctx) => `${yTitle} ${this.yLabel(ctx.raw.y)}, ${xTitle} ${ctx.raw.x}: ${ctx.raw.v.toFixed(3)}`,
            },
          },
        },
      }),
    });
  }

  // rows: array of arrays (each of length cols).
  update(rows) {
    const data = [];
    rows.forEach((row, y) => row.forEach((v, x) => data.push({ x, y, v })));
    this.rows = rows.length;
    this.cols = rows[0]?.length ?? 0;
    const { x, y } = this.chart.options.scales;
    x.max = this.cols - 0.5;
    y.max = this.rows - 0.5;
    this.chart.data.datasets[0].data = data;
    this.chart.update('none');
  }
}

// The same picture for large grids (the attention over training: up to ~100 x positions):
// the cells are one bitmap scaled into the chart area, so a redraw costs Chart.js's axes and
// one drawImage instead of thousands of elements.
const rasterPlugin = {
  id: 'raster',
  beforeDatasetsDraw(chart, _args, { image }) {
    if (!image) return;
    const { ctx, chartArea: a } = chart;
    ctx.save();
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(image, a.left, a.top, a.right - a.left, a.bottom - a.top);
    ctx.restore();
  },
};

export class RasterHeatmap {
  constructor(canvas, { xTitle, yTitle, yLabel = (i) => String(i), max = 1 }) {
    this.max = max;
    this.rows = 0;
    this.cols = 0;
    this.image = document.createElement('canvas');
    this.chart = makeChart(canvas, {
      type: 'scatter',
      data: { datasets: [{ data: [] }] },
      plugins: [rasterPlugin],
      options: baseOptions({
        plugins: { legend: { display: false }, tooltip: { enabled: false }, raster: { image: null } },
        scales: {
          x: { type: 'linear', min: -0.5, max: 0.5, title: { display: true, text: xTitle },
               afterBuildTicks: integerTicks(() => this.cols), ticks: { callback: (v) => v }, grid: { display: false } },
          y: { type: 'linear', reverse: true, min: -0.5, max: 0.5, title: { display: true, text: yTitle },
               afterBuildTicks: integerTicks(() => this.rows), ticks: { callback: (v) => yLabel(v) }, grid: { display: false } },
        },
      }),
    });
  }

  update(rows) {
    this.rows = rows.length;
    this.cols = rows[0]?.length ?? 0;
    if (!this.rows || !this.cols) return;
    const img = new ImageData(this.cols, this.rows);
    rows.forEach((row, y) => row.forEach((v, x) => {
      const [r, g, b] = viridisRGB(v / this.max);
      const i = 4 * (y * this.cols + x);
      img.data[i] = r;
      img.data[i + 1] = g;
      img.data[i + 2] = b;
      img.data[i + 3] = 255;
    }));
    Object.assign(this.image, { width: this.cols, height: this.rows });
    this.image.getContext('2d').putImageData(img, 0, 0);
    const { x, y } = this.chart.options.scales;
    x.max = this.cols - 0.5;
    y.max = this.rows - 0.5;
    this.chart.options.plugins.raster.image = this.image;
    this.chart.update('none');
  }
}
