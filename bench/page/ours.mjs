// Training throughput of our wasm module (the same protocol as bench/bench_native.cpp): for
// each preset of the core's table at the preset's own sizes, batch size, optimizer and loss (the
// 2017 models: batch 64, Adam, binary cross-entropy, as the seed), a warm-up, then `repeats`
// timed runs of Trainer.step(batches); validation_split 0 and just enough samples that no timed
// run reaches an epoch end (no validation pass or reshuffle inside). Runs in Node and in a
// module Web Worker alike: `M` is the instantiated module.
import { batchesPerRun, presetTable } from './models.mjs';

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

// `presets`: names from M.presets() (default: all of them, in the table's order).
export function benchOurs(M, { presets, repeats = 5, scale = 1 } = {}) {
  const table = presetTable(M);
  const chosen = presets ?? table.map((p) => p.name);
  // Every preset gets its trainer and warm-up first; then the timed runs go round-robin over
  // the presets, so a burst of other work on the machine slows every preset a little rather
  // than one preset a lot.
  const runs = [];
  try {
    for (const preset of chosen) {
      const entry = table.find((p) => p.name === preset);
      if (!entry) throw new Error(`unknown preset ${preset} (the module has ${table.map((p) => p.name).join(', ')})`);
      const batch = entry.config.batch_size;
      const batches = Math.max(4, Math.round(batchesPerRun(entry.config) * scale));
      const warmup = Math.max(2, batches >> 2);
      const t = new M.Trainer({
        preset, ...entry.overrides, seed: 1, batch_size: batch, epochs: 1, validation_split: 0,
        samples: (warmup + repeats * batches + 1) * batch,
      });
      runs.push({ preset, t, batch, batches, rates: [], reported: [] });
      t.step(warmup);
    }
    for (let r = 0; r < repeats; r++) {
      for (const x of runs) {
        const t0 = performance.now();
        const m = x.t.step(x.batches);
        const s = (performance.now() - t0) / 1000;
        if (m.status !== 'training') throw new Error(`${x.preset}: status ${m.status} while timing (${m.message})`);
        x.rates.push(x.batches * x.batch / s);
        x.reported.push(m.samples_per_second);
      }
    }
    return runs.map((x) => ({
      preset: x.preset, params: x.t.parameterCount(), batch_size: x.batch, batches: x.batches,
      optimizer: x.t.config().optimizer, loss: x.t.config().loss,
      samples_per_second: median(x.rates),
      runs: x.rates.sort((a, b) => a - b),
      reported_samples_per_second: median(x.reported), // the module's own clock, for comparison
      reported_runs: x.reported,
    }));
  } finally {
    for (const x of runs) x.t.delete();
  }
}

/**
 * The seed's full runs, as a user starts them: the preset's defaults (dense: 10000 samples,
 * 20 epochs, validation 0.5; lstm_after: 300000 samples, 1 epoch, validation 0.1). Wall clock
 * from building the trainer (drawing the data) to the end of the last epoch (validation
 * included), training in chunks of `chunk` batches (the page asks for a few batches per frame).
 */
export function fullRun(M, preset, { chunk = 0 } = {}) {
  const t0 = performance.now();
  const t = new M.Trainer({ preset });
  try {
    const build = (performance.now() - t0) / 1000;
    const c = t.config();
    const t1 = performance.now();
    let m;
    if (chunk > 0) {
      do m = t.step(chunk); while (m.status === 'training');
    } else {
      m = t.train(c.epochs);
    }
    const train = (performance.now() - t1) / 1000;
    const trainSamples = Math.floor(c.samples * (1 - c.validation_split));
    return {
      preset, samples: c.samples, epochs: c.epochs, train_samples: trainSamples, chunk,
      build_seconds: build, train_seconds: train, seconds: build + train,
      samples_per_second: trainSamples * c.epochs / train,
      status: m.status, val_metric: m.val_metric,
    };
  } finally {
    t.delete();
  }
}
