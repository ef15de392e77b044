// The JS API: shapes, copies, history, summary, config, reset, weights and errors.
import test from 'node:test';
import assert from 'node:assert/strict';
import { loadModule, withTrainer } from './module.mjs';

const M = await loadModule();
const small = { preset: 'lstm_after', samples: 600, time_steps: 8, attention_column: 3, units: 8, batch_size: 32, test_samples: 16 };

test('config(): the preset defaults filled in, given fields kept', () => {
  withTrainer(M, { preset: 'gru_before', epochs: 3, seed: 9 }, (t) => {
    const c = t.config();
    assert.equal(c.preset, 'gru_before');
    assert.equal(c.samples, 300000);
    assert.equal(c.time_steps, 20);
    assert.equal(c.attention_column, 10);
    assert.equal(c.epochs, 3);
    assert.equal(c.seed, 9);
    assert.deepEqual(Object.keys(c).sort(), M.configFields().map((f) => f.name).sort());
  });
  const names = M.presets().map((p) => p.name);
  for (const name of ['dense', 'lstm_after', 'lstm_before', 'gru_after', 'gru_before', 'find_max', 'add_two_numbers', 'attention_example'])
    assert.ok(names.includes(name), `presets() lists ${name}`);
  assert.equal(M.defaults('dense').samples, 10000);
  for (const p of M.presets()) {
    assert.deepEqual(p.config, M.defaults(p.name), `${p.name}: the table's config is its defaults`);
    assert.ok(p.label && p.description && p.attention, `${p.name}: label, description, attention`);
  }
});

test('step, train, metrics and history', () => {
  withTrainer(M, small, (t) => {
    assert.equal(t.metrics().status, 'ready');
    const m = t.step(3);
    assert.equal(m.step, 3);
    assert.equal(m.status, 'training');
    assert.ok(Number.isFinite(m.loss) && Number.isFinite(m.batch_loss));
    assert.ok(Number.isNaN(m.val_loss), 'no validation before an epoch ends');
    for (const key of ['metric', 'attention_on_target', 'hit_rate', 'recent_loss', 'recent_metric',
      'recent_attention_on_target', 'recent_hit_rate'])
      assert.ok(Number.isFinite(m[key]), `${key} is a number (${m[key]})`);
    const e = t.train(1);
    assert.equal(e.epoch, 1);
    assert.ok(e.samples_per_second > 0);
    const h = t.getHistory();
    for (const key of ['loss', 'metric', 'attention_on_target', 'hit_rate', 'val_loss', 'val_metric',
      'val_attention_on_target', 'val_hit_rate']) {
      assert.ok(h[key] instanceof Float32Array, key);
      assert.equal(h[key].length, 1, key);
      assert.equal(h[key][0], Math.fround(e[key]), key);
    }
  });
});

test('attention, activations and summary have Keras shapes', () => {
  withTrainer(M, small, (t) => {
    const a = t.getAttention();
    assert.ok(a.data instanceof Float32Array);
    assert.deepEqual(a.shape, [8, 8]);
    const vec = t.getActivations('attention_vec');
    assert.deepEqual(vec.shape, [16, 8, 8]);
    for (let b = 0; b < 16; b++)
      for (let f = 0; f < 8; f++) {
        let s = 0;
        for (let k = 0; k < 8; k++) s += vec.data[(b * 8 + k) * 8 + f];
        assert.ok(Math.abs(s - 1) < 1e-5, `sample ${b} feature ${f} sums to ${s}`);
      }
    const inputs = t.testInputs();
    assert.deepEqual(inputs.shape, [16, 8, 2]);
    const again = t.getActivations('attention_vec', inputs);
    assert.deepEqual(Array.from(again.data), Array.from(vec.data));
    const out = t.predict({ data: Array.from(inputs.data.subarray(0, 32)), shape: [2, 8, 2] });
    assert.deepEqual(out.shape, [2, 1]);
    const rows = t.summary();
    assert.deepEqual(rows.map((r) => r.name), ['input', 'lstm', 'attention_probs', 'attention_vec', 'attention_mul', 'flatten', 'output']);
    assert.equal(rows.find((r) => r.name === 'lstm').params, 4 * 8 * (2 + 8 + 1));
    assert.equal(rows.reduce((s, r) => s + r.params, 0), t.parameterCount());
  });
});

test('returned arrays are copies that survive memory growth', () => {
  withTrainer(M, small, (t) => {
    const a = t.getAttention();
    const before = Array.from(a.data);
    const big = new M.Trainer({ preset: 'dense', samples: 400000 }); // grows the heap
    big.delete();
    t.step(5);
    assert.ok(a.data.length > 0, 'not detached');
    assert.deepEqual(Array.from(a.data), before, 'not overwritten by later training');
  });
});

test('reset() replays the same run exactly; reset(seed) equals a fresh trainer with that seed', () => {
  withTrainer(M, small, (t) => {
    const run = () => Array.from({ length: 10 }, () => t.step(1).batch_loss);
    const first = run();
    t.reset();
    assert.deepEqual(run(), first);
    t.reset(42);
    const reseeded = run();
    assert.notDeepEqual(reseeded, first);
    withTrainer(M, { ...small, seed: 42 }, (fresh) => {
      assert.deepEqual(Array.from({ length: 10 }, () => fresh.step(1).batch_loss), reseeded);
    });
  });
});

test('getWeights() -> setWeights() into a fresh trainer reproduces the predictions exactly', () => {
  withTrainer(M, small, (t) => {
    t.step(20);
    const w = t.getWeights();
    assert.deepEqual(w.map((x) => x.name), ['lstm/kernel', 'lstm/recurrent_kernel', 'lstm/bias',
      'attention_probs/kernel', 'attention_probs/bias', 'output/kernel', 'output/bias']);
    assert.deepEqual(w[0].shape, [2, 32]);
    const inputs = t.testInputs();
    const want = t.predict(inputs).data;
    withTrainer(M, { ...small, seed: 77 }, (other) => {
      assert.notDeepEqual(Array.from(other.predict(inputs).data), Array.from(want));
      other.setWeights(w);
      assert.deepEqual(Array.from(other.predict(inputs).data), Array.from(want));
    });
  });
});
