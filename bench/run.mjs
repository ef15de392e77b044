#!/usr/bin/env node
// The benchmark (issue #6): training samples/s of every preset of the core's table (the seed's
// five 2017 models, the later examples' many-to-one Attention models and the causal
// self-attention models of the token tasks) natively, in wasm under
// Node, and in wasm in headless Chromium (module worker, as the page runs it), against the same
// models in TensorFlow.js (wasm and cpu backends) in the same Chromium; GFLOP/s against a
// measured single-thread wasm SIMD128 peak; and the seed's two full runs in Chromium. Prints a
// table (medians after warm-up) with the targets, and writes test-results/bench.json.
//
// The presets come from the module (M.presets(), read once in Node and passed to the TF.js
// worker); each is timed at its own batch size, optimizer and loss (the 2017 models: batch 64,
// Adam, binary cross-entropy, as the seed; find_max: 32, RMSprop, MAE; add_two_numbers: 64,
// Adam, MAE; attention_example: 32, Adam, MAE; previous_token, induction_head, sort_tokens: 32,
// Adam, sparse categorical cross-entropy; reverse, sort_digits, date_conversion: 64, Adam,
// sparse categorical cross-entropy, teacher-forced, the GRU ones with reset_after false on both
// sides, as TF.js's GRU has only that variant: models.mjs's presetTable).
//
//   npm run bench                     # setup + build + this script
//   node bench/run.mjs [--quick] [--only native,node,chromium,tfjs,compare,paired] [--presets a,b,...]
//                      [--repeats N] [--json FILE | --no-json] [--tfjs-method both|fit|trainOnBatch]
//                      [--verbose]
//
// --presets: only these presets of the table (the seed's full runs only if dense or lstm_after
// is among them).
//
// The "compare" part (bench/compare/run.mjs) measures the comparison page: N workers training at
// once against N x one worker.
//
// The "paired" part (only with --only paired, not in the default run) times ours and TF.js's
// wasm backend alternately in the same page, round after round (window.bench.paired in
// bench/page/main.mjs), and prints the median of the rounds' ratios: on a busy machine a
// steadier ratio than the table's, whose sides are measured minutes apart.
//
// It prints numbers; it is not a test (not part of npm test) and exits 0 whether targets pass
// or miss. It exits 1 only when something could not be measured.
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { batchesPerRun, isRecurrent, isSeedModel, macsPerSample, presetTable, trainingFlopsPerSample } from './page/models.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rel = (p) => path.relative(root, p);
const P = {
  nativeBench: path.join(root, 'build/native/attention_bench'),
  wasmDir: path.join(root, 'build/wasm'),
  out: path.join(root, 'build/bench'),
  site: path.join(root, 'build/bench/site'),
  peakSrc: path.join(root, 'bench/peak/peak.cpp'),
  peakWasm: path.join(root, 'build/bench/peak.wasm'),
  page: path.join(root, 'bench/page'),
  tfjs: path.join(root, 'node_modules/@tensorflow/tfjs/dist'),
  tfjsWasm: path.join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist'),
};

// ---- targets (issue #6) ----------------------------------------------------------------------
const TARGETS = {
  vsTfjsWasm: 20,        // our samples/s >= 20x TF.js (wasm backend), every preset, in Chromium
  peakFraction: 0.40,    // recurrent models: >= 40% of the measured wasm SIMD128 peak
  fullSeconds: { lstm_after: 15, dense: 0.5 },  // the seed's full runs in Chromium, wall clock
};

// ---- command line ----------------------------------------------------------------------------
const PARTS = ['native', 'node', 'chromium', 'tfjs', 'compare', 'paired'];
const DEFAULT_PARTS = PARTS.filter((p) => p !== 'paired');
const USAGE = 'usage: node bench/run.mjs [--quick] [--only native,node,chromium,tfjs,compare,paired] [--presets a,b,...] ' +
  '[--repeats N] [--json FILE | --no-json] [--tfjs-method both|fit|trainOnBatch] [--verbose]';
