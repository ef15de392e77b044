// The attention map, as the later examples drew it every epoch: for a dozen held-out samples
// (rows) over the positions (columns), the attention, its peak, and where the answer truly is,
// side by side, on a fixed scale from 0 to 1. Frames are recorded through training (every
// epoch and many times within); a scrubber picks any moment and Play replays them as the
// seed's animation did. The moment shown is marked in words and on the scrubber.
import { viridis } from '../charts/colors.js';
import { gif as gifOf } from '../downloads.js';
import { legend } from './attention.js';
import { argmax, el, fillTable } from './dom.js';
import { momentOf, scrubber } from './replay.js';

const PANELS = [
  { key: 'attention', title: 'attention' },
  { key: 'peak', title: 'its peak' },
  { key: 'truth', title: 'the answer' },
];

// Draws frame f (its three panels) onto canvas, `width` CSS pixels wide (taller than its cells
// need by `top`, for a title); returns each sample's peak, how many peaks are on the answer,
// and the attention on the answer summed over samples. `maxHeight` caps the rows' height.
function render(canvas, f, width, { title = '', top = 18, scale = window.devicePixelRatio || 1, maxHeight = Infinity } = {}) {
  const { rows, positions: P } = f;
  const gap = 12, label = 22, bottom = 16;
  const cell = Math.max(3, Math.min(18, Math.floor((width - label - 2 * gap) / (3 * P)), Math.floor((maxHeight - top - bottom) / rows)));
  const rowH = Math.max(cell, 13); // cells may be wider than tall, never too flat to label
  const panel = cell * P;
  const cssWidth = label + 3 * panel + 2 * gap, height = top + rows * rowH + bottom;
  const w = Math.round(cssWidth * scale), h = Math.round(height * scale);
  if (canvas.width !== w || canvas.height !== h) { // resizing the canvas costs a new bitmap
    canvas.width = w;
    canvas.height = h;
    canvas.style.width = `${cssWidth}px`;
    canvas.style.height = `${height}px`;
  }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(scale, 0, 0, scale, 0, 0);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, cssWidth, height);
  if (title) {
    ctx.fillStyle = '#1f2933';
    ctx.font = 'bold 13px system-ui, sans-serif';
    ctx.textAlign = 'left';
    ctx.textBaseline = 'top';
    ctx.fillText(title, 4, 4);
  }
  ctx.font = '11px system-ui, sans-serif';
  ctx.fillStyle = '#374151';
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'right';
  for (let r = 0; r < rows; r++) ctx.fillText(String(r), label - 4, top + r * rowH + rowH / 2);
  const peaks = [];
  let hits = 0, onTruth = 0;
  for (let r = 0; r < rows; r++) {
    const a = f.attention.subarray(r * P, (r + 1) * P);
    const p = argmax(a);
    peaks.push(p);
    if (f.mask) {
      hits += f.mask[r * P + p] === 1;
      for (let q = 0; q < P; q++) if (f.mask[r * P + q] === 1) onTruth += a[q];
    }
  }
  PANELS.forEach(({ title: name, key }, k) => {
    const x0 = label + k * (panel + gap);
    ctx.textAlign = 'center';
    ctx.textBaseline = 'alphabetic';
    ctx.fillStyle = '#374151';
    ctx.fillText(name, x0 + panel / 2, top - 5);
    for (let r = 0; r < rows; r++)
      for (let q = 0; q < P; q++) {
        const v = key === 'attention' ? f.attention[r * P + q] : key === 'peak' ? Number(peaks[r] === q) : f.mask ? f.mask[r * P + q] : 0;
        ctx.fillStyle = viridis(v);
        ctx.fillRect(x0 + q * cell, top + r * rowH, cell, rowH);
      }
    ctx.textBaseline = 'top';
    ctx.fillStyle = '#52606d';
    ctx.fillText(`0 … ${P - 1}`, x0 + panel / 2, top + rows * rowH + 2);
  });
  return { peaks, hits, onTruth, width: cssWidth, height };
}

// A frame's samples: each one's peak, where its answer is, the attention there.
function frameRows(f, peaks) {
  const P = f.positions;
  return peaks.map((peak, r) => {
    const truth = [];
    let onTruth = 0;
    for (let q = 0; q < P; q++) if (f.mask?.[r * P + q] === 1) { truth.push(q); onTruth += f.attention[r * P + q]; }
    return { sample: r, peak, truth, onTruth };
  });
}


