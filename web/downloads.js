// Downloads made in the page (no server, works offline): a chart as PNG at twice its size with
// its title, a view's numbers as CSV and JSON, and the attention map's frames as an animated
// GIF. Each view says what it offers (its instance's downloads(state)); main.js adds the menu.
import { viridis } from './charts/colors.js';
import { GIFEncoder, applyPalette, quantize } from './vendor/gifenc.esm.js';

export function save(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const toBlob = (canvas, type = 'image/png') => new Promise((resolve) => canvas.toBlob(resolve, type));

// A canvas (a Chart.js chart, or one drawn by hand) as a PNG at `scale` times its size, on
// white, with the title above it and, for a heatmap (`colorScale`), its 0..1 scale below.
export async function png(canvas, title, { scale = 2, colorScale = false } = {}) {
  const chart = globalThis.Chart?.getChart(canvas);
  let image = canvas;
  if (chart) { // redraw at the higher resolution, then back
    const ratio = chart.options.devicePixelRatio;
    chart.options.devicePixelRatio = scale;
    chart.resize();
    image = copyOf(canvas);
    chart.options.devicePixelRatio = ratio;
    chart.resize();
  }
  const width = canvas.clientWidth || canvas.width, height = canvas.clientHeight || canvas.height;
  const head = 28, foot = colorScale ? 26 : 0;
  const out = document.createElement('canvas');
  out.width = Math.round(width * scale);
  out.height = Math.round((height + head + foot) * scale);
  const ctx = out.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.scale(scale, scale);
  ctx.fillStyle = '#1f2933';
  ctx.font = 'bold 15px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  ctx.fillText(title, 8, head / 2);
  ctx.drawImage(image, 0, head, width, height);
  if (colorScale) {
    const x0 = 24, w = Math.min(200, width - 60), y = head + height + 6;
    for (let i = 0; i < w; i++) {
      ctx.fillStyle = viridis(i / (w - 1));
      ctx.fillRect(x0 + i, y, 1, 10);
    }
    ctx.fillStyle = '#52606d';
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillText('0', 10, y + 5);
    ctx.fillText('1', x0 + w + 6, y + 5);
  }
  return toBlob(out);
}

function copyOf(canvas) {
  const c = document.createElement('canvas');
  c.width = canvas.width;
  c.height = canvas.height;
  c.getContext('2d').drawImage(canvas, 0, 0);
  return c;
}

// rows: [header, ...rows] of strings or numbers -> RFC 4180 CSV.
export function csv(rows) {
  const cell = (v) => {
    const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v ?? '');
    return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return new Blob([rows.map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n'], { type: 'text/csv' });
}

export function json(value) {
  const plain = JSON.stringify(value, (_, v) => (ArrayBuffer.isView(v) ? Array.from(v) : v), 1);
  return new Blob([plain], { type: 'application/json' });
}

// frames: each drawn by draw(canvas, frame) onto a canvas of the given size -> an animated GIF,
// `delay` ms per frame, the last one held.
export function gif(frames, draw, { width, height, delay = 150 }) {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const encoder = GIFEncoder();
  frames.forEach((f, i) => {
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, width, height);
    draw(canvas, f);
    const { data } = ctx.getImageData(0, 0, width, height);
    const palette = quantize(data, 256);
    encoder.writeFrame(applyPalette(data, palette), width, height, { palette, delay: i === frames.length - 1 ? 2000 : delay });
  });
  encoder.finish();
  return new Blob([encoder.bytes()], { type: 'image/gif' });
}
