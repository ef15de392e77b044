#!/usr/bin/env node
// Paired micro-benchmark of the JS glue with and without -sDYNAMIC_EXECUTION=0 (see
// docs/deployment.md). The flag changes only attention.mjs (Embind's call wrappers become
// closures instead of `new Function` code); attention_core.wasm is the same. So this times what the
// glue adds to each call: N calls of t.step(1) on a tiny dense config and N calls of
// t.metrics() (a struct converted to a JS object), each build in turn, the order alternating;
// then training throughput at the seed's sizes (batch 64, bench/page/models.mjs), paired the
// same way. Times are this process's CPU time (process.cpuUsage), not wall time, so that other
// work on a shared machine adds little noise (it still shares caches and memory bandwidth).
//
//   node bench/glue/dynamic-execution.mjs DIR_WITH DIR_WITHOUT [--rounds 21] [--calls 2000]
//                                         [--train-rounds 8]
//
// DIR_WITH / DIR_WITHOUT: folders holding attention.mjs, attention_core.mjs + .wasm, linked with and
// without -sDYNAMIC_EXECUTION=0 (e.g. copies of build/wasm before and after the flag).
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return dflt;
  const [, v] = args.splice(i, 2);
  return Number(v);
};
const rounds = opt('rounds', 21);
const calls = opt('calls', 2000);
const trainRounds = opt('train-rounds', 8);
if (args.length !== 2) {
  console.error('usage: node bench/glue/dynamic-execution.mjs DIR_WITH DIR_WITHOUT [--rounds 21] [--calls 2000]');
  process.exit(2);
}

async function load(dir) {
  const { default: create } = await import(pathToFileURL(path.resolve(dir, 'attention.mjs')).href);
  const src = fs.readFileSync(path.resolve(dir, 'attention_core.mjs'), 'utf8');
  return { M: await create({ wasmBinary: fs.readFileSync(path.resolve(dir, 'attention_core.wasm')) }), newFunction: /new Function/.test(src) };
}
const builds = {
  'DYNAMIC_EXECUTION=0': await load(args[0]),
  'default (new Function)': await load(args[1]),
};
const names = Object.keys(builds);
if (builds[names[0]].newFunction || !builds[names[1]].newFunction) {
  console.error('expected the first folder without new Function and the second with it');
  process.exit(2);
}

// Tiny: the wasm work per step is small, so the glue's share is as large as it gets.
const CONFIG = { preset: 'dense', samples: 512, batch_size: 8, units: 4, epochs: 1000, validation_split: 0, test_samples: 8, seed: 1 };

// CPU time of this process in µs (user + system).
const cpu = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

function measure(M) {
  const t = new M.Trainer(CONFIG);
  try {
    let t0 = cpu();
    for (let i = 0; i < calls; i++) t.step(1);
    const step = (cpu() - t0) / calls;
    t0 = cpu();
    let s = 0;
    for (let i = 0; i < calls; i++) s += t.metrics().step;
    const metrics = (cpu() - t0) / calls;
    if (s !== calls * calls) throw new Error('unexpected step count');
    return { step, metrics };
  } finally {
    t.delete();
  }
}

const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const res = Object.fromEntries(names.map((n) => [n, { step: [], metrics: [] }]));
for (let r = -3; r < rounds; r++) {                  // 3 warm-up rounds
  const order = r % 2 ? names : [...names].reverse();
  const got = {};
  for (const n of order) got[n] = measure(builds[n].M);
  if (r < 0) continue;
  for (const n of names) for (const k of ['step', 'metrics']) res[n][k].push(got[n][k]);
}
console.log(`${rounds} rounds × ${calls} calls, medians in µs of CPU time per call (paired ratio: median over rounds)`);
for (const k of ['step', 'metrics']) {
  const [a, b] = names.map((n) => res[n][k]);
  const ratios = a.map((x, i) => x / b[i]);
  console.log(`${k === 'step' ? 't.step(1)  ' : 't.metrics()'}  ${names[0]}: ${median(a).toFixed(2)}  ${names[1]}: ${median(b).toFixed(2)}  ` +
    `ratio ${median(ratios).toFixed(3)} (range ${Math.min(...ratios).toFixed(3)}-${Math.max(...ratios).toFixed(3)})`);
}

// ---- training throughput at the seed's sizes --------------------------------------------------
const { BATCH, PRESETS, RECURRENT } = await import('../page/models.mjs');
function train(M, preset) {
  const batches = RECURRENT(preset) ? 30 : 200;
  const t = new M.Trainer({ preset, seed: 1, batch_size: BATCH, epochs: 1, validation_split: 0, samples: (3 * batches + 1) * BATCH });
  try {
    t.step(batches);                                   // warm-up
    const rates = [];
    for (let r = 0; r < 2; r++) {
      const t0 = cpu();
      const m = t.step(batches);
      if (m.status !== 'training') throw new Error(`${preset}: ${m.status}`);
      rates.push(batches * BATCH / ((cpu() - t0) / 1e6));
    }
    return Math.max(...rates);
  } finally {
    t.delete();
  }
}
if (trainRounds > 0) {
  const ratios = Object.fromEntries(PRESETS.map((p) => [p, []]));
  const rates = Object.fromEntries(names.map((n) => [n, Object.fromEntries(PRESETS.map((p) => [p, []]))]));
  for (let r = 0; r < trainRounds; r++) {
    for (const preset of PRESETS) {
      const got = {};
      for (const n of r % 2 ? names : [...names].reverse()) got[n] = train(builds[n].M, preset);
      for (const n of names) rates[n][preset].push(got[n]);
      ratios[preset].push(got[names[0]] / got[names[1]]);
    }
  }
  console.log(`\ntraining, batch ${BATCH}, ${trainRounds} paired rounds: samples per CPU-second, medians (ratio = ${names[0]} / default)`);
  for (const p of PRESETS) {
    const v = ratios[p];
    console.log(`${p.padEnd(12)} ${names[0]}: ${Math.round(median(rates[names[0]][p])).toLocaleString('en-US')}  ` +
      `${names[1]}: ${Math.round(median(rates[names[1]][p])).toLocaleString('en-US')}  ratio ${median(v).toFixed(3)} ` +
      `(range ${Math.min(...v).toFixed(3)}-${Math.max(...v).toFixed(3)})`);
  }
}
