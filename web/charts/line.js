// A training curve: the running training value (a line over epochs) and the validation value
// at each epoch's end (points). update() appends; reset() clears.
import { COLORS } from './colors.js';
import { baseOptions, makeChart } from './common.js';

export class CurveChart {
  constructor(canvas, { label, yMax = undefined }) {
    this.chart = makeChart(canvas, {
      type: 'line',
      data: {
        datasets: [
          { label: `training ${label}`, data: [], borderColor: COLORS.blue, backgroundColor: COLORS.blue,
            borderWidth: 2, pointRadius: 0, tension: 0 },
          { label: `validation ${label}`, data: [], borderColor: COLORS.vermillion, backgroundColor: COLORS.vermillion,
            borderWidth: 2, borderDash: [6, 3], pointRadius: 3, pointStyle: 'rectRot', tension: 0 },
        ],
      },
      options: baseOptions({
        parsing: false,
        normalized: true,
        scales: {
          x: { type: 'linear', min: 0, title: { display: true, text: 'epoch' } },
          y: { type: 'linear', min: 0, max: yMax, title: { display: true, text: label } },
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

  // train: [{x, y}] to append; validation: the full list of per-epoch values.
  update(train, validation) {
    const [t, v] = this.chart.data.datasets;
    for (const p of train) t.data.push(p);
    if (t.data.length > 1500) t.data = t.data.filter((_, i) => i % 2 === 0 || i === t.data.length - 1);
    v.data = Array.from(validation, (y, i) => ({ x: i + 1, y }));
    this.chart.update('none');
  }
}