function parseArgs(argv) {
  const o = { quick: false, only: new Set(DEFAULT_PARTS), presets: null, repeats: 0,
    json: path.join(root, 'test-results/bench.json'), verbose: false, tfjsMethod: 'both' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) fail(`${a} needs a value\n${USAGE}`);
      return argv[++i];
    };
    if (a === '--quick') o.quick = true;
    else if (a === '--verbose' || a === '-v') o.verbose = true;
    else if (a === '--no-json') o.json = null;
    else if (a === '--json') o.json = path.resolve(value());
    else if (a === '--tfjs-method') {
      o.tfjsMethod = value();
      if (!['fit', 'trainOnBatch', 'both'].includes(o.tfjsMethod)) fail(`--tfjs-method must be fit, trainOnBatch or both\n${USAGE}`);
    }
    else if (a === '--repeats') {
      o.repeats = Number(value());
      if (!Number.isInteger(o.repeats) || o.repeats < 1 || o.repeats > 100) fail(`--repeats must be 1..100\n${USAGE}`);
    } else if (a === '--presets') {
      o.presets = value().split(',').map((s) => s.trim()).filter(Boolean);
    } else if (a === '--only') {
      o.only = new Set(value().split(',').map((s) => s.trim()).filter(Boolean));
      for (const s of o.only) if (!PARTS.includes(s)) fail(`--only: unknown part ${s}\n${USAGE}`);
    } else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else fail(`unknown argument ${a}\n${USAGE}`);
  }
  return o;
}

function fail(msg) {
  console.error(`[bench] error: ${msg}`);
  process.exit(1);
}
const say = (s) => console.error(`[bench] ${s}`);

