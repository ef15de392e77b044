// Settings every chart shares: no animation (updates are live), responsive, readable ticks.
const { Chart } = globalThis;

export function baseOptions(extra = {}) {
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    interaction: { mode: 'nearest', intersect: false },
    plugins: { legend: { display: false }, tooltip: { enabled: true } },
    ...extra,
  };
}

export function makeChart(canvas, config) {
  return new Chart(canvas.getContext('2d'), config);
}
