// Module worker: our wasm module, exactly as the app's worker loads it (attention.mjs with its
// .wasm beside it), and the SIMD128 peak kernel.
import createAttentionModule from './attention.mjs';
import { benchOurs, fullRun } from './ours.mjs';
import { measurePeak } from './peak.mjs';

const post = (m) => postMessage(m);

// Paired runs (window.bench.paired, bench/run.mjs --only paired): one trainer kept between
// messages. 'open' builds it with enough samples that `runs` timed runs of `batches` never
// reach an epoch end, and warms it up; each 'run' times one Trainer.step(batches).
let M = null, session = null;
function closeSession() {
  session?.t.delete();
  session = null;
}
// overrides: Config fields the bench sets on both sides (models.mjs's presetTable).
async function openSession({ preset, overrides = {}, batches, runs }) {
  closeSession();
  M ??= await createAttentionModule();
  const config = M.presets().find((p) => p.name === preset)?.config;
  if (!config) throw new Error(`unknown preset ${preset}`);
  const batch = config.batch_size, warmup = Math.max(2, batches >> 2);
  const t = new M.Trainer({ preset, ...overrides, seed: 1, batch_size: batch, epochs: 1, validation_split: 0,
    samples: (warmup + runs * batches + 1) * batch });
  session = { t, batch, batches };
  t.step(warmup);
  return { params: t.parameterCount(), batch_size: batch, batches, warmup_batches: warmup };
}
function runSession() {
  const { t, batch, batches } = session;
  const t0 = performance.now();
  const m = t.step(batches);
  const s = (performance.now() - t0) / 1000;
  if (m.status !== 'training') throw new Error(`status ${m.status} while timing (${m.message})`);
  return { batches, rate: batches * batch / s };
}

onmessage = async ({ data: { job, options = {} } }) => {
  try {
    let result;
    if (job === 'open') result = await openSession(options);
    else if (job === 'run') result = runSession();
    else if (job === 'close') result = closeSession();
    else if (job === 'peak') {
      const res = await fetch(new URL('./peak.wasm', import.meta.url));
      if (!res.ok) throw new Error(`peak.wasm: HTTP ${res.status}`);
      result = await measurePeak(await res.arrayBuffer(), options);
    } else {
      const t0 = performance.now();
      const M = await createAttentionModule();
      const load_seconds = (performance.now() - t0) / 1000;
      if (job === 'throughput') result = { load_seconds, results: benchOurs(M, options) };
      else if (job === 'full') {
        // The full dense run is short: the median of 5. lstm_after (~20 s): once.
        const runs = (options.presets ?? ['dense', 'lstm_after']).map((p) => {
          const all = Array.from({ length: p === 'dense' ? 5 : 1 }, () => fullRun(M, p, options));
          const sorted = all.sort((a, b) => a.seconds - b.seconds);
          return { ...sorted[sorted.length >> 1], all_seconds: sorted.map((r) => r.seconds) };
        });
        result = { load_seconds, runs };
      } else throw new Error(`unknown job ${job}`);
    }
    post({ type: 'result', result });
  } catch (e) {
    post({ type: 'error', message: e?.stack || String(e) });
  }
};