function need(file, hint) {
  if (!fs.existsSync(file)) fail(`${rel(file)} is missing: ${hint}`);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function timed(label, fn) {
  const t0 = performance.now();
  say(`${label} ...`);
  const r = await fn();
  say(`${label}: done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return r;
}

// Reject if `promise` takes longer than `ms`, naming what was running.
function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

// ---- the peak kernel (em++) ------------------------------------------------------------------
function buildPeak() {
  const fresh = fs.existsSync(P.peakWasm) && fs.statSync(P.peakWasm).mtimeMs >= fs.statSync(P.peakSrc).mtimeMs;
  if (fresh) return;
  fs.mkdirSync(P.out, { recursive: true });
  const args = ['-O3', '-msimd128', '--no-entry', '-sSTANDALONE_WASM', '-sTOTAL_STACK=64KB',
    '-sINITIAL_MEMORY=1MB', '-o', P.peakWasm, P.peakSrc];
  say(`build ${rel(P.peakWasm)}: em++ ${args.map((a) => (a.startsWith('/') ? rel(a) : a)).join(' ')}`);
  try {
    // Emscripten's JS optimizer (-O2 and above) needs Debian's acorn.
    execFileSync('em++', args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_PATH: '/usr/share/nodejs' } });
  } catch (e) {
    fail(`em++ failed for bench/peak/peak.cpp (is emscripten installed? bash scripts/setup.sh):\n${e.stderr || e.message}`);
  }
}

// ---- native ----------------------------------------------------------------------------------
function runNative(repeats, { presets = null, full = true } = {}) {
  need(P.nativeBench, 'build it with bash scripts/build.sh native (npm run bench does)');
  const args = ['--json', ...(full ? ['--full'] : []), '--repeats', String(repeats),
    ...(presets ?? []).flatMap((p) => ['--preset', p])];
  return new Promise((resolve, reject) => {
    execFile(P.nativeBench, args,
      { timeout: 240_000, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
        if (err) return reject(new Error(`${rel(P.nativeBench)} failed: ${err.message}\n${stderr}`));
        try {
          resolve(JSON.parse(stdout));
        } catch {
          reject(new Error(`${rel(P.nativeBench)} --json printed no JSON:\n${stdout.slice(0, 500)}`));
        }
      });
  });
}

// ---- wasm in Node ----------------------------------------------------------------------------
// Our module in Node: the preset table comes from it (every part of the bench uses it).
async function loadModule() {
  const mjs = path.join(P.wasmDir, 'attention.mjs'), wasm = path.join(P.wasmDir, 'attention_core.wasm');
  need(mjs, 'build it with bash scripts/build.sh wasm (npm run bench does; the bench reads the preset table from it)');
  need(wasm, 'build it with bash scripts/build.sh wasm');
  const { default: create } = await import(mjs);
  return create({ wasmBinary: fs.readFileSync(wasm) });
}

async function runNode(M, { repeats, scale, presets }) {
  const { benchOurs } = await import('./page/ours.mjs');
  const { measurePeak } = await import('./peak/peak.mjs');
  const results = benchOurs(M, { repeats, scale, presets });
  const peak = await measurePeak(fs.readFileSync(P.peakWasm));
  return { node: process.version, results, peak };
}

// ---- Chromium --------------------------------------------------------------------------------
// The page, our module, the peak kernel and the TF.js bundles in one folder served from
// 127.0.0.1 (copies: the static server does not follow links out of its root).
function stageSite(withTfjs) {
  fs.rmSync(P.site, { recursive: true, force: true });
  fs.mkdirSync(P.site, { recursive: true });
  const copy = (from, name = path.basename(from)) => {
    need(from, from.includes('node_modules') ? 'run npm install (bash scripts/setup.sh)' : 'run bash scripts/build.sh');
    fs.copyFileSync(from, path.join(P.site, name));
  };
  for (const f of fs.readdirSync(P.page)) copy(path.join(P.page, f)); // includes tfjs-models.js
  copy(path.join(root, 'bench/peak/peak.mjs'));
  copy(P.peakWasm);
  for (const f of ['attention.mjs', 'export.mjs', 'attention_core.mjs', 'attention_core.wasm']) copy(path.join(P.wasmDir, f));
  if (withTfjs) {
    copy(path.join(P.tfjs, 'tf.es2017.min.js'));
    copy(path.join(P.tfjsWasm, 'tf-backend-wasm.es2017.min.js'));
    for (const f of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']) {
      copy(path.join(P.tfjsWasm, f));
    }
  }
}

// Our timed runs in Chromium go in up to four windows spread over the Chromium part (before
// TF.js, between its two backends, after them, after the full runs: 10-30 s apart), so that a
// burst of other work on the machine lasting a few seconds cannot hold most of them. The
// targets use the median of all the runs. Returns the runs per window, e.g. 11 -> 3, 3, 3, 2.
function windowSizes(repeats, windows = 4) {
  const n = Math.min(windows, repeats);
  return Array.from({ length: n }, (_, i) => Math.floor(repeats / n) + (i < repeats % n ? 1 : 0));
}

async function runChromium({ table, repeats, scale, tfjs, chromium, paired, quick, verbose, tfjsMethod, fullRuns }) {
  const windows = windowSizes(repeats);
  stageSite(tfjs || paired > 0);
  const { serve } = await import('../scripts/serve.mjs');
  const { launch } = await import('../tests/browser/helpers.mjs');
  const server = await serve({ root: P.site, port: 0 });
  let session;
  const out = {};
  try {
    session = await launch({ viewport: { width: 800, height: 600 } });
    const { page } = session;
    page.on('console', (m) => {
      if (verbose || m.type() === 'error') say(`chromium console.${m.type()}: ${m.text()}`);
    });
    await page.goto(server.url + 'index.html', { waitUntil: 'load' });
    await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 30_000 })
      .catch(() => { throw new Error(`the bench page did not start (${session.errors.join('; ') || 'no error reported'})`); });
    out.browser = await page.evaluate(() => window.bench.info());
    const job = (name, options, ms) => withTimeout(
      page.evaluate(([n, o]) => window.bench[n](o), [name, options]), ms, `Chromium job ${name}`)
      .catch((e) => {
        throw new Error(`${e.message}${session.errors.length ? `\npage errors: ${session.errors.join('\n')}` : ''}`);
      });
    const ours = [];
    const runWindow = async (i, label) => {
      if (!chromium || i >= windows.length) return;
      const part = await timed(`chromium: our module, every model (window ${i + 1} of ${windows.length}: ${label})`,
        () => job('ours', { presets: table.map((p) => p.name), repeats: windows[i], scale }, 240_000));
      ours.push({ ...part, label });
    };
    if (paired) {
      out.paired = await timed('chromium: ours and TF.js (wasm backend) alternately, round after round',
        () => job('paired', { presets: table, backends: ['wasm'], rounds: paired, seconds: quick ? 0.3 : 0.5,
          warmupSeconds: quick ? 0.5 : 1 }, 1_800_000));
    }
    if (chromium) out.peak = await timed('chromium: wasm SIMD128 peak kernel', () => job('peak', {}, 60_000));
    await runWindow(0, tfjs ? 'before TF.js' : 'before the full runs');
    if (tfjs) {
      // The wasm backend (the peer of the targets) at its best: trainOnBatch and model.fit
      // alternate, the faster counts. The cpu backend (for reference): trainOnBatch only.
      const methods = tfjsMethod === 'both' ? { wasm: ['trainOnBatch', 'fit'], cpu: ['trainOnBatch'] }
        : { default: [tfjsMethod] };
      const opts = quick ? { repeats: 2, warmup: 3, warmupSeconds: 0.5, targetSeconds: 0.5, maxBatches: 10, methods }
        : { repeats: 3, warmup: 5, warmupSeconds: 1, targetSeconds: 1, maxBatches: 50, methods };
      const parts = [];
      for (const backend of ['wasm', 'cpu']) {
        parts.push(await timed(`chromium: TF.js (${backend} backend), every model`,
          () => job('tfjs', { presets: table, backends: [backend], ...opts }, 600_000)));
        if (backend === 'wasm') await runWindow(1, 'between TF.js\'s backends');
      }
      out.tfjs = { ...parts[0], backends: Object.assign({}, ...parts.map((x) => x.backends)) };
    } else await runWindow(1, 'before the full runs');
    await runWindow(2, tfjs ? 'after TF.js' : 'before the full runs');
    if (chromium) {
      if (fullRuns.length) {
        out.full = await timed(`chromium: the seed's full runs (${fullRuns.join(', ')})`,
          () => job('full', { presets: fullRuns }, 240_000));
      }
      await runWindow(3, 'after the full runs');
      out.ours = mergeOurs(ours);
      // The peak once more, a minute or two later: a peak is a best case, and a burst of other
      // work on the machine during one measurement would understate it (and flatter "% of peak").
      const again = await timed('chromium: wasm SIMD128 peak kernel, again', () => job('peak', {}, 60_000));
      out.peak = mergePeaks(out.peak, again);
    }
    out.external_requests = [...session.external];
    if (session.external.length) say(`warning: blocked requests to other hosts: ${session.external.join(', ')}`);
  } finally {
    await session?.close();
    await server.close();
  }
  return out;
}

