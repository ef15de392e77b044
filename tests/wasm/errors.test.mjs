// Bad input reaches JS as an Error naming the field; the module (and the trainer) stay usable.
import test from 'node:test';
import assert from 'node:assert/strict';
import { loadModule, withTrainer } from './module.mjs';

const M = await loadModule();

function rejects(fn, pattern) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof Error, `threw ${typeof e} ${e}, not an Error`);
    assert.match(e.message, pattern);
    return true;
  });
}

const badConfigs = [
  [{ samples: -5 }, /^samples: .*-5/],
  [{ batch_size: 0 }, /^batch_size: .*0/],
  [{ units: -1 }, /^units: .*-1/],
  [{ learning_rate: NaN }, /^learning_rate: .*nan/i],
  [{ learning_rate: -0.1 }, /^learning_rate: /],
  [{ validation_split: 1 }, /^validation_split: /],
  [{ preset: 'transformer' }, /^preset: unknown preset 'transformer'/],
  [{ preset: 'lstm_after', attention_column: 20 }, /^attention_column: .*20/],
  [{ optimizer: 'adagrad' }, /^optimizer: .*adagrad/],
  [{ samples: 2.5 }, /^samples: expected an integer \(got 2\.5\)/],
  [{ samples: '100' }, /^samples: expected a number \(got '100'\)/],
  [{ seed: -1 }, /^seed: expected an integer/],
  [{ single_attention_vector: 'yes' }, /^single_attention_vector: expected true or false/],
  [{ preset: 'gru_after', reset_after: 1 }, /^reset_after: expected true or false/],
  [{ epoch: 3 }, /^epoch: unknown config field/],
  [{ samples: 100, batch_size: 80 }, /^batch_size: must not exceed the 50 training samples/],
];

for (const [config, pattern] of badConfigs) {
  test(`constructor rejects ${JSON.stringify(config) ?? String(config)}`, () => {
    rejects(() => new M.Trainer(config), pattern);
  });
}

test('an empty field name is refused by the config as a whole (found by fuzzing)', () => {
  rejects(() => new M.Trainer({ '': 1 }), /^config: unknown config field '' \(expected one of preset, /);
  rejects(() => new M.Trainer({ '': {} }), /^config: field '': expected a number, a string or true\/false \(got object\)/);
});

test('constructor rejects a non-object config', () => {
  rejects(() => new M.Trainer(42), /^config: expected an object/);
  rejects(() => new M.Trainer([1]), /^config: expected an object/);
});

test('methods reject bad arguments and the trainer keeps working', () => {
  withTrainer(M, { preset: 'dense', samples: 256, batch_size: 32 }, (t) => {
    rejects(() => t.getActivations('nope'), /^layer: unknown layer 'nope' \(expected one of input, attention_probs/);
    rejects(() => t.getActivations('output', { data: [1, 2], shape: [1, 2] }), /^inputs: expected shape \(n, 32\)/);
    rejects(() => t.step(-1), /^batches: /);
    rejects(() => t.train(1.5), /^epochs: expected a non-negative integer \(got 1\.5\)/);
    rejects(() => t.reset(-3), /^seed: /);
    const w = t.getWeights();
    rejects(() => t.setWeights(w.slice(1)), /^weights: expected 6 arrays \(got 5\)/);
    const wrong = w.map((x) => ({ data: x.data, shape: x.shape }));
    wrong[2] = { data: new Float32Array(64 * 31), shape: [31, 64] };
    rejects(() => t.setWeights(wrong), /^weights\[2\] \(dense\/kernel\): expected shape \(32, 64\) \(got \(31, 64\)\)/);
    const nan = w.map((x) => ({ data: x.data, shape: x.shape }));
    nan[1] = { data: new Float32Array(32).fill(NaN), shape: [32] };
    rejects(() => t.setWeights(nan), /^weights\[1\]\.data\[0\]: expected a finite number \(got NaN\)/);
    assert.deepEqual(Array.from(t.getWeights()[2].data), Array.from(w[2].data), 'weights unchanged');
    assert.equal(t.step(2).step, 2, 'still trains');
  });
  withTrainer(M, {}, (t) => assert.equal(t.config().preset, 'dense')); // module still usable
});

test('a diverging run stops with a clear status and finite weights', () => {
  withTrainer(M, { preset: 'dense', samples: 512, optimizer: 'sgd', loss: 'mse', learning_rate: 1e30 }, (t) => {
    let m;
    for (let i = 0; i < 50 && (m = t.step(1)).status !== 'diverged'; i++);
    assert.equal(m.status, 'diverged');
    assert.match(m.message, /non-finite|NaN|infinite/);
    for (const w of t.getWeights()) assert.ok(w.data.every(Number.isFinite), `${w.name} finite`);
    assert.equal(t.step(5).step, m.step, 'no further steps');
  });
});

test('a number in a message is written as JavaScript writes it (the core formats it itself)', () => {
  let a = 7; // a small seeded generator: 2000 negative numbers from 1e-324 to 1e308
  const next = () => ((a = (Math.imul(a, 1103515245) + 12345) >>> 0) / 4294967296);
  for (let i = 0; i < 2000; i++) {
    const x = -(next() + 1e-3) * 10 ** Math.floor(next() * 633 - 324);
    if (x === 0) continue;
    assert.throws(() => M.estimate({ seed: x }), (e) => {
      assert.ok(e.message.endsWith(`(got ${String(x)})`), `${e.message} for ${String(x)}`);
      return true;
    });
  }
});
