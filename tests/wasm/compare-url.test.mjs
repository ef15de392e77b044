// The comparison page's data (web/comparison.js) against the module: the URL round-trips, a
// variant's overrides are read as the page reads a control (a bad one is an error in its own
// column, not dropped), and every ready-made comparison is a set of valid configs that differ
// only where it says and train on the same data.
import test from 'node:test';
import assert from 'node:assert/strict';
import { loadModule } from './module.mjs';
import {
  DATA_FIELDS, MAX_VARIANTS, READY_MADE, comparisonFromURL, comparisonToURL, differingFields, parseVariant,
  variantConfig, variantLabel, variantText,
} from '../../web/comparison.js';

const M = await loadModule();
const tables = { presets: M.presets(), fields: M.configFields(), tasks: M.tasks() };
const read = (q) => comparisonFromURL(new URLSearchParams(q), tables);

test('the URL round-trips: shared values, variants in order, speed; readable', () => {
  for (const q of [
    'preset=lstm_after&v=placement:before&v=placement:after',
    'preset=add_two_numbers&epochs=2&seed=3&speed=16&v=score:luong&v=score:bahdanau,attention_units:64',
    'preset=dense&v=&v=learning_rate:0.01',
    'preset=lstm_before&v=single_attention_vector:true&v=single_attention_vector:false&v=cell:gru',
  ]) {
    const c = read(q);
    assert.deepEqual(c.notes, [], q);
    assert.equal(comparisonToURL(c), q, 'written back the same');
  }
  // Written in one order (the preset, the fields in the core's order, page options, the
  // variants): a link in another order reads the same and is written in that order.
  assert.equal(comparisonToURL(read('v=score:luong&speed=16&seed=3&v=score:bahdanau&epochs=2&preset=add_two_numbers')),
    'preset=add_two_numbers&epochs=2&seed=3&speed=16&v=score:luong&v=score:bahdanau');
  const c = read('preset=gru_after&samples=5000&v=placement:before&v=placement:after');
  assert.equal(c.preset.name, 'gru_after');
  assert.deepEqual(c.base, { samples: 5000 });
  assert.deepEqual(c.variants, ['placement:before', 'placement:after']);
});

test('a bad variant keeps its text (its error shows in its column); bad shared values are noted', () => {
  const c = read('preset=dense&v=attention_column:40&v=placement:sideways&v=nonsense:1&v=learning_rate:-1&v=preset:lstm_after&v=');
  assert.equal(c.variants.length, 6, 'every variant is kept, even the bad ones');
  assert.equal(comparisonToURL(c), 'preset=dense&v=attention_column:40&v=placement:sideways&v=nonsense:1&v=learning_rate:-1&v=preset:lstm_after&v=');
  const parsed = c.variants.map((t) => parseVariant(t, tables.fields));
  assert.equal(parsed[0].error, null, 'attention_column 40 passes the page; the core refuses it (input_dim 32)');
  assert.throws(() => M.estimate(variantConfig(c.preset, c.base, parsed[0].overrides)), /attention_column/);
  assert.equal(parsed[1].error.field, 'placement');
  assert.match(parsed[1].error.message, /choose one of the listed options/);
  assert.match(parsed[2].error.message, /"nonsense" is not a setting/);
  assert.match(parsed[3].error.message, /^Learning rate: must be greater than 0\.$/);
  assert.equal(parsed[4].error.field, 'preset');
  assert.deepEqual(parsed[5], { overrides: {}, error: null }, 'an empty variant is the base itself');
  assert.equal(parseVariant('single_attention_vector:maybe', tables.fields).error.message, 'One attention vector: must be true or false.');
  const noted = read(`preset=dense&samples=abc&${Array.from({ length: 8 }, (_, i) => `v=seed:${i}`).join('&')}`);
  assert.equal(noted.variants.length, MAX_VARIANTS);
  assert.ok(noted.notes.some((n) => /samples="abc"/.test(n)), noted.notes.join('; '));
  assert.ok(noted.notes.some((n) => /first 6 of 8 variants/.test(n)), noted.notes.join('; '));
});

test('without variants: the preset\'s ready-made comparison; a bare link: the first one', () => {
  assert.deepEqual(read('preset=add_two_numbers').variants, READY_MADE.find((r) => r.preset === 'add_two_numbers').variants);
  const bare = read('');
  assert.equal(bare.preset.name, READY_MADE[0].preset);
  assert.deepEqual(bare.variants, READY_MADE[0].variants);
  assert.deepEqual(read('preset=dense').variants, ['', '']);
});

test('every ready-made comparison: valid configs that differ where it says, on the same data', () => {
  for (const r of READY_MADE) {
    const preset = tables.presets.find((p) => p.name === r.preset);
    assert.ok(preset, `${r.name}: preset ${r.preset} exists`);
    const configs = r.variants.map((t) => {
      const { overrides, error } = parseVariant(t, tables.fields);
      assert.equal(error, null, `${r.name}: "${t}" parses`);
      assert.equal(variantText(overrides), t, `${r.name}: "${t}" is in its written form`);
      return variantConfig(preset, {}, overrides);
    });
    const differing = differingFields(configs);
    const named = [...new Set(r.variants.flatMap((t) => t.split(',').map((p) => p.split(':')[0])))];
    assert.deepEqual(differing.sort(), named.filter((k) => configs.some((c) => c[k] !== configs[0][k])).sort(), `${r.name}: differs in ${differing}`);
    assert.ok(!differing.some((k) => DATA_FIELDS.includes(k)), `${r.name}: no data field differs`);
    const labels = configs.map((c, i) => variantLabel(c, differing, i));
    assert.equal(new Set(labels).size, labels.length, `${r.name}: the legend tells the variants apart: ${labels.join(' / ')}`);
    // The same data: the held-out samples of every variant are the same numbers.
    let first = null;
    for (const c of configs) {
      const t = new M.Trainer(c);
      try {
        const x = Array.from(t.testInputs().data), y = Array.from(t.testTargets().data);
        if (first) assert.deepEqual({ x, y }, first, `${r.name}: the same held-out samples in every variant`);
        else first = { x, y };
      } finally {
        t.delete();
      }
    }
  }
  assert.equal(variantLabel({ placement: 'before' }, ['placement'], 0), 'placement: before');
  assert.equal(variantLabel({ single_attention_vector: true }, ['single_attention_vector'], 0), 'one shared vector');
  assert.equal(variantLabel({ attention: 'none', score: 'bahdanau' }, ['attention', 'score'], 2, ['attention', 'samples']), 'attention: none',
    'a field the variant does not use is left out of its name');
  assert.equal(variantLabel({ seed: 1 }, [], 3), 'variant 4');
});
