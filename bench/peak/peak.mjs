// Times the kernels of peak.wasm (see peak.cpp) with performance.now(); runs in Node and in a
// (module) Web Worker alike. Returns GFLOP/s per kernel: the best and the median of `runs`
// timed runs of about `runMs` each, after a warm-up. The peak the bench compares against is the
// best kernel's best run (a peak is a best case; noise from other processes only lowers it).

export const PEAK_KERNELS = ['gemm_8x4', 'gemm_8x6', 'chains'];

export async function measurePeak(wasmBytes, { runs = 15, runMs = 80 } = {}) {
  const { instance } = await WebAssembly.instantiate(wasmBytes, {});
  const e = instance.exports;
  if (e._initialize) e._initialize();
  e.init();
  const out = {};
  for (const name of PEAK_KERNELS) {
    const fn = e[name];
    const flopsPerRep = e[`flops_per_rep_${name}`]();
    // Calibrate: grow reps until one call takes >= runMs/4, then scale to runMs.
    let reps = 16, ms = 0;
    for (;;) {
      const t0 = performance.now();
      fn(reps);
      ms = performance.now() - t0;
      if (ms >= runMs / 4 || reps > 1 << 26) break;
      reps *= 4;
    }
    reps = Math.max(1, Math.round(reps * runMs / Math.max(ms, 1e-3)));
    fn(reps); // warm-up at full size
    const rates = [];
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      fn(reps);
      const s = (performance.now() - t0) / 1000;
      rates.push(flopsPerRep * reps / s / 1e9);
    }
    rates.sort((a, b) => a - b);
    out[name] = { best: rates[rates.length - 1], median: rates[rates.length >> 1], runs: rates.length };
  }
  const best = Object.entries(out).reduce((a, b) => (b[1].best > a[1].best ? b : a));
  return { kernels: out, peak: best[1].best, kernel: best[0] };
}
