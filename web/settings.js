// The page's own settings, in one table each. Everything a setting is (its label, help, kind,
// limits, choices, when it applies, each preset's defaults) comes from the module's tables
// (M.configFields(), M.presets(), M.applicableFields()); here is only what belongs to the page:
// where a field is shown, tighter limits that keep a run to a browser tab, defaults that train
// faster where the result is the same, the words for choice values, and page-only options.

// Core fields the page treats specially; every key must be a core field (a test checks).
export const PAGE_FIELDS = {
  preset: { where: 'stage' },
  attention: { where: 'stage' },
  samples: { max: 1_000_000 },
  epochs: { max: 1000 },
  units: { max: 512 },
  attention_units: { max: 512 },
  input_dim: { max: 256 },
  time_steps: { max: 200 },
  test_samples: { max: 5000 },
  batch_size: { max: 1024 },
};

// Defaults where the page differs from a preset (the seed's sizes): the same result, in
// seconds to a minute in a browser tab. See README, "What the models learn".
export const PAGE_DEFAULTS = {
  lstm_after: { samples: 30000 },
  lstm_before: { samples: 30000 },
  gru_after: { samples: 30000 },
  gru_before: { samples: 30000 },
  find_max: { samples: 20000, epochs: 20, units: 32, attention_units: 32 },
  add_two_numbers: { samples: 20000, epochs: 8, time_steps: 10, units: 32, attention_units: 32, learning_rate: 0.003 },
};

// The page's words for the values of choice fields (the value itself where none is given).
export const CHOICE_LABELS = {
  cell: { lstm: 'LSTM', gru: 'GRU', none: 'none (a vector task)' },
  attention: { block: 'the 2017 block', many_to_one: 'Luong / Bahdanau', self_attention: 'self-attention (tokens)', seq2seq: 'encoder-decoder (seq2seq)', none: 'none (baseline)' },
  placement: { before: 'before the recurrent layer', after: 'after the recurrent layer' },
  score: { luong: 'Luong (multiplicative)', bahdanau: 'Bahdanau (additive)', dot: 'dot product (seq2seq)' },
  optimizer: { adam: 'Adam', rmsprop: 'RMSprop', sgd: 'SGD' },
  loss: { binary_crossentropy: 'binary cross-entropy', mse: 'mean squared error', mae: 'mean absolute error' },
};

export const SPEED = { min: 1, max: 64, default: 4 };

// Page-only options, for the URL and the embed: not part of a model.
export const PAGE_OPTIONS = [
  { key: 'speed', kind: 'integer', min: SPEED.min, max: SPEED.max },
  { key: 'views', kind: 'list' },                                // which views to show (the registry's names)
  { key: 'autoplay', kind: 'choice', options: ['0', '1', 'always'] }, // 1: unless reduced motion
  { key: 'controls', kind: 'choice', options: ['none', 'basic', 'full'] },
  { key: 'text', kind: 'choice', options: ['0', '1'] },         // embed: the "lesson" text
];

// Links made before the registry named models by model/placement/vector.
const LEGACY = { model: true, placement: true, vector: true };

// What a host's resize script adds to the widget's URL (Pym.js): read by web/embed.js, not noted.
export const HOST_PARAMS = ['initialWidth', 'childId', 'parentTitle', 'parentUrl'];

const MAX_NOTE_VALUE = 40; // long or hostile values are shown cut short in notes

export function shown(value) {
  const v = String(value);
  return v.length > MAX_NOTE_VALUE ? `${v.slice(0, MAX_NOTE_VALUE)}…` : v;
}

// The page's limits for a core field: the core's, tightened by PAGE_FIELDS.
export function limits(field) {
  const page = PAGE_FIELDS[field.name] ?? {};
  return {
    min: field.min,
    max: page.max !== undefined ? Math.min(page.max, field.max) : field.max,
    minExclusive: field.min_exclusive,
    maxExclusive: field.max_exclusive,
  };
}

// The defaults the page starts a preset with.
export function presetValues(preset) {
  return { ...preset.config, ...(PAGE_DEFAULTS[preset.name] ?? {}) };
}

// Text from a control -> { value } or { error } (the page's words, shown beside the field).
export function parse(field, text) {
  if (field.type === 'boolean') return { value: text === true || text === 'true' };
  if (field.type === 'string') {
    return field.choices?.includes(text) ? { value: text } : { error: 'choose one of the listed options' };
  }
  const t = String(text).trim();
  if (t === '') return { error: 'enter a number' };
  const v = Number(t);
  if (!Number.isFinite(v)) return { error: `"${shown(t)}" is not a number` };
  if ((field.type === 'integer' || field.type === 'seed') && !Number.isInteger(v)) return { error: 'must be a whole number' };
  const { min, max, minExclusive, maxExclusive } = limits(field);
  if (minExclusive ? v <= min : v < min) return { error: `must be ${minExclusive ? 'greater than' : 'at least'} ${min}` };
  if (maxExclusive ? v >= max : v > max) return { error: `must be ${maxExclusive ? 'below' : 'at most'} ${max}` };
  return { value: v };
}

// A message of the core ("attention_column: must be below time_steps (20) (got 20)") in the
// page's words: the field's label first, other fields named by their labels.
export function inPageWords(message, field, fields) {
  const byName = new Map(fields.map((f) => [f.name, f.label]));
  let text = message;
  if (field && text.startsWith(`${field}: `)) text = text.slice(field.length + 2);
  text = text.replace(/\b[a-z]+(?:_[a-z]+)+\b/g, (w) => byName.get(w) ?? w);
  const label = byName.get(field);
  return label ? `${label} ${text}` : text;
}

