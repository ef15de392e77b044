// The bench page: bench/run.mjs calls window.bench.<job>(options) through playwright. Each job
// runs in a fresh worker, which is terminated afterwards:
// - our module in a module worker (as the app's page runs it): ours-worker.mjs;
// - TF.js in a classic worker (its npm UMD bundles load with importScripts): tfjs-worker.js.
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

window.bench = {
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
