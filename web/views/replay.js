// The scrubber and Replay over a view's recorded moments (the map's frames, the heads', the
// alignment's): the moment shown follows training until the reader picks one on the scrubber
// or presses Replay, which steps through them from the start every FRAME_MS, as the seed's
// animation did. The moment shown is said in words beside the scrubber.
import { el } from './dom.js';

const FRAME_MS = 150; // replay speed: a moment every 150 ms

// A recorded moment (its step and epoch) in words.
export const momentOf = (m, epochs) => (m.step === 0 ? 'the start' : `epoch ${m.epoch.toFixed(2)} of ${epochs} (step ${m.step})`);

// name: the ids' prefix (#NAME-play, #NAME-scrub, #NAME-when); moments(): the list recorded so
// far; show(m, i, options): draws moment m (index i), options as passed to scrubber.show;
// epochs(): the run's epochs; playing(): whether training runs (the latest moment says "now").
// Returns the controls (button, label, range, output) to place, and what the view calls.
export function scrubber({ name, moments, show: onShow, epochs, playing }) {
  const playButton = el('button', { id: `${name}-play`, type: 'button', textContent: 'Replay', ariaPressed: 'false' });
  const range = el('input', { id: `${name}-scrub`, type: 'range', min: '0', max: '0', value: '0', ariaLabel: 'Moment of training shown' });
  const when = el('output', { id: `${name}-when`, htmlFor: `${name}-scrub`, textContent: 'the start' });
  const controls = [playButton, el('label', { htmlFor: `${name}-scrub`, textContent: 'Moment:' }), range, when];

  let shown = -1;      // the moment on screen (an index of moments())
  let follow = true;   // show the latest moment as training goes
  let timer = null;    // the replay's interval

  function show(i, options = {}) {
    const all = moments();
    const m = all[i];
    if (!m) return;
    shown = i;
    range.max = String(all.length - 1);
    range.value = String(i);
    const moment = momentOf(m, epochs());
    when.textContent = moment + (i === all.length - 1 && playing() ? ', now' : '');
    range.setAttribute('aria-valuetext', moment);
    onShow(m, i, options);
  }
  function setPlaying(on) {
    if (on === Boolean(timer)) return;
    if (on) {
      if (shown >= moments().length - 1) show(0);
      follow = false;
      timer = setInterval(() => {
        if (shown >= moments().length - 1) return setPlaying(false);
        show(shown + 1);
      }, FRAME_MS);
    } else {
      clearInterval(timer);
      timer = null;
      follow = shown === moments().length - 1;
    }
    playButton.textContent = on ? 'Stop' : 'Replay';
    playButton.setAttribute('aria-pressed', String(on));
  }
  playButton.addEventListener('click', () => setPlaying(!timer));
  range.addEventListener('input', () => {
    setPlaying(false);
    const i = Number(range.value);
    follow = i === moments().length - 1;
    show(i);
  });

  return {
    controls,
    get following() { return follow; },
    // The moment on screen: the latest while following, else the one chosen (undefined before any).
    current: () => (follow ? moments().at(-1) : moments()[shown]),
    // New moments recorded: shows the latest if following (options to show), else only extends
    // the scrubber and returns the moment still shown (or undefined).
    update(options) {
      const all = moments();
      if (!all.length) return undefined;
      if (follow && !timer) return show(all.length - 1, options);
      range.max = String(all.length - 1);
      return shown >= 0 ? all[shown] : undefined;
    },
    reset() {
      setPlaying(false);
      shown = -1;
      follow = true;
      range.max = '0';
      range.value = '0';
      when.textContent = 'the start';
    },
  };
}
