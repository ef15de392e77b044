// Every setting the page offers, in one declarative table: it drives the controls, their
// defaults per model, validation and (later) the URL. `key` is the core's config field where
// there is one. Limits here are the page's (sizes that train in a browser tab in seconds to
// minutes); the core validates everything again and its message is shown beside the field.

// The seed's defaults; recurrent runs default to 30,000 samples instead of 300,000: the
// attention finds step 10 just as clearly, in seconds (see README, "What the models learn").
export const SETTINGS = [
  { key: 'model', label: 'Model', kind: 'choice', group: 'model',
    options: [['dense', 'Dense'], ['lstm', 'LSTM'], ['gru', 'GRU']],
    default: 'dense', help: 'Dense: attention over a vector of 32. LSTM, GRU: attention over 20 time steps.' },
  { key: 'placement', label: 'Attention', kind: 'choice', group: 'model', recurrentOnly: true,
    options: [['before', 'before the LSTM/GRU'], ['after', 'after the LSTM/GRU']],
    default: 'before', help: 'On the inputs, or on the recurrent layer\'s outputs.' },
  { key: 'vector', label: 'Attention vector', kind: 'choice', group: 'model', recurrentOnly: true,
    options: [['per-dimension', 'one per dimension'], ['single', 'one, shared']],
    default: 'per-dimension', help: 'The seed\'s SINGLE_ATTENTION_VECTOR.' },

  { key: 'samples', label: 'Samples (N)', kind: 'integer', min: 64, max: 1000000,
    default: { dense: 10000, recurrent: 30000 }, help: 'Drawn from the data generator.' },
  { key: 'epochs', label: 'Epochs', kind: 'integer', min: 1, max: 1000, default: { dense: 20, recurrent: 1 } },
  { key: 'batch_size', label: 'Batch size', kind: 'integer', min: 1, max: 4096, default: 64 },
  { key: 'learning_rate', label: 'Learning rate', kind: 'number', min: 0, minExclusive: true, max: 100, default: 0.001 },
  { key: 'optimizer', label: 'Optimizer', kind: 'choice',
    options: [['adam', 'Adam'], ['rmsprop', 'RMSprop'], ['sgd', 'SGD (momentum 0.9)']], default: 'adam' },
  { key: 'validation_split', label: 'Validation split', kind: 'number', min: 0, max: 0.9, default: { dense: 0.5, recurrent: 0.1 },
    help: 'The last fraction of the samples, held out.' },
  { key: 'attention_column', label: 'Answer position', kind: 'integer', min: 0, max: 4095,
    default: { dense: 1, recurrent: 10 }, help: 'The input position (dense) or time step that carries the answer.' },
  { key: 'time_steps', label: 'Time steps', kind: 'integer', min: 2, max: 200, default: 20, recurrentOnly: true },
  { key: 'input_dim', label: 'Input dimensions', kind: 'integer', min: 1, max: 256, default: { dense: 32, recurrent: 2 } },
  { key: 'units', label: 'Units', kind: 'integer', min: 1, max: 512, default: { dense: 64, recurrent: 32 },
    help: 'Dense(units) after the attention, or the LSTM/GRU size.' },
  { key: 'seed', label: 'Seed', kind: 'integer', min: 0, max: 4294967295, default: 1,
    help: 'Fixes data, initial weights and shuffling: the same seed gives the same run.' },
];

export const SPEED = { min: 1, max: 64, default: { dense: 4, recurrent: 2 } };

export const isRecurrent = (values) => values.model !== 'dense';

export function defaultFor(setting, model) {
  const d = setting.default;
  return typeof d === 'object' ? d[model === 'dense' ? 'dense' : 'recurrent'] : d;
}

// Text from a control -> { value } or { error } (the message shown beside the field).
export function parse(setting, text) {
  if (setting.kind === 'choice') {
    return setting.options.some(([v]) => v === text) ? { value: text } : { error: `choose one of the listed options` };
  }
  const t = String(text).trim();
  if (t === '') return { error: 'enter a number' };
  const v = Number(t);
  if (!Number.isFinite(v)) return { error: `"${t}" is not a number` };
  if (setting.kind === 'integer' && !Number.isInteger(v)) return { error: 'must be a whole number' };
  if (setting.minExclusive ? v <= setting.min : v < setting.min)
    return { error: `must be ${setting.minExclusive ? 'greater than' : 'at least'} ${setting.min}` };
  if (v > setting.max) return { error: `must be at most ${setting.max}` };
  return { value: v };
}