// ---- the URL -----------------------------------------------------------------------------------
// URLSearchParams -> { preset, values (only those given), options, notes }. Every value is
// checked; numbers outside the page's limits are clamped, anything unknown or malformed is
// ignored with a note. Nothing from the URL is ever used as HTML.
export function fromURL(params, { presets, fields, views }) {
  const notes = [];
  const byName = new Map(fields.map((f) => [f.name, f]));
  const known = new Set([...byName.keys(), ...PAGE_OPTIONS.map((o) => o.key), ...Object.keys(LEGACY), ...HOST_PARAMS]);
  for (const name of new Set(params.keys()))
    if (!known.has(name)) notes.push(`ignored unknown parameter "${shown(name)}"`);

  // The preset first: its defaults are what the other values change.
  let preset = presets[0];
  const legacy = legacyPreset(params, presets, notes);
  if (params.has('preset')) {
    const p = presets.find((x) => x.name === params.get('preset'));
    if (p) preset = p;
    else notes.push(`ignored preset="${shown(params.get('preset'))}" (expected ${presets.map((x) => x.name).join(', ')})`);
  } else if (legacy) {
    preset = legacy.preset;
  }
  const values = legacy?.values ?? {};
  for (const [name, field] of byName) {
    if (name === 'preset' || !params.has(name)) continue;
    const v = readValue(field, params.get(name), notes);
    if (v !== undefined) values[name] = v;
  }
  const options = {};
  for (const o of PAGE_OPTIONS) {
    if (!params.has(o.key)) continue;
    const text = params.get(o.key);
    if (o.kind === 'list') {
      const items = text.split(',').filter(Boolean);
      const good = items.filter((i) => views.includes(i));
      for (const bad of items.filter((i) => !views.includes(i))) notes.push(`ignored ${o.key} entry "${shown(bad)}"`);
      if (good.length) options[o.key] = good;
    } else if (o.kind === 'choice') {
      if (o.options.includes(text)) options[o.key] = text;
      else notes.push(`ignored ${o.key}="${shown(text)}" (expected ${o.options.join(', ')})`);
    } else {
      const v = readValue({ name: o.key, type: 'integer', min: o.min, max: o.max }, text, notes);
      if (v !== undefined) options[o.key] = v;
    }
  }
  return { preset, values, options, notes };
}

// model=lstm&placement=after&vector=single (links made before the registry) -> a preset.
function legacyPreset(params, presets, notes) {
  if (!params.has('model')) return null;
  const model = params.get('model');
  const placement = params.get('placement') ?? 'before';
  const name = model === 'dense' ? 'dense' : `${model}_${placement}`;
  const preset = presets.find((p) => p.name === name);
  if (!preset) {
    notes.push(`ignored model="${shown(model)}" placement="${shown(placement)}"`);
    return null;
  }
  const values = {};
  if (params.has('vector')) values.single_attention_vector = params.get('vector') === 'single';
  return { preset, values };
}

function readValue(field, text, notes) {
  const name = field.name;
  if (field.type === 'boolean') {
    if (text === 'true' || text === 'false') return text === 'true';
    notes.push(`ignored ${name}="${shown(text)}" (expected true or false)`);
    return undefined;
  }
  if (field.type === 'string') {
    if (field.choices?.includes(text)) return text;
    notes.push(`ignored ${name}="${shown(text)}" (expected ${field.choices?.join(', ')})`);
    return undefined;
  }
  const v = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(v)) {
    notes.push(`ignored ${name}="${shown(text)}" (not a number)`);
    return undefined;
  }
  const integer = field.type !== 'number';
  const x = integer ? Math.round(v) : v;
  if (x !== v) notes.push(`${name}=${shown(text)} is not a whole number: using ${x}`);
  const { min, max, minExclusive } = limits(field);
  if (minExclusive && x <= min) {
    notes.push(`ignored ${name}=${shown(text)} (must be greater than ${min})`);
    return undefined;
  }
  const clamped = Math.min(max, Math.max(min, x));
  if (clamped !== x) notes.push(`${name}=${shown(text)} is outside ${min}..${max}: using ${clamped}`);
  return clamped;
}

// The run's values (and page options) -> URLSearchParams holding what differs from the
// preset's page defaults.
export function toURL(preset, values, options = {}) {
  const params = new URLSearchParams();
  if (preset) params.set('preset', preset.name);
  const defaults = preset ? presetValues(preset) : {};
  for (const [k, v] of Object.entries(values))
    if (k !== 'preset' && v !== defaults[k]) params.set(k, String(v));
  for (const [k, v] of Object.entries(options)) params.set(k, Array.isArray(v) ? v.join(',') : String(v));
  return params;
}

// The module's tables as the page offers them. Every task's output has its views now (the
// token tasks' self_attention heads: web/views/heads.js), so the page offers them all; this
// stays the one place where the page would leave a task, a preset or a choice out. The page,
// the comparison, the widget, oEmbed and the browser tests all take their lists from here.
export function pageTables({ presets, tasks, fields = [] }) {
  return { presets, tasks, fields };
}
export const pagePresets = (presets, tasks) => pageTables({ presets, tasks }).presets;