export const map = {
  name: 'map',
  title: 'The attention, sample by sample',
  applies: (run) => run.mapSamples > 0,
  every: 250,
  create(figure, app) {
    const canvas = el('canvas', { id: 'chart-map', role: 'img', ariaLabelledby: 'map-title', ariaDescribedby: 'map-caption' });
    const box = el('div', { className: 'map-box' }, [canvas]);
    const frames = () => app.state.frames;
    let shown = null;    // the frame on screen
    const scrub = scrubber({
      name: 'map', moments: frames, show: (f) => { shown = f; draw(f); },
      epochs: () => app.state.run.config.epochs, playing: () => app.state.playing,
    });
    const controls = el('div', { className: 'scrub' }, scrub.controls);
    const captionEl = el('figcaption', { id: 'map-caption' });
    const details = el('details', { id: 'map-data' }, [
      el('summary', { textContent: 'This moment as a table' }),
      el('div', { className: 'table-scroll', tabIndex: 0, role: 'region', ariaLabel: 'The attention map as a table' }, [
        el('table', {}, [el('thead', {}, [el('tr', {}, ['sample', 'peak at', 'answer at', 'attention on the answer'].map((t) => el('th', { textContent: t })))]), el('tbody')]),
      ]),
    ]);
    figure.append(box, controls, legend(), captionEl, details);

    new ResizeObserver(() => draw(shown)).observe(box);

    function draw(f) {
      if (!f) return;
      // --map-max-height (the widget's compact layout) caps the rows' height.
      const maxHeight = parseFloat(getComputedStyle(box).getPropertyValue('--map-max-height')) || Infinity;
      const { peaks, hits, onTruth } = render(canvas, f, Math.max(240, box.clientWidth), { maxHeight });
      const { rows, positions: P } = f;
      captionEl.textContent = `Rows are ${rows} held-out samples, columns the ${P} positions. Left: the attention (brighter is more, from 0 to 1); middle: where it peaks; right: where the answer is. ` +
        (f.mask ? `Here the peak is on the answer for ${hits} of ${rows} samples, and ${(onTruth / rows).toFixed(2)} of the attention is on it on average.` : '');
      if (details.open) fillTable(details, frameRows(f, peaks).map((r) => [String(r.sample), String(r.peak), r.truth.join(', '), r.onTruth.toFixed(3)]));
    }
    details.addEventListener('toggle', () => details.open && draw(shown));

    return {
      reset() {
        scrub.reset();
        shown = null;
      },
      update: () => scrub.update(),
      // The moment shown as PNG, CSV and JSON; every recorded moment as JSON and as an animated GIF.
      downloads(state) {
        const f = shown;
        if (!f) return [];
        const epochs = state.run.config.epochs;
        const rows = frameRows(f, Array.from({ length: f.rows }, (_, r) => argmax(f.attention.subarray(r * f.positions, (r + 1) * f.positions))));
        const cells = [['sample', 'position', 'attention', 'peak', 'answer']];
        for (const r of rows)
          for (let q = 0; q < f.positions; q++)
            cells.push([r.sample, q, f.attention[r.sample * f.positions + q], Number(r.peak === q), Number(r.truth.includes(q))]);
        return [
          { label: 'PNG', name: 'attention-map.png', make: () => {
            const c = document.createElement('canvas');
            render(c, f, 720, { title: `The attention at ${momentOf(f, epochs)}`, top: 40, scale: 2 });
            return new Promise((resolve) => c.toBlob(resolve, 'image/png'));
          } },
          { label: 'CSV', name: 'attention-map.csv', csv: cells },
          { label: 'JSON (all moments)', name: 'attention-maps.json', json: { positions: f.positions, samples: f.rows, frames: frames().map((x) => ({ step: x.step, epoch: x.epoch, attention: x.attention, mask: x.mask })) } },
          { label: 'GIF (the animation)', name: 'attention-map.gif', make: () => {
            const size = render(document.createElement('canvas'), f, 720, { top: 40, scale: 1 });
            return gifOf(frames(), (c, x) => render(c, x, 720, { title: `The attention at ${momentOf(x, epochs)}`, top: 40, scale: 1 }), { width: size.width, height: size.height });
          } },
        ];
      },
    };
  },
};