// Our windows of timed runs: per model, the median over all the runs of all of them.
function mergeOurs(parts) {
  const results = parts[0].results.map((x) => {
    const all = parts.map((part) => part.results.find((r) => r.preset === x.preset));
    const runs = all.flatMap((y) => y.runs).sort((p, q) => p - q);
    const reported = all.flatMap((y) => y.reported_runs);
    return {
      ...x, runs, samples_per_second: median(runs),
      windows: all.map((y) => y.samples_per_second), // each window's median, for the report
      reported_runs: reported, reported_samples_per_second: median(reported),
    };
  });
  return { load_seconds: parts.map((part) => part.load_seconds), window_labels: parts.map((part) => part.label), results };
}

// Two measurements of the peak kernels: per kernel the best run of either, and both
// measurements (their bests and medians) for the report.
function mergePeaks(a, b) {
  const kernels = {};
  for (const [name, x] of Object.entries(a.kernels)) {
    const y = b.kernels[name];
    kernels[name] = { best: Math.max(x.best, y.best), measurements: [x, y] };
  }
  const best = Object.entries(kernels).reduce((p, q) => (q[1].best > p[1].best ? q : p));
  return { kernels, peak: best[1].best, kernel: best[0] };
}

// ---- report ----------------------------------------------------------------------------------
const fmtInt = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '–');
const fmt = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '–');
const verdict = (ok) => (ok === undefined ? '–' : ok ? 'PASS' : 'MISS');

