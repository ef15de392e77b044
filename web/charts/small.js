// Small multiples for the comparison page: one run's attention in a small canvas, on one fixed
// scale from 0 to 1 for every run, so the runs compare at a glance. Plain 2D canvas (six of
// them redraw often; Chart.js would cost more than the picture).
// - bars(): the attention per position (averaged over held-out samples and features), the
//   answer's position marked with ★ under its bar (not by colour alone);
// - map(): held-out samples (rows) x positions (columns), viridis from 0 to 1, the answer's
//   positions marked with a dot (the later tasks, whose answer moves from sample to sample).
import { COLORS, viridis } from './colors.js';

const INK = '#374151';
const FONT = '11px system-ui, sans-serif';

// Size the canvas's bitmap to its CSS box (and the screen's pixel ratio); returns its
// context in CSS pixels with the box's width and height.
function prepare(canvas) {
  const dpr = window.devicePixelRatio || 1;
  const width = Math.max(60, canvas.clientWidth), height = Math.max(40, canvas.clientHeight);
  const w = Math.round(width * dpr), h = Math.round(height * dpr);
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, height);
  ctx.font = FONT;
  return { ctx, width, height };
}

// The fixed scale's frame: 0 and 1 on the left, a line at each.
function axis(ctx, left, top, bottom, right) {
  ctx.strokeStyle = '#d9e2ec';
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (const y of [top, bottom]) {
    ctx.moveTo(left, y + 0.5);
    ctx.lineTo(right, y + 0.5);
  }
  ctx.stroke();
  ctx.fillStyle = INK;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  ctx.fillText('1', left - 4, top);
  ctx.fillText('0', left - 4, bottom);
}

/** values: one weight per position; mark: the answer's position (-1: none); color: the run's. */
export function bars(canvas, values, { mark = -1, color = COLORS.blue } = {}) {
  const { ctx, width, height } = prepare(canvas);
  const left = 16, right = width - 4, top = 6, bottom = height - 16;
  axis(ctx, left, top, bottom, right);
  const n = values.length;
  if (!n) return;
  const slot = (right - left) / n;
  const gap = slot > 6 ? 1 : 0;
  for (let i = 0; i < n; i++) {
    const v = Math.min(1, Math.max(0, values[i]));
    const h = v * (bottom - top);
    ctx.fillStyle = color;
    ctx.fillRect(left + i * slot + gap, bottom - h, Math.max(1, slot - 2 * gap), h);
  }
  ctx.textBaseline = 'top';
  ctx.textAlign = 'center';
  ctx.fillStyle = INK;
  if (mark >= 0 && mark < n) {
    ctx.font = 'bold 11px system-ui, sans-serif';
    ctx.fillText(`★${mark}`, left + (mark + 0.5) * slot, bottom + 3);
  } else {
    ctx.fillText(`0 … ${n - 1}`, (left + right) / 2, bottom + 3);
  }
}

/** rows x positions of attention (Float32Array, row-major) and the same of 0/1 truth (or null). */
export function map(canvas, { attention, mask, rows, positions }) {
  const { ctx, width, height } = prepare(canvas);
  const left = 2, top = 2, bottom = height - 16;
  const cw = (width - left - 2) / positions, ch = (bottom - top) / rows;
  for (let r = 0; r < rows; r++)
    for (let q = 0; q < positions; q++) {
      ctx.fillStyle = viridis(attention[r * positions + q]);
      ctx.fillRect(left + q * cw, top + r * ch, Math.ceil(cw), Math.ceil(ch));
    }
  if (mask) {
    const radius = Math.max(1.5, Math.min(cw, ch) / 3.5);
    ctx.lineWidth = 1;
    for (let r = 0; r < rows; r++)
      for (let q = 0; q < positions; q++) {
        if (mask[r * positions + q] !== 1) continue;
        ctx.beginPath();
        ctx.arc(left + (q + 0.5) * cw, top + (r + 0.5) * ch, radius, 0, 2 * Math.PI);
        ctx.fillStyle = '#fff';
        ctx.fill();
        ctx.strokeStyle = '#000';
        ctx.stroke();
      }
  }
  ctx.fillStyle = INK;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  ctx.fillText(`positions 0 … ${positions - 1}`, width / 2, bottom + 3);
}

/** Words in place of a picture (a run without attention, or not started). */
export function message(canvas, text) {
  const { ctx, width, height } = prepare(canvas);
  ctx.fillStyle = '#52606d';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(text, width / 2, height / 2);
}
