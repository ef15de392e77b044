// The bench page: bench/run.mjs calls window.bench.<job>(options) through playwright. Each job
// runs in a fresh worker, which is terminated afterwards:
// - our module in a module worker (as the app's page runs it): ours-worker.mjs;
// - TF.js in a classic worker (its npm UMD bundles load with importScripts): tfjs-worker.js.
// window.bench.paired keeps one worker of each alive and alternates their timed runs.
import { batchesPerRun } from './models.mjs';

const log = (s) => {
  document.getElementById('log').textContent += s + '\n';
};

function runWorker(url, type, message) {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL(url, import.meta.url), { type });
    const done = (f, v) => {
      w.terminate();
      f(v);
    };
    w.onmessage = ({ data }) => {
      if (data.type === 'log') return log(data.text);
      if (data.type === 'error') return done(reject, new Error(data.message));
      if (data.type === 'result') return done(resolve, data.result);
    };
    w.onerror = (e) => {
      e.preventDefault?.();
      done(reject, new Error(`worker ${url}: ${e.message || 'failed to load'} (${e.filename || ''}:${e.lineno || ''})`));
    };
    w.onmessageerror = () => done(reject, new Error(`worker ${url}: message could not be read`));
    w.postMessage(message);
  });
}

// A worker kept alive for several jobs, one at a time: call(job, options) -> its result.
function persistentWorker(url, type) {
  const w = new Worker(new URL(url, import.meta.url), { type });
  let pending = null;
  const settle = (f, v) => {
    const p = pending;
    pending = null;
    p?.[f](v);
  };
  w.onmessage = ({ data }) => {
    if (data.type === 'log') return log(data.text);
    if (data.type === 'error') return settle('reject', new Error(data.message));
    if (data.type === 'result') return settle('resolve', data.result);
  };
  w.onerror = (e) => {
    e.preventDefault?.();
    settle('reject', new Error(`worker ${url}: ${e.message || 'failed to load'} (${e.filename || ''}:${e.lineno || ''})`));
  };
  return {
    call: (job, options) => new Promise((resolve, reject) => {
      pending = { resolve, reject };
      w.postMessage({ job, options });
    }),
    close: () => w.terminate(),
  };
}

// Paired runs, ours against TF.js: for each preset and TF.js backend, `rounds` rounds of one
// timed run of ours (Trainer.step of the bench's batches per run) then one of TF.js (each
// method; sized to about `seconds`), both models built and warmed up once. A busy spell on the
// machine then slows both sides of a round: the median of the rounds' ratios is steadier than
// the ratio of medians taken minutes apart.
async function paired({ presets, backends = ['wasm'], rounds = 15, seconds = 0.5, methods = ['trainOnBatch', 'fit'],
  warmupSeconds = 1 }) {
  const ours = persistentWorker('./ours-worker.mjs', 'module');
  const theirs = persistentWorker('./tfjs-worker.js', 'classic');
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  try {
    const results = [];
    for (const entry of presets) {
      const batches = batchesPerRun(entry.config);
      const o = await ours.call('open', { preset: entry.name, overrides: entry.overrides, batches, runs: rounds * backends.length });
      for (const backend of backends) {
        const t = await theirs.call('open', { entry, backend, methods, seconds, warmupSeconds });
        const rows = [];
        for (let r = 0; r < rounds; r++) {
          const a = await ours.call('run');
          const b = await theirs.call('run');
          const best = Math.max(...Object.values(b.rates));
          rows.push({ ours: a.rate, tfjs: best, ratio: a.rate / best, by_method: b.rates });
        }
        const ratios = rows.map((x) => x.ratio).sort((p, q) => p - q);
        results.push({
          preset: entry.name, backend, simd: t.simd, threads: t.threads, rounds,
          params: { ours: o.params, tfjs: t.params }, batch_size: o.batch_size,
          batches: { ours: o.batches, tfjs: t.batches }, tfjs_warmup_batches: t.warmup_batches,
          ours: median(rows.map((x) => x.ours)), tfjs: median(rows.map((x) => x.tfjs)),
          ratio: median(ratios), ratios, rows,
        });
        log(`paired ${entry.name} ${backend}: ratio ${results.at(-1).ratio.toFixed(1)}`);
      }
    }
    return { results };
  } finally {
    ours.close();
    theirs.close();
  }
}

window.bench = {
  paired,
  ours: (options) => runWorker('./ours-worker.mjs', 'module', { job: 'throughput', options }),
  full: (options) => runWorker('./ours-worker.mjs', 'module', { job: 'full', options }),
  peak: (options) => runWorker('./ours-worker.mjs', 'module', { job: 'peak', options }),
  tfjs: (options) => runWorker('./tfjs-worker.js', 'classic', { job: 'tfjs', options }),
  info: () => ({
    userAgent: navigator.userAgent,
    hardwareConcurrency: navigator.hardwareConcurrency,
    crossOriginIsolated: self.crossOriginIsolated,
  }),
};
document.body.dataset.ready = 'true';
