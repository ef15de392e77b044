// Training curves over epochs: a few named series, each a line (the recent training value) or
// points (validation). append() adds points to a series; set() replaces one; reset() clears.
import { COLORS } from './colors.js';
import { baseOptions, makeChart } from './common.js';

const MAX_POINTS = 1500; // beyond this a series keeps every other point

export class CurveChart {
  // series: [{ label, color, validation }]: validation series are dashed with diamond points.
  constructor(canvas, { yTitle, yMax = undefined, series }) {
    this.chart = makeChart(canvas, {
      type: 'line',
      data: {
        datasets: series.map(({ label, color, validation }) => ({
          label, data: [], borderColor: color, backgroundColor: color, borderWidth: 2, tension: 0,
          pointRadius: validation ? 3 : 0, pointStyle: validation ? 'rectRot' : 'circle',
          borderDash: validation ? [6, 3] : [],
        })),
      },
      options: baseOptions({
        parsing: false,
        normalized: true,
        scales: {
          x: { type: 'linear', min: 0, title: { display: true, text: 'epoch' } },
          y: { type: 'linear', min: 0, max: yMax, title: { display: true, text: yTitle } },
        },
        plugins: { legend: { display: true, position: 'bottom', labels: { usePointStyle: true, boxWidth: 8 } } },
      }),
    });
  }

  reset(epochs) {
    for (const d of this.chart.data.datasets) d.data.length = 0;
    this.chart.options.scales.x.max = epochs;
    this.chart.update('none');
  }

  // points: [{ x, y }] to add to series i (non-finite y are skipped).
  append(i, points) {
    const ds = this.chart.data.datasets[i];
    for (const p of points) if (Number.isFinite(p.y)) ds.data.push(p);
    if (ds.data.length > MAX_POINTS) ds.data = ds.data.filter((_, k) => k % 2 === 0 || k === ds.data.length - 1);
  }

  draw() {
    this.chart.update('none');
  }
}

export { COLORS };
