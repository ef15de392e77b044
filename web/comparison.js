// A comparison, as data: one base preset with the values every variant shares, and 1-6
// variants, each the base plus a few field overrides ("placement:before"). No DOM here: the
// URL in and out, each variant's config, which fields differ and the legend's words, and the
// ready-made comparisons of the seed's claims. web/compare.js is the page that runs them;
// tests/wasm/compare-url.test.mjs checks these functions against the module's tables.
//
// The URL: the single page's parameters for the shared values (preset, then every field that
// differs from the preset's page defaults, and speed), then one `v` per variant, its overrides
// as field:value pairs joined by commas; an empty `v` is the base as it is:
//   compare.html?preset=lstm_after&v=placement:before&v=placement:after
//   compare.html?preset=add_two_numbers&seed=3&v=score:luong&v=score:bahdanau,attention_units:64
// Shared values are read as the single page reads them (clamped, unknown ones ignored, with a
// note). A variant's overrides are read as the page reads a control: a bad one is kept as
// typed and shown as an error in that variant's own column, and the other variants still run.
import { fromURL, parse, presetValues, shown, toURL } from './settings.js';

export const MAX_VARIANTS = 6;
export const MIN_VARIANTS = 2;

// URL parameters of the comparison itself, beside the single page's.
const OWN_PARAMS = ['v', 'embed'];

// Fields that decide the data a run draws (with the seed): variants that differ in one of
// these do not train on the same samples, and the page says so.
export const DATA_FIELDS = ['task', 'seed', 'samples', 'validation_split', 'input_dim', 'time_steps', 'attention_column', 'test_samples'];

// The seed's claims, one click each. `variants` are override texts as in the URL.
export const READY_MADE = [
  {
    name: 'placement', label: 'Before vs after the LSTM', preset: 'lstm_after',
    variants: ['placement:before', 'placement:after'],
    claim: 'The seed: attention on the raw inputs (before the LSTM) spikes at step 10; on the LSTM\'s outputs (after) it is blurrier, and no step before 10 draws any, since the answer cannot be known there yet.',
  },
  {
    name: 'vector', label: 'One vector vs one per dimension', preset: 'lstm_after',
    variants: ['single_attention_vector:true', 'single_attention_vector:false'],
    claim: 'The seed: one attention vector shared by all of the LSTM\'s units, or one per unit; both find step 10.',
  },
  {
    name: 'score', label: 'Luong vs Bahdanau', preset: 'add_two_numbers',
    variants: ['score:luong', 'score:bahdanau'],
    claim: 'The later examples: the Attention layer scores each step by a product (Luong) or through a small network (Bahdanau); both find the two summands.',
  },
  {
    name: 'attention', label: 'Attention vs none', preset: 'add_two_numbers',
    variants: ['attention:many_to_one', 'attention:none'],
    claim: 'The seed\'s IMDB table, here on adding two numbers: the same LSTM with and without the Attention layer.',
  },
  {
    name: 'cells', label: 'LSTM and GRU, before and after', preset: 'lstm_after',
    variants: ['cell:lstm,placement:before', 'cell:lstm,placement:after', 'cell:gru,placement:before', 'cell:gru,placement:after'],
    claim: 'The four 2017 recurrent models on the same data: a GRU after the attention often settles on step 11, whose output knows the answer as well as step 10\'s.',
  },
  {
    name: 'seq2seq-score', label: 'Dot, Luong, Bahdanau (seq2seq)', preset: 'reverse',
    variants: ['score:dot', 'score:luong', 'score:bahdanau'],
    claim: 'The encoder-decoder\'s three scores, reversing 8 digits: all three learn it (every held-out sequence right after 5 epochs on seeds 1 and 2); the dot product, which has no weights of its own, puts less of its attention on the anti-diagonal (about 0.62 on target, validation) than Luong (0.85) or Bahdanau (0.67-0.81).',
  },
];

