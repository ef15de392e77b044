// One of N workers training the same preset at once (bench/compare/run.mjs): loads the module
// as the page's worker does, builds the trainer, warms up, says so, then on "go" trains in
// chunks for `seconds` and reports the samples it trained and the time it took.
import createAttentionModule from './attention.mjs';

let trainer = null;
onmessage = async ({ data }) => {
  try {
    if (data.type === 'load') {
      const M = await createAttentionModule();
      trainer = new M.Trainer({ preset: data.preset, epochs: 1000, ...data.config });
      trainer.step(data.warmup);
      postMessage({ type: 'loaded', batch: trainer.config().batch_size });
    } else if (data.type === 'go') {
      const batch = trainer.config().batch_size;
      const t0 = performance.now();
      let steps = 0;
      while (performance.now() - t0 < data.seconds * 1000) {
        const before = trainer.metrics().step;
        const m = trainer.step(data.chunk);
        steps += m.step - before;
        if (m.status !== 'training') throw new Error(`status ${m.status} while timing (${m.message})`);
      }
      const seconds = (performance.now() - t0) / 1000;
      postMessage({ type: 'result', samples: steps * batch, seconds, rate: steps * batch / seconds });
      trainer.delete();
    }
  } catch (e) {
    postMessage({ type: 'error', message: e?.stack || String(e) });
  }
};
