// A saved run through the JS API: saveRun() -> loadRun() continues exactly; bad bytes are refused.
import test from 'node:test';
import assert from 'node:assert/strict';
import { loadModule, withTrainer } from './module.mjs';

const M = await loadModule();
const config = { preset: 'add_two_numbers', samples: 600, units: 8, attention_units: 6, time_steps: 8, test_samples: 16, epochs: 3, seed: 4 };

test('saveRun() -> loadRun() continues the run bit for bit', () => {
  withTrainer(M, config, (straight) => {
    const want = Array.from({ length: 20 }, () => straight.step(1).batch_loss);
    withTrainer(M, config, (t) => {
      const first = Array.from({ length: 7 }, () => t.step(1).batch_loss);
      const bytes = t.saveRun();
      assert.ok(bytes instanceof Uint8Array && bytes.length > 1000);
      const resumed = M.loadRun(bytes.buffer);
      try {
        assert.equal(resumed.metrics().step, 7);
        const rest = Array.from({ length: 13 }, () => resumed.step(1).batch_loss);
        assert.deepEqual([...first, ...rest], want);
        assert.deepEqual(resumed.config(), t.config());
      } finally {
        resumed.delete();
      }
    });
  });
});

test('a damaged or foreign file is refused by name', () => {
  withTrainer(M, config, (t) => {
    t.step(3);
    const bytes = t.saveRun();
    bytes[bytes.length - 10] ^= 1;
    assert.throws(() => M.loadRun(bytes), (e) => e.field === 'run' && /checksum/.test(e.message));
    assert.throws(() => M.loadRun(new TextEncoder().encode('{"not": "a run"}')), (e) => e.field === 'run' && /does not start as a saved run/.test(e.message));
    assert.throws(() => M.loadRun('abc'), (e) => e.field === 'run' && /Uint8Array/.test(e.message));
    assert.equal(t.step(1).step, 4, 'the trainer that saved it is untouched');
  });
});
