// Hostile input through the JS API: size products past 32 bits, user code (getters, valueOf)
// running inside an argument, calls on a deleted trainer, values that would be coerced, wrong
// argument counts, and echoed input. None may corrupt memory, crash, or pass silently.
import test from 'node:test';
import assert from 'node:assert/strict';
import { loadModule, withTrainer } from './module.mjs';

const M = await loadModule();
const tiny = { preset: 'dense', samples: 256, batch_size: 32, units: 8, test_samples: 8 };

const weightsOf = (t) => t.getWeights().map((w) => Array.from(w.data));

function rejects(fn, pattern) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof Error, `threw ${typeof e} ${e}, not an Error`);
    assert.match(e.message, pattern);
    return true;
  });
}

test('a size product past 2^32 is refused by field and leaves a bystander untouched', () => {
  withTrainer(M, { preset: 'lstm_before', samples: 2000, time_steps: 8, attention_column: 3, units: 8 }, (bystander) => {
    bystander.step(3);
    const before = weightsOf(bystander);
    // test_samples x time_steps x input_dim = 65536 x 256 x 256 = 2^32: 0 in wasm's size_t.
    for (const config of [
      { preset: 'lstm_before', time_steps: 256, input_dim: 256, samples: 900, test_samples: 65536 },
      { preset: 'lstm_after', time_steps: 1000, input_dim: 4096, samples: 1100, test_samples: 1 },
      { preset: 'dense', input_dim: 4096, units: 4096, samples: 10000000 },
      { preset: 'gru_after', units: 4096, time_steps: 1000, test_samples: 100000 },
    ]) {
      assert.throws(() => new M.Trainer(config), (e) => {
        assert.ok(e instanceof Error);
        assert.match(e.message, /^(samples|test_samples|units|batch_size): this run needs [\d.]+ GB/);
        assert.equal(e.field, e.message.slice(0, e.message.indexOf(':')));
        return true;
      }, JSON.stringify(config));
    }
    assert.deepEqual(weightsOf(bystander), before, 'the bystander\'s weights are unchanged');
    assert.equal(bystander.step(2).status, 'training', 'and it still trains');
  });
});

test('a getter that deletes the trainer inside setWeights: an Error, no other trainer touched', () => {
  const other = new M.Trainer({ ...tiny, seed: 2 });
  const otherWeights = weightsOf(other);
  const t = new M.Trainer(tiny);
  const w = t.getWeights();
  const hostile = w.map((x, i) => (i === 1 ? { get data() { t.delete(); return x.data; }, shape: x.shape } : x));
  rejects(() => t.setWeights(hostile), /^setWeights: this trainer has been deleted/);
  assert.ok(t.isDeleted());
  assert.deepEqual(weightsOf(other), otherWeights, 'the other trainer\'s weights are unchanged');
  other.delete();
});

test('an index getter that deletes the trainer inside predict: an Error, no read of freed memory', () => {
  const t = new M.Trainer(tiny);
  const x = t.testInputs();
  const data = Array.from(x.data);
  Object.defineProperty(data, 5, { get() { t.delete(); return 0.5; } });
  rejects(() => t.predict({ data, shape: x.shape }), /^predict: this trainer has been deleted/);
  rejects(() => t.step(1), /^step: this trainer has been deleted/);
  t.delete(); // idempotent
});

test('a getter that grows the memory mid-argument does not change what predict computes', () => {
  withTrainer(M, tiny, (t) => {
    const x = t.testInputs();
    const want = Array.from(t.predict(x).data);
    const data = Array.from(x.data);
    Object.defineProperty(data, 3, {
      get() {
        const big = new M.Trainer({ preset: 'dense', samples: 400000 }); // grows the heap
        big.delete();
        return x.data[3];
      },
    });
    assert.deepEqual(Array.from(t.predict({ data, shape: x.shape }).data), want);
  });
});

test('array arguments are finite numbers or typed arrays, never coerced', () => {
  withTrainer(M, tiny, (t) => {
    const x = t.testInputs();
    const n = x.data.length;
    const arr = (v) => { const a = Array.from(x.data); a[17] = v; return { data: a, shape: x.shape }; };
    for (const [bad, shown] of [[null, 'null'], [true, 'true'], ['0.5', "'0.5'"], [[0.5], 'an array'],
      [{ valueOf: () => 0.5 }, 'object'], [undefined, 'undefined'], [NaN, 'NaN'], [Infinity, 'Infinity']])
      rejects(() => t.predict(arr(bad)), new RegExp(`^inputs\\.data\\[17\\]: expected a finite number \\(got ${shown.replace(/[[\]]/g, '\\$&')}\\)`));
    rejects(() => t.predict({ data: 'abc', shape: x.shape }), /^inputs\.data: expected an array of numbers/);
    rejects(() => t.predict({ data: x.data, shape: [8, '32'] }), /^inputs\.shape\[1\]: expected a non-negative integer \(got '32'\)/);
    rejects(() => t.predict({ data: new Float64Array(n).fill(1e300), shape: x.shape }), /^inputs\.data\[0\]: expected a finite number \(got 1e\+300, beyond float32\)/);
    rejects(() => t.predict(null), /^inputs: expected \{data, shape\} \(got null\)/);
    const w = t.getWeights();
    w[0] = { data: new Float32Array(w[0].data.length).fill(Infinity), shape: w[0].shape };
    rejects(() => t.setWeights(w), /^weights\[0\]\.data\[0\]: expected a finite number \(got Infinity\)/);
    rejects(() => new M.Trainer({ samples: { valueOf: () => 100 } }), /^samples: expected a number, a string or true\/false \(got object\)/);
    assert.equal(t.step(1).step, 1, 'the trainer still works');
  });
});

test('a wrong number of arguments names the method and what it takes', () => {
  withTrainer(M, tiny, (t) => {
    rejects(() => t.step(), /^step: step\(batches\) takes 1 argument \(got 0\)/);
    rejects(() => t.step(1, 2), /^step: step\(batches\) takes 1 argument \(got 2\)/);
    rejects(() => t.predict(), /^predict: predict\(inputs\) takes 1 argument \(got 0\)/);
    rejects(() => t.getActivations(), /^getActivations: getActivations\(layer, inputs\?\) takes 1 to 2 arguments \(got 0\)/);
    rejects(() => M.defaults(), /^defaults: defaults\(preset\) takes 1 argument \(got 0\)/);
  });
});

test('echoed input is escaped and cut short', () => {
  rejects(() => new M.Trainer({ 'preset\u0000x': 'dense' }), /^preset\\x00x: unknown config field/);
  rejects(() => new M.Trainer({ preset: 'x'.repeat(50 * 1024 * 1024) }), /^preset: unknown preset 'x{40}\.\.\.' \(expected/);
  try {
    new M.Trainer({ preset: `a\u0000${'b'.repeat(100)}` });
  } catch (e) {
    assert.ok(e.message.length < 400, `message of ${e.message.length} characters`);
    assert.match(e.message, /'a\\x00b{38}\.\.\.'/);
  }
});

test('an exception thrown by a getter leaks nothing', () => {
  withTrainer(M, tiny, (t) => {
    const x = t.testInputs();
    const hostile = { shape: x.shape, get data() { throw new Error('boom'); } };
    for (let i = 0; i < 50; i++) assert.throws(() => t.predict(hostile), /boom/);
    const before = M.heapInUse();
    for (let i = 0; i < 2000; i++) assert.throws(() => t.predict(hostile), /boom/);
    assert.equal(M.heapInUse(), before);
  });
});
