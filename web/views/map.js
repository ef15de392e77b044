// The attention map, as the later examples drew it every epoch: for a dozen held-out samples
// (rows) over the positions (columns), the attention, its peak, and where the answer truly is,
// side by side, on a fixed scale from 0 to 1. Frames are recorded through training (every
// epoch and many times within); a scrubber picks any moment and Play replays them as the
// seed's animation did. The moment shown is marked in words and on the scrubber.
import { viridis } from '../charts/colors.js';
import { legend } from './attention.js';
import { argmax, el, fillTable } from './dom.js';

const PANELS = [
  { key: 'attention', title: 'attention' },
  { key: 'peak', title: 'its peak' },
  { key: 'truth', title: 'the answer' },
];
const FRAME_MS = 150; // replay speed: a frame every 150 ms

export const map = {
  name: 'map',
  title: 'The attention, sample by sample',
  applies: (run) => run.mapSamples > 0,
  every: 250,
  create(figure, app) {
    const canvas = el('canvas', { id: 'chart-map', role: 'img', ariaLabelledby: 'map-title', ariaDescribedby: 'map-caption' });
    const box = el('div', { className: 'map-box' }, [canvas]);
    const playButton = el('button', { id: 'map-play', type: 'button', textContent: 'Replay', ariaPressed: 'false' });
    const scrub = el('input', { id: 'map-scrub', type: 'range', min: '0', max: '0', value: '0', ariaLabel: 'Moment of training shown' });
    const when = el('output', { id: 'map-when', htmlFor: 'map-scrub', textContent: 'the start' });
    const controls = el('div', { className: 'scrub' }, [playButton, el('label', { htmlFor: 'map-scrub', textContent: 'Moment:' }), scrub, when]);
    const captionEl = el('figcaption', { id: 'map-caption' });
    const details = el('details', { id: 'map-data' }, [
      el('summary', { textContent: 'This moment as a table' }),
      el('div', { className: 'table-scroll', tabIndex: 0, role: 'region', ariaLabel: 'The attention map as a table' }, [
        el('table', {}, [el('thead', {}, [el('tr', {}, ['sample', 'peak at', 'answer at', 'attention on the answer'].map((t) => el('th', { textContent: t })))]), el('tbody')]),
      ]),
    ]);
    figure.append(box, controls, legend(), captionEl, details);

    let shown = -1;      // the frame on screen
    let follow = true;   // show the latest frame as training goes
    let timer = null;    // the replay's interval

    const frames = () => app.state.frames;
    function setPlaying(on) {
      if (on === Boolean(timer)) return;
      if (on) {
        if (shown >= frames().length - 1) show(0);
        follow = false;
        timer = setInterval(() => {
          if (shown >= frames().length - 1) return setPlaying(false);
          show(shown + 1);
        }, FRAME_MS);
      } else {
        clearInterval(timer);
        timer = null;
        follow = shown === frames().length - 1;
      }
      playButton.textContent = on ? 'Stop' : 'Replay';
      playButton.setAttribute('aria-pressed', String(on));
    }
    playButton.addEventListener('click', () => setPlaying(!timer));
    scrub.addEventListener('input', () => {
      setPlaying(false);
      const i = Number(scrub.value);
      follow = i === frames().length - 1;
      show(i);
    });
    new ResizeObserver(() => shown >= 0 && draw(frames()[shown])).observe(box);

    function show(i) {
      const f = frames()[i];
      if (!f) return;
      shown = i;
      scrub.max = String(frames().length - 1);
      scrub.value = String(i);
      const total = app.state.run.config.epochs;
      const moment = f.step === 0 ? 'the start' : `epoch ${f.epoch.toFixed(2)} of ${total} (step ${f.step})`;
      when.textContent = moment + (i === frames().length - 1 && app.state.playing ? ', now' : '');
      scrub.setAttribute('aria-valuetext', moment);
      draw(f);
    }

    function draw(f) {
      if (!f) return;
      const { rows, positions: P } = f;
      const width = Math.max(240, box.clientWidth);
      const gap = 12, label = 22, top = 18, bottom = 16;
      const cell = Math.max(3, Math.min(18, Math.floor((width - label - 2 * gap) / (3 * P))));
      const rowH = Math.max(cell, 13); // cells may be wider than tall, never too flat to label
      const panel = cell * P;
      const height = top + rows * rowH + bottom;
      const dpr = window.devicePixelRatio || 1;
      const w = Math.round((label + 3 * panel + 2 * gap) * dpr), h = Math.round(height * dpr);
      if (canvas.width !== w || canvas.height !== h) { // resizing the canvas costs a new bitmap
        canvas.width = w;
        canvas.height = h;
        canvas.style.width = `${label + 3 * panel + 2 * gap}px`;
        canvas.style.height = `${height}px`;
      }
      const ctx = canvas.getContext('2d');
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      ctx.font = '11px system-ui, sans-serif';
      ctx.fillStyle = '#374151';
      ctx.textBaseline = 'middle';
      ctx.textAlign = 'right';
      for (let r = 0; r < rows; r++) ctx.fillText(String(r), label - 4, top + r * rowH + rowH / 2);
      const peaks = [], hits = [];
      let onTruth = 0;
      for (let r = 0; r < rows; r++) {
        const a = f.attention.subarray(r * P, (r + 1) * P);
        const p = argmax(a);
        peaks.push(p);
        if (f.mask) {
          hits.push(f.mask[r * P + p] === 1);
          for (let q = 0; q < P; q++) if (f.mask[r * P + q] === 1) onTruth += a[q];
        }
      }
      PANELS.forEach(({ title, key }, k) => {
        const x0 = label + k * (panel + gap);
        ctx.textAlign = 'center';
        ctx.textBaseline = 'alphabetic';
        ctx.fillStyle = '#374151';
        ctx.fillText(title, x0 + panel / 2, top - 5);
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
      const hitCount = hits.filter(Boolean).length;
      const mean = onTruth / rows;
      captionEl.textContent = `Rows are ${rows} held-out samples, columns the ${P} positions. Left: the attention (brighter is more, from 0 to 1); middle: where it peaks; right: where the answer is. ` +
        (f.mask ? `Here the peak is on the answer for ${hitCount} of ${rows} samples, and ${mean.toFixed(2)} of the attention is on it on average.` : '');
      if (details.open || app.state.tablesAlwaysCurrent) {
        fillTable(details, peaks.map((p, r) => {
          const truth = [];
          let on = 0;
          for (let q = 0; q < P; q++) if (f.mask?.[r * P + q] === 1) { truth.push(q); on += f.attention[r * P + q]; }
          return [String(r), String(p), truth.join(', '), on.toFixed(3)];
        }));
      }
    }
    details.addEventListener('toggle', () => details.open && shown >= 0 && draw(frames()[shown]));

    return {
      reset() {
        setPlaying(false);
        shown = -1;
        follow = true;
        scrub.max = '0';
        scrub.value = '0';
        when.textContent = 'the start';
      },
      update(state) {
        if (!state.frames.length) return;
        if (follow && !timer) show(state.frames.length - 1);
        else scrub.max = String(state.frames.length - 1);
      },
      // The replay (for tests and keyboard users): frame index shown.
      get shown() {
        return shown;
      },
    };
  },
};
