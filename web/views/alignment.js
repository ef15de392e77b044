// A translation (seq2seq) model's alignment, in one view.
// - For a held-out sample chosen among the first few, each output step's attention over the
//   source (rows: the characters the model wrote, columns: the source's characters) beside the
//   true alignment (rows: the target's characters), on the fixed scale from 0 to 1; under it the
//   model's greedy output, each character marked right (✓, solid underline) or wrong (✗, dashed,
//   with the target's character) against the target. A scrubber and Replay go over the moments
//   the worker recorded (about 150 per run), as the map and the heads do. The caption gives the
//   held-out batch's attention on target, hit rate and sequence accuracy at that moment.
// - A text box: a source of your own, its translation and its alignment (Trainer.translate()),
//   read again at the reports while the model trains; text the core refuses shows its message
//   beside the box.
// Characters come from the task's alphabet (the core's tasks(): id i+1 is alphabet[i], for the
// vocab_size - 1 ids the run uses; id 0 starts and pads, shown as "·").
import { viridis } from '../charts/colors.js';
import { inPageWords } from '../settings.js';
import { legend } from './attention.js';
import { argmax, el, fillTable, fmt } from './dom.js';
import { momentOf, scrubber } from './replay.js';

const TYPE_DELAY = 250;   // ms after the last key before the typed text is read
const PAD = '·';

// Token id -> its character.
const charOf = (alphabet, id) => (id >= 1 && id <= alphabet.length ? alphabet[id - 1] : PAD);
const textOf = (alphabet, ids) => Array.from(ids, (id) => charOf(alphabet, id)).join('');
// A source as typed: the padding left out.
const typedOf = (alphabet, ids) => Array.from(ids).filter((id) => id !== 0).map((id) => charOf(alphabet, id)).join('');

// Draws panels of (T, S) values side by side (stacked when narrow), `width` CSS pixels wide:
// each with its title, its row labels (one character per row) and the source's characters over
// its columns. `maxHeight` caps the height (the widget's layout).
// panels: [{ title, values (T * S), rows: [T characters] }]; cols: [S characters].
function render(canvas, panels, cols, width, { maxHeight = Infinity, scale = window.devicePixelRatio || 1 } = {}) {
  const T = panels[0].rows.length, S = cols.length;
  const gap = 18, label = 14, head = 30, bottom = 4;
  const beside = Math.floor((width - (panels.length - 1) * gap - panels.length * label) / (panels.length * S));
  const across = beside >= 10 || panels.length === 1 ? panels.length : 1;
  const lines = Math.ceil(panels.length / across);
  const fit = across === panels.length ? beside : Math.floor((width - label) / S);
  const cell = Math.max(6, Math.min(28, fit, Math.floor((maxHeight - lines * (head + bottom)) / (lines * T))));
  const panelW = label + cell * S;
  const cssWidth = across * panelW + (across - 1) * gap, height = lines * (head + cell * T + bottom);
  const w = Math.round(cssWidth * scale), h = Math.round(height * scale);
  if (canvas.width !== w || canvas.height !== h) {
    Object.assign(canvas, { width: w, height: h });
    canvas.style.width = `${cssWidth}px`;
    canvas.style.height = `${height}px`;
  }
  canvas.dataset.panels = panels.map((p) => p.title).join(', '); // what is drawn, for the tests
  canvas.dataset.layout = across > 1 ? 'beside' : 'stacked';
  const ctx = canvas.getContext('2d');
  ctx.setTransform(scale, 0, 0, scale, 0, 0);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, cssWidth, height);
  const charFont = `${Math.max(8, Math.min(13, cell - 1))}px ui-monospace, monospace`;
  panels.forEach((p, k) => {
    const x0 = (k % across) * (panelW + gap), y0 = Math.floor(k / across) * (head + cell * T + bottom) + head;
    const left = x0 + label;
    ctx.fillStyle = '#374151';
    ctx.font = '11px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'alphabetic';
    ctx.fillText(p.title, left + (cell * S) / 2, y0 - 17);
    ctx.font = charFont;
    ctx.textBaseline = 'middle';
    cols.forEach((c, s) => ctx.fillText(c, left + (s + 0.5) * cell, y0 - 7));
    ctx.textAlign = 'right';
    p.rows.forEach((c, t) => ctx.fillText(c, left - 3, y0 + (t + 0.5) * cell));
    for (let t = 0; t < T; t++)
      for (let s = 0; s < S; s++) {
        ctx.fillStyle = viridis(p.values[t * S + s]);
        ctx.fillRect(left + s * cell, y0 + t * cell, cell, cell);
      }
  });
}