// "placement:after, score:luong" -> { overrides, error }: error is { field, message } (the
// page's words) for the first bad pair; overrides holds the good ones before it.
export function parseVariant(text, fields) {
  const overrides = {};
  const byName = new Map(fields.map((f) => [f.name, f]));
  for (const part of String(text ?? '').split(',')) {
    const pair = part.trim();
    if (!pair) continue;
    const m = /^([A-Za-z_]+)\s*[:=]\s*(.*)$/.exec(pair);
    if (!m) return { overrides, error: { field: null, message: `"${shown(pair)}" is not field:value (e.g. placement:before)` } };
    const [, name, value] = m;
    const field = byName.get(name);
    if (!field) return { overrides, error: { field: null, message: `"${shown(name)}" is not a setting (e.g. ${fields.slice(1, 4).map((f) => f.name).join(', ')})` } };
    if (name === 'preset') return { overrides, error: { field: 'preset', message: 'the preset is shared by all variants: change their fields instead (e.g. cell:gru)' } };
    let result;
    if (field.type === 'boolean') result = value === 'true' || value === 'false' ? { value: value === 'true' } : { error: 'must be true or false' };
    else result = parse(field, value.trim());
    if (result.error) return { overrides, error: { field: name, message: `${field.label}: ${result.error}.` } };
    overrides[name] = result.value;
  }
  return { overrides, error: null };
}

// Overrides -> their text, as in the URL ("cell:gru,placement:after").
export const variantText = (overrides) => Object.entries(overrides).map(([k, v]) => `${k}:${v}`).join(',');

// A variant's whole config: the preset's page defaults, the shared values, its overrides.
export function variantConfig(preset, base, overrides) {
  return { ...presetValues(preset), ...base, ...overrides, preset: preset.name };
}

/**
 * URLSearchParams -> { preset, base, variants: [text], options, notes }. Shared values as the
 * single page reads them; the variant texts as given (parseVariant reads each); at most
 * MAX_VARIANTS (a note says so), and without any `v` the preset's own comparison (or two
 * copies of the base, when it has none).
 */
export function comparisonFromURL(params, tables) {
  const shared = new URLSearchParams();
  for (const [k, v] of params) if (!OWN_PARAMS.includes(k)) shared.append(k, v);
  // A bare compare.html opens the first ready-made comparison.
  if (!params.has('v') && !params.has('preset') && !params.has('model')) shared.set('preset', READY_MADE[0].preset);
  const { preset, values, options, notes } = fromURL(shared, { ...tables, views: [] });
  let variants = params.getAll('v');
  if (variants.length > MAX_VARIANTS) {
    notes.push(`kept the first ${MAX_VARIANTS} of ${variants.length} variants`);
    variants = variants.slice(0, MAX_VARIANTS);
  }
  if (!variants.length) variants = READY_MADE.find((r) => r.preset === preset.name)?.variants ?? ['', ''];
  const embed = params.get('embed') === '1';
  return { preset, base: values, variants, options, embed, notes };
}

/** The comparison -> its query string (without "?"), readable: ':' and ',' stay as they are. */
export function comparisonToURL({ preset, base, variants, options = {} }) {
  // The shared values in the core's order of fields, however they were set.
  const ordered = Object.fromEntries(Object.keys(presetValues(preset)).filter((k) => k in base).map((k) => [k, base[k]]));
  const params = toURL(preset, ordered, options);
  for (const v of variants) params.append('v', v);
  // Both are allowed in a query and read back the same: keep the overrides legible.
  return params.toString().replace(/%3A/gi, ':').replace(/%2C/gi, ',');
}

/** The fields whose values are not the same in every config (configs of valid variants). */
export function differingFields(configs) {
  const list = configs.filter(Boolean);
  if (list.length < 2) return [];
  const keys = Object.keys(list[0]).filter((k) => k !== 'preset');
  return keys.filter((k) => list.some((c) => c[k] !== list[0][k]));
}

// Words for a value in a legend, where the bare value says little.
const VALUE_WORDS = {
  single_attention_vector: { true: 'one shared vector', false: 'one per dimension' },
};

/**
 * A variant's name in the legend: what differs ("placement: before"), else its number.
 * `applies` (the names of the fields its config uses, once the core has said) leaves out a
 * field that plays no part in it (no score for a model without attention).
 */
export function variantLabel(config, differing, index, applies = null) {
  const shownFields = differing.filter((k) => !applies || applies.includes(k));
  if (!config || !shownFields.length) return `variant ${index + 1}`;
  return shownFields.map((k) => {
    const words = VALUE_WORDS[k]?.[String(config[k])];
    return words ?? `${k}: ${config[k]}`;
  }).join(', ');
}