// Page values -> the core's config object.
export function toConfig(values) {
  const recurrent = isRecurrent(values);
  const config = {
    preset: recurrent ? `${values.model}_${values.placement}` : 'dense',
    single_attention_vector: recurrent && values.vector === 'single',
    test_samples: recurrent ? 300 : 1000,
  };
  for (const s of SETTINGS) {
    if (s.group === 'model' || (s.recurrentOnly && !recurrent)) continue;
    config[s.key] = values[s.key];
  }
  if (config.optimizer === 'sgd') config.momentum = 0.9;
  return config;
}

// ---- the URL -----------------------------------------------------------------------------
// Page options besides the model's settings, for the URL (and the embed view).
export const VIEWS = ['attention', 'heatmap', 'loss', 'accuracy', 'history', 'samples', 'summary'];
export const PAGE_OPTIONS = [
  { key: 'speed', kind: 'integer', min: SPEED.min, max: SPEED.max },
  { key: 'views', kind: 'list', options: VIEWS },               // embed: which views to show
  { key: 'autoplay', kind: 'choice', options: ['0', '1', 'always'] }, // 1: unless reduced motion
  { key: 'controls', kind: 'choice', options: ['none', 'basic', 'full'] },
  { key: 'text', kind: 'choice', options: ['0', '1'] },         // embed: the "lesson" text
];

const MAX_NOTE_VALUE = 40; // long or hostile values are shown cut short in notes

function shown(value) {
  const v = String(value);
  return v.length > MAX_NOTE_VALUE ? `${v.slice(0, MAX_NOTE_VALUE)}…` : v;
}

// URLSearchParams -> { values (every setting), options (page options given), notes }.
// Every value is validated; numbers out of range are clamped; anything else is ignored with
// a note. Nothing from the URL is ever used as HTML.
export function fromURL(params) {
  const notes = [];
  const known = new Set([...SETTINGS.map((s) => s.key), ...PAGE_OPTIONS.map((o) => o.key)]);
  for (const name of new Set(params.keys()))
    if (!known.has(name)) notes.push(`ignored unknown parameter "${shown(name)}"`);

  const read = (setting) => {
    if (!params.has(setting.key)) return undefined;
    const text = params.get(setting.key);
    if (setting.kind === 'choice') {
      const options = setting.options.map((o) => (Array.isArray(o) ? o[0] : o));
      if (options.includes(text)) return text;
      notes.push(`ignored ${setting.key}="${shown(text)}" (expected ${options.join(', ')})`);
      return undefined;
    }
    if (setting.kind === 'list') {
      const items = text.split(',').filter(Boolean);
      const good = items.filter((i) => setting.options.includes(i));
      for (const bad of items.filter((i) => !setting.options.includes(i)))
        notes.push(`ignored ${setting.key} entry "${shown(bad)}"`);
      return good.length ? good : undefined;
    }
    const v = Number(text.trim());
    if (text.trim() === '' || !Number.isFinite(v)) {
      notes.push(`ignored ${setting.key}="${shown(text)}" (not a number)`);
      return undefined;
    }
    const x = setting.kind === 'integer' ? Math.round(v) : v;
    if (x !== v) notes.push(`${setting.key}=${shown(text)} is not a whole number: using ${x}`);
    if (setting.minExclusive && x <= setting.min) {
      notes.push(`ignored ${setting.key}=${shown(text)} (must be greater than ${setting.min})`);
      return undefined;
    }
    const clamped = Math.min(setting.max, Math.max(setting.min, x));
    if (clamped !== x) notes.push(`${setting.key}=${shown(text)} is outside ${setting.min}..${setting.max}: using ${clamped}`);
    return clamped;
  };

  const model = read(SETTINGS[0]) ?? 'dense';
  const values = { model };
  for (const s of SETTINGS.slice(1)) values[s.key] = read(s) ?? (s.group === 'model' ? s.default : defaultFor(s, model));
  const options = {};
  for (const o of PAGE_OPTIONS) {
    const v = read(o);
    if (v !== undefined) options[o.key] = v;
  }
  return { values, options, notes };
}

// Settings (and page options) -> URLSearchParams holding what differs from the defaults.
export function toURL(values, options = {}) {
  const params = new URLSearchParams();
  for (const s of SETTINGS) {
    const d = s.group === 'model' ? s.default : defaultFor(s, values.model);
    if (s.recurrentOnly && !isRecurrent(values)) continue;
    if (values[s.key] !== d) params.set(s.key, String(values[s.key]));
  }
  for (const [k, v] of Object.entries(options)) params.set(k, Array.isArray(v) ? v.join(',') : String(v));
  return params;
}