// The moments the view can show: those the worker recorded, then the live one if newer.
function moments(state) {
  const list = state.alignFrames, live = state.align;
  if (!live || (list.length && list.at(-1).step >= live.step)) return list;
  return [...list, live];
}

// The last validation at or before `step` (a translation run's also hold the sequence accuracy).
const scoresAt = (validations, step) => validations.findLast((v) => v.step <= step) ?? null;


// The core's message about typed text, in the page's words: a character by its place (from 1).
function textError({ field, message }, fields) {
  const at = /^text\[(\d+)\]$/.exec(field ?? '');
  const words = inPageWords(message, field, fields).replace(/\btask [a-z_]+'s\b/g, 'this task\'s');
  if (at) return `Character ${Number(at[1]) + 1}: ${words}.`;
  return `${words.charAt(0).toUpperCase()}${words.slice(1)}.`;
}

export const alignment = {
  name: 'alignment',
  title: 'The alignment',
  applies: (run) => Boolean(run.align),
  every: 250,
  create(figure, app) {
    const embedded = document.body.dataset.mode === 'embed';
    const canvas = el('canvas', { id: 'chart-alignment', role: 'img', ariaLabelledby: 'alignment-title', ariaDescribedby: 'alignment-caption' });
    const box = el('div', { className: 'map-box alignment-box' }, [canvas]);
    const sampleSelect = el('select', { id: 'alignment-sample' });
    const sampleChoice = el('span', { className: 'choice' }, [el('label', { htmlFor: 'alignment-sample', textContent: 'Sample:' }), sampleSelect]);
    const scrub = scrubber({
      name: 'alignment', moments: () => moments(app.state), show: (m, i, { paint = true }) => { words(m); if (paint) draw(m); },
      epochs: () => run.config.epochs, playing: () => app.state.playing,
    });
    const replay = el('span', { className: 'replay' }, scrub.controls);
    const controls = el('div', { className: 'scrub' }, [sampleChoice, replay]);
    // The greedy output, a character per step, each marked right or wrong (in words for screen readers).
    const outputList = el('ol', { id: 'alignment-output', className: 'tokens' });
    const outputLine = el('div', { className: 'token-line' }, [el('span', { className: 'token-label', textContent: 'Output:' }), outputList]);
    const captionEl = el('figcaption', { id: 'alignment-caption' });
    const details = el('details', { id: 'alignment-data' }, [
      el('summary', { textContent: 'This sample as a table' }),
      el('div', { className: 'table-scroll', tabIndex: 0, role: 'region', ariaLabel: 'The alignment as a table' }, [
        el('table', {}, [el('thead', {}, [el('tr', {}, ['output step', 'wrote', 'target', 'right', 'peak at (source)', 'attention on the truth'].map((t) => el('th', { textContent: t })))]), el('tbody')]),
      ]),
    ]);

    // Your own source.
    const input = el('input', { id: 'alignment-text', type: 'text', autocomplete: 'off', spellcheck: false, autocapitalize: 'off' });
    input.setAttribute('aria-describedby', 'alignment-text-error alignment-text-help');
    const error = el('p', { id: 'alignment-text-error', className: 'error', ariaLive: 'polite' });
    const help = el('p', { id: 'alignment-text-help', className: 'help' });
    const result = el('p', { id: 'alignment-translation', className: 'translation' });
    const ownCanvas = el('canvas', { id: 'chart-alignment-text', role: 'img', ariaLabel: 'The alignment of your source', ariaDescribedby: 'alignment-translation' });
    const ownBox = el('div', { className: 'map-box alignment-box' }, [ownCanvas]);
    const own = el('details', { id: 'alignment-own', className: 'own-text', open: !embedded }, [
      el('summary', { textContent: 'Try a source of your own' }),
      el('div', { className: 'own-row' }, [el('label', { htmlFor: 'alignment-text', textContent: 'Source:' }), input]),
      error, help, result, ownBox,
    ]);
    figure.append(box, outputLine, controls, legend(), captionEl, details, own);

    let sample = 0;      // the held-out sample shown (an index of the run's align.samples)
    let drawn = null;    // the moment drawn last
    let run = null;
    let alphabet = '';

    const list = () => moments(app.state);

    // One sample at moment m: its characters, what the model wrote, right or wrong per step.
    function sampleAt(m, k = sample) {
      const { Tt, Ts, sources, targets, mask } = run.align;
      const source = textOf(alphabet, sources.subarray(k * Ts, (k + 1) * Ts));
      const target = textOf(alphabet, targets.subarray(k * Tt, (k + 1) * Tt));
      const ids = m.output.subarray(k * Tt, (k + 1) * Tt);
      const wrote = textOf(alphabet, ids);
      const right = Array.from(ids, (id, t) => id === targets[k * Tt + t]);
      const attention = m.attention.subarray(k * Tt * Ts, (k + 1) * Tt * Ts);
      const truth = mask ? mask.subarray(k * Tt * Ts, (k + 1) * Tt * Ts) : null;
      return { source, target, wrote, right, attention, truth, Tt, Ts };
    }

    const rows = (s) => Array.from({ length: s.Tt }, (_, t) => {
      const a = s.attention.subarray(t * s.Ts, (t + 1) * s.Ts);
      const peak = argmax(a);
      let onTruth = 0;
      if (s.truth) for (let q = 0; q < s.Ts; q++) if (s.truth[t * s.Ts + q] === 1) onTruth += a[q];
      return [String(t), s.wrote[t], s.target[t], s.right[t] ? 'yes' : 'no', `${peak} (${s.source[peak]})`, s.truth ? onTruth.toFixed(3) : '–'];
    });

    // The marks under the heatmap: a character per step, ✓ or ✗ and its words.
    function marks(s) {
      outputList.replaceChildren(...Array.from(s.wrote, (c, t) => el('li', { className: s.right[t] ? 'tok ok' : 'tok wrong', dataset: { right: String(s.right[t]) } }, [
        el('span', { className: 'ch', textContent: c }),
        el('span', { className: 'mark', ariaHidden: 'true', textContent: s.right[t] ? '✓' : '✗' }),
        el('span', { className: 'visually-hidden', textContent: s.right[t] ? ' right' : ` wrong, the target has ${s.target[t]}` }),
      ])));
      outputList.setAttribute('aria-label', `The model's output, ${s.right.filter(Boolean).length} of ${s.Tt} characters right`);
    }

    // The words for moment m (cheap, kept current even off the screen).
    function words(m) {
      const s = sampleAt(m);
      const right = s.right.filter(Boolean).length;
      const moment = scrub.following ? '' : ` at ${momentOf(m, run.config.epochs)}`;
      const sc = scoresAt(app.state.validations, m.step);
      // The widget's caption is shorter (its height budget); the same facts.
      const how = embedded ? 'Rows: output steps; columns: the source; brighter is more attention (0 to 1).'
        : 'Rows: the output steps (the model\'s characters; in the truth, the target\'s); columns: the source\'s characters; brighter is more attention, from 0 to 1.';
      const scores = !sc ? (run.config.validation_split > 0 ? 'The scores come with the first validation.' : 'No validation samples (validation split 0): no scores.')
        : embedded ? `Greedy, step ${sc.step}: on target ${fmt(sc.attention_on_target, 2)}, hit rate ${fmt(sc.hit_rate, 2)} (validation), sequence accuracy ${fmt(sc.sequence_accuracy, 2)} (held-out).`
          : `Decoding greedily, at step ${sc.step}: attention on target ${fmt(sc.attention_on_target, 2)}, hit rate ${fmt(sc.hit_rate, 2)} (validation samples); sequence accuracy ${fmt(sc.sequence_accuracy, 2)} (the ${run.testSamples} held-out samples).`;
      captionEl.textContent = `Held-out sample ${sample + 1}${moment}: "${s.source}" → "${s.wrote}" (target "${s.target}"), ${right} of ${s.Tt} right. ${how} ${scores}`;
      marks(s);
      if (details.open) fillTable(details, rows(s));
    }
    function draw(m) {
      const s = sampleAt(m);
      // --map-max-height (the widget's compact layout) caps the height.
      const maxHeight = parseFloat(getComputedStyle(box).getPropertyValue('--map-max-height')) || Infinity;
      const panels = [{ title: 'attention', values: s.attention, rows: [...s.wrote] }];
      if (s.truth) panels.push({ title: 'the truth', values: s.truth, rows: [...s.target] });
      render(canvas, panels, [...s.source], Math.max(160, box.clientWidth), { maxHeight });
      drawn = m;
    }
    sampleSelect.addEventListener('change', () => { // the same moment, another sample
      sample = Number(sampleSelect.value);
      const m = scrub.current();
      if (!m) return;
      words(m);
      draw(m);
    });
    details.addEventListener('toggle', () => details.open && drawn && fillTable(details, rows(sampleAt(drawn))));
    new ResizeObserver(() => {
      if (drawn) draw(drawn);
      if (typed?.translation) drawTyped();
    }).observe(box);

    // ---- your own source ----------------------------------------------------------------------
    let typed = null;    // the last answer: { text, step, translation } or { text, error }
    let asked = null;    // { id, text } in flight
    let wanted = null;   // text to read once the answer in flight is in
    let nextId = 0;
    let typeTimer = null;

    function ask(text) {
      if (!run) return;
      if (asked) {
        wanted = text;
        return;
      }
      asked = { id: ++nextId, text };
      app.request('translate', asked);
    }
    input.addEventListener('input', () => {
      clearTimeout(typeTimer);
      typeTimer = setTimeout(() => ask(input.value), TYPE_DELAY);
    });
    input.addEventListener('change', () => { // Enter or leaving the box: at once
      clearTimeout(typeTimer);
      if (input.value !== typed?.text && input.value !== asked?.text) ask(input.value);
    });

    // Opened (the widget keeps it closed): read the text again if the model changed meanwhile.
    own.addEventListener('toggle', () => {
      const step = app.state.metrics?.step;
      if (own.open && typed && !asked && step !== undefined && typed.step !== step) ask(input.value);
    });

    function drawTyped() {
      const t = typed.translation;
      const [Tt, Ts] = t.attention.shape;
      render(ownCanvas, [{ title: 'attention', values: t.attention.data, rows: [...t.text] }], t.source.map((id) => charOf(alphabet, id)),
        Math.max(160, ownBox.clientWidth), { maxHeight: embedded ? 160 : Infinity });
      ownCanvas.setAttribute('aria-label', `The alignment of your source: ${Tt} output steps by ${Ts} source characters`);
    }

    function showTyped() {
      if (typed.error) {
        error.textContent = textError(typed.error, app.state.tables.fields);
        input.setAttribute('aria-invalid', 'true');
        result.textContent = 'No translation: fix the source.';
        ownBox.hidden = true;
        return;
      }
      error.textContent = '';
      input.removeAttribute('aria-invalid');
      const t = typed.translation;
      const Ts = t.attention.shape[1];
      const peaks = Array.from(t.tokens, (_, r) => argmax(t.attention.data.subarray(r * Ts, (r + 1) * Ts)));
      result.textContent = `"${typed.text}" → "${t.text}" (the model at step ${typed.step}). Output steps 0 to ${peaks.length - 1} peak at source positions ` +
        `${peaks.join(' ')}${t.source.includes(0) ? ` (counted over the padded source; ${PAD} is padding)` : ''}.`;
      ownBox.hidden = false;
      drawTyped();
    }

    // ---- the registry's hooks ------------------------------------------------------------------
    // The latest moment (following), or the words of the one chosen kept current.
    const refresh = (paint) => {
      const chosen = scrub.update({ paint });
      if (chosen && !paint) words(chosen);
    };
    return {
      reset(r) {
        const sameTask = run?.task.name === r.task.name && run?.config.time_steps === r.config.time_steps;
        run = r;
        alphabet = (r.task.alphabet ?? '').slice(0, r.config.vocab_size - 1); // the characters this vocabulary uses
        scrub.reset();
        drawn = null;
        outputList.replaceChildren();
        const { samples, Ts } = r.align;
        if (sample >= samples || !sameTask) sample = 0;
        sampleSelect.replaceChildren(...Array.from({ length: samples }, (_, k) =>
          new Option(`${k + 1}: ${typedOf(alphabet, r.align.sources.subarray(k * Ts, (k + 1) * Ts))}`, String(k), false, k === sample)));
        replay.hidden = !r.align.frameEvery;
        // The box: what the task reads, and an example from the held-out samples (the last shown).
        const example = typedOf(alphabet, r.align.sources.subarray((samples - 1) * Ts, samples * Ts));
        const chars = alphabet.includes(' ') ? `"${alphabet}" (the space too)` : `"${alphabet}"`;
        help.textContent = `${r.task.padded ? `1 to ${Ts}` : `Exactly ${Ts}`} characters of ${chars}; for example "${example}". Read again as the model trains.`;
        typed = null;
        asked = null;
        wanted = null;
        error.textContent = '';
        input.removeAttribute('aria-invalid');
        result.textContent = '';
        ownBox.hidden = true;
        if (!sameTask || !input.value) input.value = example;
        ask(input.value);
      },
      update(state) {
        refresh(true);
        // Read the typed text again when the model has changed (not while a read is in flight).
        if (own.open && typed?.translation && !asked && state.metrics && typed.step !== state.metrics.step) ask(typed.text);
      },
      text: () => refresh(false),
      translated(data) {
        if (!asked || data.id !== asked.id) return; // an answer to an older run's question
        asked = null;
        typed = data;
        if (wanted !== null) {
          const next = wanted;
          wanted = null;
          if (next !== data.text) return ask(next);
        }
        if (data.text === input.value) showTyped();
      },
      downloads(state) {
        const m = drawn;
        if (!m) return [];
        const epochs = state.run.config.epochs;
        const { Tt, Ts, samples } = run.align;
        const cells = [['sample', 'output_step', 'source_position', 'source', 'wrote', 'target', 'attention', 'truth']];
        for (let k = 0; k < samples; k++) {
          const s = sampleAt(m, k);
          for (let t = 0; t < Tt; t++)
            for (let q = 0; q < Ts; q++) cells.push([k, t, q, s.source[q], s.wrote[t], s.target[t], s.attention[t * Ts + q], s.truth ? s.truth[t * Ts + q] : '']);
        }
        const moment = (x) => ({ step: x.step, epoch: x.epoch, attention: x.attention, output: x.output });
        const samplesOf = () => ({ alphabet, shape: { samples, target_steps: Tt, source_positions: Ts }, sources: run.align.sources, targets: run.align.targets, truth: run.align.mask });
        return [
          { label: 'PNG', name: 'alignment.png', png: canvas, title: `The alignment of held-out sample ${sample + 1}, at ${momentOf(m, epochs)}`, colorScale: true },
          { label: 'CSV', name: 'alignment.csv', csv: cells },
          { label: 'JSON', name: 'alignment.json', json: { ...samplesOf(), ...moment(m) } },
          { label: 'JSON (all moments)', name: 'alignment-moments.json', json: { ...samplesOf(), moments: list().map(moment) } },
        ];
      },
    };
  },
};
