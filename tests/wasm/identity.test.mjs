// Same numbers everywhere: for the same config and seed, the loss of each of 200 steps and
// the final attention are bit-identical between the native build (the CLI's --trace) and
// the wasm build. Both use Eigen's 4-float SSE2 kernels, the project's own RNG and no libm
// call whose result differs between glibc and musl.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { loadModule, root, withTrainer } from './module.mjs';

const M = await loadModule();
const cli = path.join(root, 'build/native/attention');

// Every preset in the table (at most 20000 samples, so the data is drawn quickly), then
// variants that reach other code: optimizers, dropout, losses, the other score, no attention,
// the GRU's reset_after=false.
const configs = [
  ...M.presets().map((p, i) => ({ preset: p.name, seed: 11 + i, samples: Math.min(p.config.samples, 20000) })),
  { preset: 'dense', seed: 3 },
  { preset: 'dense', seed: 4, optimizer: 'rmsprop', dropout: 0.2, loss: 'mse' },
  { preset: 'lstm_after', samples: 20000, seed: 5 },
  { preset: 'lstm_before', samples: 20000, seed: 6, single_attention_vector: true },
  { preset: 'gru_after', samples: 20000, seed: 7, dropout: 0.1 },
  { preset: 'gru_before', samples: 20000, seed: 8, optimizer: 'sgd', momentum: 0.9, learning_rate: 0.05 },
  { preset: 'find_max', samples: 5000, seed: 9, score: 'bahdanau', cell: 'gru', units: 24, attention_units: 20 },
  { preset: 'add_two_numbers', samples: 5000, seed: 10, attention: 'none', loss: 'mse' },
  { preset: 'find_max', samples: 5000, seed: 12, attention: 'block', placement: 'after', units: 16 },
  { preset: 'gru_after', samples: 20000, seed: 13, reset_after: false },
  { preset: 'find_max', samples: 5000, seed: 14, cell: 'gru', reset_after: false, units: 18, attention_units: 20 },
  // self_attention with heads of 6 features (the vector kernels' tails), three layers, dropout
  { preset: 'induction_head', samples: 3000, seed: 15, heads: 4, units: 24, layers: 3, dropout: 0.1, time_steps: 9 },
  // seq2seq: the other cells and scores, units off the vector width, dropout, a padded source
  { preset: 'reverse', samples: 3000, seed: 16, cell: 'gru', reset_after: false, score: 'bahdanau', units: 10, attention_units: 7 },
  { preset: 'sort_digits', samples: 3000, seed: 17, cell: 'lstm', score: 'dot', dropout: 0.1, time_steps: 5, vocab_size: 6 },
  { preset: 'date_conversion', samples: 3000, seed: 18, cell: 'lstm', score: 'luong', time_steps: 13, units: 9 },
];

const flags = (c) => Object.entries(c).flatMap(([k, v]) => [`--${k.replaceAll('_', '-')}`, String(v)]);

for (const config of configs) {
  test(`native and wasm agree bit for bit: ${JSON.stringify(config)}`, () => {
    const native = JSON.parse(execFileSync(cli, [...flags(config), '--trace', '200'], { encoding: 'utf8' }));
    withTrainer(M, config, (t) => {
      const losses = [];
      for (let i = 0; i < 200; i++) {
        const m = t.step(1);
        if (m.status !== 'training') break; // a short preset ends before 200 steps, as natively
        losses.push(m.batch_loss);
      }
      assert.ok(native.batch_loss.length > 0);
      // %.9g round-trips a float32 exactly; Math.fround gives that float back.
      for (let i = 0; i < native.batch_loss.length; i++)
        assert.equal(losses[i], Math.fround(native.batch_loss[i]), `step ${i + 1}: wasm ${losses[i]} native ${native.batch_loss[i]}`);
      assert.equal(losses.length, native.batch_loss.length);
      if (config.attention === 'none') return assert.equal(native.attention, undefined);
      const a = t.getAttention().data;
      assert.equal(a.length, native.attention.length);
      for (let i = 0; i < a.length; i++) assert.equal(a[i], Math.fround(native.attention[i]), `attention[${i}]`);
    });
  });
}
