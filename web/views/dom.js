// Small DOM helpers the views share. Text only ever goes in as textContent.

export function el(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k.startsWith('aria') && k.length > 4) node.setAttribute(`aria-${k.slice(4).toLowerCase()}`, v);
    else if (k === 'role' || k === 'for' || k === 'hidden' && v === true) node.setAttribute(k, k === 'hidden' ? '' : v);
    else node[k] = v;
  }
  node.append(...children);
  return node;
}

export const fmt = (v, digits = 4) => (Number.isFinite(v) ? v.toFixed(digits) : '–');

// The parts every chart view has: a box with its canvas (an image described by the caption)
// and the caption. The figure already holds its <h2>.
export function figureParts(figure, { name, chartClass = '' }) {
  const captionEl = el('figcaption', { id: `${name}-caption` });
  const canvas = el('canvas', { id: `chart-${name}`, role: 'img', ariaLabelledby: `${name}-title`, ariaDescribedby: `${name}-caption` });
  figure.append(el('div', { className: `chart-box ${chartClass}`.trim() }, [canvas]), captionEl);
  return { canvas, captionEl };
}

export function makeRow(cells) {
  return el('tr', {}, cells.map((text) => el('td', { textContent: text })));
}

export function fillTable(details, rows) {
  details.querySelector('tbody').replaceChildren(...rows.map(makeRow));
}

export function appendRows(details, rows) {
  details.querySelector('tbody').append(...rows.map(makeRow));
}

export const argmax = (v) => {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
};

// Pauses a run while `target` is out of view (state.playing) and resumes it when it comes back,
// if this paused it (state.offscreen): the widget and the comparison in a host's page.
export function pauseWhileHidden(target, state, play, stop) {
  new IntersectionObserver(([entry]) => {
    if (!entry.isIntersecting && state.playing) {
      state.offscreen = true;
      stop();
    } else if (entry.isIntersecting && state.offscreen) {
      state.offscreen = false;
      play();
    }
  }).observe(target);
}