function table(headers, rows, align) {
  const cells = [headers, ...rows].map((r) => r.map((c) => String(c)));
  const width = headers.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => ((align?.[i] ?? (i ? 'r' : 'l')) === 'l' ? c.padEnd(width[i]) : c.padStart(width[i]))).join('  ');
  return [line(cells[0]), width.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

function report(r, presets) {
  const by = (list) => Object.fromEntries((list ?? []).map((x) => [x.preset, x]));
  const cfg = Object.fromEntries(presets.map((p) => [p.name, p.config]));
  const PRESETS = presets.map((p) => p.name);
  const flops = (p) => trainingFlopsPerSample(cfg[p]);
  const native = by(r.native?.results), node = by(r.node?.results), chrome = by(r.chromium?.ours?.results);
  const tw = by(r.chromium?.tfjs?.backends?.wasm?.results), tc = by(r.chromium?.tfjs?.backends?.cpu?.results);
  const peak = r.chromium?.peak?.peak ?? r.node?.peak?.peak;
  const peakWhere = r.chromium?.peak ? 'Chromium' : 'Node';
  // "% of peak": our wasm GFLOP/s in Chromium against Chromium's peak (Node's when Chromium is skipped).
  const lines = [];
  const targets = [];
  const sps = (m, p) => m[p]?.samples_per_second;
  const gflops = (m, p) => (sps(m, p) ? sps(m, p) * flops(p) / 1e9 : NaN);

  lines.push(`Training throughput, samples/s, every preset of the core's table at its own sizes, batch size,`);
  lines.push(`optimizer and loss (the 2017 models: batch 64, Adam, binary cross-entropy, as the seed; a sample of a`);
  lines.push(`token preset is a whole sequence, a prediction at every step);`);
  lines.push(`median of timed runs after warm-up; "us" = our wasm module in a Chromium module worker)`);
  lines.push('');
  lines.push(table(
    ['model', 'batch', 'optimizer, loss', 'native', 'wasm Node', 'wasm Chromium', 'TF.js wasm', 'TF.js cpu',
      'us / TF.js wasm', `target >= ${TARGETS.vsTfjsWasm}x`],
    PRESETS.map((p) => {
      const ratio = sps(chrome, p) / sps(tw, p);
      const ok = Number.isFinite(ratio) ? ratio >= TARGETS.vsTfjsWasm : undefined;
      if (ok !== undefined) targets.push({ name: `${p}: >= ${TARGETS.vsTfjsWasm}x TF.js wasm`, value: ratio, ok });
      return [p, cfg[p].batch_size, `${cfg[p].optimizer}, ${cfg[p].loss}`, fmtInt(sps(native, p)), fmtInt(sps(node, p)),
        fmtInt(sps(chrome, p)), fmtInt(sps(tw, p)), fmtInt(sps(tc, p)), Number.isFinite(ratio) ? `${fmt(ratio, 1)}x` : '–',
        verdict(ok)];
    }), ['l', 'r', 'l']));
  // Every side must have trained at the preset's batch size (a mismatch means a stale build or page).
  for (const [where, m] of [['native', native], ['wasm Node', node], ['wasm Chromium', chrome], ['TF.js wasm', tw], ['TF.js cpu', tc]]) {
    for (const p of PRESETS) {
      if (m[p] && m[p].batch_size !== cfg[p].batch_size) {
        lines.push(`  warning: ${where} timed ${p} at batch ${m[p].batch_size}, the preset's is ${cfg[p].batch_size}`);
      }
    }
  }
  // Same model on both sides: our trainer's parameterCount() against TF.js's countParams().
  const paramRows = PRESETS.filter((p) => tw[p] || tc[p]).map((p) => {
    const ours = (chrome[p] ?? node[p] ?? native[p])?.params, theirs = (tw[p] ?? tc[p]).params;
    const why = ours === theirs ? 'same' : cfg[p].cell === 'gru' ? 'differs: TF.js\'s GRU has no reset_after (one bias set fewer)' : 'DIFFERS';
    return [p, fmtInt(ours), fmtInt(theirs), why];
  });
  const spread = PRESETS.filter((p) => chrome[p]?.runs?.length)
    .map((p) => `${p} ${fmtInt(chrome[p].runs[0])}..${fmtInt(chrome[p].runs[chrome[p].runs.length - 1])}` +
      (chrome[p].windows?.length > 1 ? ` (windows ${chrome[p].windows.map(fmtInt).join(' / ')})` : ''));
  if (spread.length) {
    const labels = r.chromium?.ours?.window_labels ?? [];
    lines.push(`  our timed runs in Chromium, slowest..fastest (the targets use the medians of all runs` +
      `${labels.length > 1 ? `; each window's median: ${labels.join(' / ')}` : ''}):`);
    lines.push(`    ${spread.join(', ')}`);
  }
  const batchesRow = PRESETS.filter((p) => (chrome[p] ?? node[p] ?? native[p])?.batches)
    .map((p) => `${p} ${(chrome[p] ?? node[p] ?? native[p]).batches}`);
  if (batchesRow.length) {
    lines.push(`  batches per timed run (the 2017 models: 400 dense, 60 recurrent; the others: about the work of 60 of`);
    lines.push(`  lstm_after's, at least 10): ${batchesRow.join(', ')}`);
  }
  if (paramRows.length) {
    lines.push('');
    lines.push('Parameters: ours (Trainer.parameterCount()) and the TF.js model\'s (countParams())');
    lines.push('');
    lines.push(table(['model', 'ours', 'TF.js', ''], paramRows, ['l', 'r', 'r', 'l']));
  }
  lines.push('');
  lines.push(`GFLOP/s (matrix-product FLOPs: 2 x 3 x multiply-adds per sample, forward + backward)` +
    (peak ? `; wasm SIMD128 peak ${fmt(peak)} GFLOP/s (${peakWhere}, one thread)` : ''));
  lines.push('');
  lines.push(table(
    ['model', 'kFLOP/sample', 'native', 'wasm Node', 'wasm Chromium', 'TF.js wasm', 'TF.js cpu', '% of peak',
      'runs', `target >= ${TARGETS.peakFraction * 100}%`],
    PRESETS.map((p) => {
      const ours = r.chromium?.ours ? chrome : node; // Chromium's, else Node's
      const frac = gflops(ours, p) / peak;
      const ok = isRecurrent(cfg[p]) && Number.isFinite(frac) ? frac >= TARGETS.peakFraction : undefined;
      if (ok !== undefined) targets.push({ name: `${p}: >= ${TARGETS.peakFraction * 100}% of wasm peak`, value: frac, ok });
      // Every timed run against the same peak, slowest..fastest: how far the median sits from
      // the quiet runs (the target uses the median).
      const runs = ours[p]?.runs?.length ? ours[p].runs.map((s) => s * flops(p) / 1e9 / peak) : [];
      return [p, fmt(flops(p) / 1e3, 1), fmt(gflops(native, p), 2), fmt(gflops(node, p), 2),
        fmt(gflops(chrome, p), 2), fmt(gflops(tw, p), 3), fmt(gflops(tc, p), 3),
        Number.isFinite(frac) ? `${fmt(frac * 100, 1)}%` : '–',
        runs.length && peak ? `${fmt(Math.min(...runs) * 100, 0)}..${fmt(Math.max(...runs) * 100, 0)}%` : '–',
        isRecurrent(cfg[p]) ? verdict(ok) : 'n/a'];
    })));
  for (const [where, pk] of [['Chromium', r.chromium?.peak], ['Node', r.node?.peak]]) {
    if (!pk) continue;
    const k = pk.kernels;
    const runs = (v) => (v.measurements
      ? `best ${v.measurements.map((m) => fmt(m.best)).join(' / ')}, median ${v.measurements.map((m) => fmt(m.median)).join(' / ')}`
      : `median ${fmt(v.median)}`);
    lines.push(`  peak in ${where}: ${Object.entries(k).map(([n, v]) => `${n} ${fmt(v.best)} (${runs(v)})`).join(', ')} GFLOP/s`);
    if (Object.values(k).some((v) => v.measurements)) lines.push('    (measured twice, before our runs and after the full runs: best / best, median / median)');
  }
  lines.push(`  (peak = best run of the best kernel in bench/peak/peak.cpp: f32x4 mul + add, no FMA in SIMD128;`);
  lines.push(`   "chains": 12 independent register-only chains; "gemm_8xN": an 8xN register-blocked GEMM micro-kernel)`);
  if (PRESETS.some((p) => cfg[p].attention === 'many_to_one' && cfg[p].score === 'luong')) {
    lines.push(`  (Luong: the count is our W^T h_t, once per sample; Keras's form, which the TF.js model follows,`);
    lines.push(`   computes W h_s at every step, T times as many multiply-adds: TF.js's GFLOP/s use the same count)`);
  }

  const pairs = r.chromium?.paired?.results ?? [];
  if (pairs.length) {
    lines.push('');
    lines.push(`Paired runs in Chromium: round after round, one timed run of ours (module worker) then one of TF.js's`);
    lines.push(`(classic worker, each method, the faster counts), both warmed up once; samples/s medians of the rounds,`);
    lines.push(`and the median of the rounds' ratios`);
    lines.push('');
    lines.push(table(['model', 'TF.js backend', 'rounds', 'us', 'TF.js', 'us / TF.js', 'ratios, slowest..fastest', `target >= ${TARGETS.vsTfjsWasm}x`],
      pairs.map((x) => {
        const ok = x.backend === 'wasm' ? x.ratio >= TARGETS.vsTfjsWasm : undefined;
        if (ok !== undefined) targets.push({ name: `${x.preset}: >= ${TARGETS.vsTfjsWasm}x TF.js wasm (paired)`, value: x.ratio, ok });
        return [x.preset, x.backend, x.rounds, fmtInt(x.ours), fmtInt(x.tfjs), `${fmt(x.ratio, 1)}x`,
          `${fmt(x.ratios[0], 1)}..${fmt(x.ratios[x.ratios.length - 1], 1)}x`, verdict(ok)];
      }), ['l', 'l']));
    const differ = pairs.filter((x) => x.params.ours !== x.params.tfjs);
    lines.push(`  parameters: ${differ.length ? `DIFFER for ${differ.map((x) => `${x.preset} (${x.params.ours} / ${x.params.tfjs})`).join(', ')}` : 'the same on both sides'}` +
      `; batches per timed run, ours / TF.js: ${pairs.map((x) => `${x.preset} ${x.batches.ours} / ${x.batches.tfjs}`).join(', ')}`);
  }

  const full = by(r.chromium?.full?.runs), nfull = by(r.native?.full);
  if (r.chromium?.full || r.native?.full?.length) {
    lines.push('');
    lines.push(`The seed's full runs, wall clock (build = drawing the data; train includes validation; dense: median of 5 runs)`);
    lines.push('');
    lines.push(table(
      ['run', 'train samples x epochs', 'Chromium build', 'Chromium train', 'Chromium total', 'target', '', 'native total'],
      ['dense', 'lstm_after'].map((p) => {
        const f = full[p], limit = TARGETS.fullSeconds[p];
        const ok = f ? f.seconds < limit : undefined;
        if (ok !== undefined) targets.push({ name: `full ${p} run < ${limit} s`, value: f.seconds, ok });
        const n = nfull[p];
        const size = f ?? n;
        return [p, size ? `${fmtInt(size.train_samples)} x ${size.epochs}` : '–',
          f ? `${fmt(f.build_seconds, 3)} s` : '–', f ? `${fmt(f.train_seconds, 3)} s` : '–',
          f ? `${fmt(f.seconds, 3)} s` : '–', `< ${limit} s`, verdict(ok), n ? `${fmt(n.seconds, 3)} s` : '–'];
      })));
  }

  // The later examples' full runs at their defaults are minutes long (or, attention_example,
  // shorter than one timed run): not timed; their training speed is the throughput above.
  const later = PRESETS.filter((p) => !isSeedModel(cfg[p]) && isRecurrent(cfg[p]));
  if (later.length) {
    const est = later.map((p) => {
      const c = cfg[p], train = Math.floor(c.samples * (1 - c.validation_split));
      const rate = sps(r.chromium?.ours ? chrome : node, p) ?? sps(native, p);
      const secs = train * c.epochs / rate;
      const t = !Number.isFinite(secs) ? '' : secs >= 90 ? `, about ${fmt(secs / 60, 0)} min` : `, about ${fmt(secs, 1)} s`;
      return `${p} ${fmtInt(train)} x ${c.epochs} epochs${t}`;
    });
    lines.push('');
    lines.push(`Not timed: the later examples' full runs at their defaults (training samples x epochs, at the median rate above,`);
    lines.push(`validation not included): ${est.join('; ')}.`);
  }

  lines.push('');
  if (targets.length) {
    lines.push(`Targets: ${targets.filter((t) => t.ok).length} of ${targets.length} pass` +
      (targets.some((t) => !t.ok) ? `; missed: ${targets.filter((t) => !t.ok).map((t) => t.name).join('; ')}` : ''));
  }
  const tf = r.chromium?.tfjs;
  if (tf) {
    const w = tf.backends.wasm;
    lines.push(`TF.js ${tf.version}` + (w ? ` (wasm backend: SIMD ${w.simd ? 'on' : 'off'}, threads ${w.threads ? 'on' : 'off'}: ` +
      'the page is not cross-origin isolated, so one thread, like our module)' : ''));
    for (const n of tf.notes) lines.push(`  note: ${n}`);
    const batches = Object.values(tf.backends).flatMap((b) => b.results.map((x) => x.batches * x.repeats));
    if (batches.length) {
      lines.push(`  ${Math.min(...batches)}-${Math.max(...batches)} timed batches per model and method after warm-up (few: TF.js is slow)`);
    }
    for (const [name, b] of Object.entries(tf.backends)) {
      if (Object.keys(b.results[0]?.by_method ?? {}).length < 2) continue;
      lines.push(`  TF.js ${name}: ` + b.results.map((x) => `${x.preset} ` + Object.entries(x.by_method)
        .map(([m, v]) => `${m === 'fit' ? 'fit' : 'trainOnBatch'} ${fmtInt(v)}`).join(' / ')).join('; ') +
        ' samples/s (the faster counts; fit with yieldEvery: never)');
    }
  }
  if (r.chromium?.browser) lines.push(`Chromium: ${r.chromium.browser.userAgent.match(/Chrom\w*\/[\d.]+/)?.[0] ?? r.chromium.browser.userAgent}`);
  lines.push(`Machine: ${os.cpus()[0]?.model ?? '?'} x ${os.cpus().length}; load average ${r.load.before.map((x) => x.toFixed(2)).join(' ')} at start, ` +
    `${r.load.after.map((x) => x.toFixed(2)).join(' ')} at end` +
    (Math.max(r.load.before[0], r.load.after[0]) > 1.2 ? ' (busy: other processes share these cores; numbers are noisy)' : ''));
  return { text: lines.join('\n'), targets };
}

// ---- main ------------------------------------------------------------------------------------
async function main() {
  const o = parseArgs(process.argv.slice(2));
  // 11 timed runs per model: on a shared VM single runs vary by up to 40%, and the median of
  // 5 still moved by 15% between benchmark runs.
  const repeats = o.repeats || (o.quick ? 3 : 11);
  const scale = o.quick ? 0.5 : 1;
  const t0 = performance.now();
  const r = { date: new Date().toISOString(), repeats, quick: o.quick, load: { before: os.loadavg() } };
  try {
    r.commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  } catch { /* not a git checkout */ }
  if (r.load.before[0] > 1.2) say(`load average ${r.load.before[0].toFixed(2)} on ${os.cpus().length} cores: other work is running, expect noisy numbers`);

  // The preset table, from our module (the core's own table): every part uses it.
  const M = await loadModule();
  const all = presetTable(M);
  for (const p of o.presets ?? []) if (!all.some((x) => x.name === p)) fail(`--presets: unknown preset ${p} (the module has ${all.map((x) => x.name).join(', ')})`);
  const table = o.presets ? all.filter((p) => o.presets.includes(p.name)) : all;
  // The seed's full runs: dense and lstm_after, when they are among the presets.
  const fullRuns = ['dense', 'lstm_after'].filter((p) => table.some((x) => x.name === p));
  r.presets = table.map((p) => ({ ...p, macs_per_sample: macsPerSample(p.config), batches_per_run: batchesPerRun(p.config) }));
  say(`presets (from the module): ${table.map((p) => `${p.name} (batch ${p.config.batch_size})`).join(', ')}`);

  // The peak kernel: for the Node part, and staged with the page whenever Chromium runs.
  if (['node', 'chromium', 'tfjs', 'paired'].some((p) => o.only.has(p))) buildPeak();
  const names = o.presets ? table.map((p) => p.name) : undefined;
  if (o.only.has('native')) {
    r.native = await timed('native (build/native/attention_bench)',
      () => runNative(repeats, { presets: names, full: fullRuns.length > 0 }));
  }
  if (o.only.has('node')) r.node = await timed('wasm in Node', () => runNode(M, { repeats, scale, presets: names }));
  if (o.only.has('chromium') || o.only.has('tfjs') || o.only.has('paired')) {
    need('/usr/bin/chromium', 'install Debian\'s chromium (bash scripts/setup.sh)');
    r.chromium = await runChromium({ table, repeats, scale, tfjs: o.only.has('tfjs'), chromium: o.only.has('chromium'),
      paired: o.only.has('paired') ? (o.repeats || (o.quick ? 5 : 15)) : 0,
      quick: o.quick, verbose: o.verbose, tfjsMethod: o.tfjsMethod, fullRuns });
  }
  let compareText = '';
  if (o.only.has('compare')) {
    const { benchCompare, reportCompare } = await import('./compare/run.mjs');
    r.compare = await timed('chromium: the comparison page, N workers at once', () =>
      benchCompare(o.quick ? { seconds: 4, rounds: 1 } : {}));
    compareText = `\n${reportCompare(r.compare)}`;
  }
  r.load.after = os.loadavg();
  r.seconds = (performance.now() - t0) / 1000;
  const { text, targets } = report(r, table);
  r.targets = targets;
  console.log(text + compareText);
  console.log(`(bench took ${r.seconds.toFixed(0)} s)`);
  if (o.json) {
    fs.mkdirSync(path.dirname(o.json), { recursive: true });
    fs.writeFileSync(o.json, JSON.stringify(r, null, 2) + '\n');
    say(`wrote ${rel(o.json)}`);
  }
}

main().catch((e) => {
  console.error(`[bench] error: ${e?.stack || e}`);
  process.exit(1);
});
