// The workers-only part of the comparison bench: window.bench.workers({ preset, n, seconds })
// starts n module workers, waits until every one has loaded the module, built its trainer and
// warmed up, then starts them together; returns each one's samples/s over its window.
function once(w, type) {
  return new Promise((resolve, reject) => {
    w.onmessage = ({ data }) => {
      if (data.type === 'error') reject(new Error(data.message));
      else if (data.type === type) resolve(data);
    };
    w.onerror = (e) => reject(new Error(`worker: ${e.message || 'failed to load'}`));
  });
}

window.bench = {
  async workers({ preset, n, seconds, warmup = 20, chunk = 16, config = {} }) {
    const workers = Array.from({ length: n }, () => new Worker(new URL('./worker.mjs', import.meta.url), { type: 'module' }));
    try {
      await Promise.all(workers.map((w) => {
        const loaded = once(w, 'loaded');
        w.postMessage({ type: 'load', preset, warmup, config });
        return loaded;
      }));
      const results = await Promise.all(workers.map((w) => {
        const done = once(w, 'result');
        w.postMessage({ type: 'go', seconds, chunk });
        return done;
      }));
      return results.map((r) => r.rate);
    } finally {
      for (const w of workers) w.terminate();
    }
  },
  info: () => ({ userAgent: navigator.userAgent, hardwareConcurrency: navigator.hardwareConcurrency }),
};
document.body.dataset.ready = 'true';
