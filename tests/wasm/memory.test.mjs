// Every object JS creates can be deleted: create/train/delete loops leave the heap flat.
// M.memoryBytes() (what the comparison page shows per worker) is the wasm memory itself.
import test from 'node:test';
import assert from 'node:assert/strict';
import { loadModule } from './module.mjs';

const M = await loadModule();
const tiny = { preset: 'gru_after', samples: 40, time_steps: 4, attention_column: 1, units: 4, batch_size: 8, test_samples: 4 };

function cycle(config, i) {
  const t = new M.Trainer({ ...config, seed: i });
  t.step(2);
  t.getAttention();
  t.getWeights();
  t.getActivations('attention_vec');
  t.delete();
}

test('10,000 trainers created, trained and deleted leave the heap flat', () => {
  for (let i = 0; i < 200; i++) cycle(tiny, i); // warm up allocator pools
  const before = M.heapInUse();
  for (let i = 0; i < 10000; i++) cycle(tiny, i);
  const after = M.heapInUse();
  assert.ok(after - before < 16 * 1024, `heap in use grew by ${after - before} bytes`);
});

test('errors free what they allocated', () => {
  for (let i = 0; i < 100; i++) try { new M.Trainer({ samples: -1 }); } catch {}
  const before = M.heapInUse();
  for (let i = 0; i < 2000; i++) {
    try { new M.Trainer({ preset: 'lstm_before', attention_column: 99 }); } catch {}
    try { new M.Trainer({ nope: 1 }); } catch {}
  }
  assert.ok(M.heapInUse() - before < 16 * 1024, `heap grew by ${M.heapInUse() - before} bytes`);
});

test('M.memoryBytes(): the wasm memory in whole 64 KiB pages, at least what malloc handed out; it grows with a run', () => {
  const before = M.memoryBytes();
  assert.ok(Number.isInteger(before) && before % 65536 === 0, `${before} is whole wasm pages`);
  assert.ok(before >= M.heapInUse());
  const t = new M.Trainer({ preset: 'lstm_after', samples: 200000 });
  try {
    assert.ok(M.memoryBytes() >= before + 0.9 * t.footprint().data, 'the data of a larger run is in it');
    assert.ok(M.memoryBytes() >= M.heapInUse());
  } finally {
    t.delete();
  }
});
