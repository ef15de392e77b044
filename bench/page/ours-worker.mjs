// Module worker: our wasm module, exactly as the app's worker loads it (attention.mjs with its
// .wasm beside it), and the SIMD128 peak kernel.
import createAttentionModule from './attention.mjs';
import { benchOurs, fullRun } from './ours.mjs';
import { measurePeak } from './peak.mjs';

const post = (m) => postMessage(m);

onmessage = async ({ data: { job, options = {} } }) => {
  try {
    let result;
    if (job === 'peak') {
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
