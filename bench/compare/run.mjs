#!/usr/bin/env node
// The comparison's throughput in Chromium: does a comparison of N variants, each in its own
// worker, train at >= 80% of N x the single-worker rate on a machine with >= N cores? Two
// measurements, N = 1 and 2 by default, rounds alternating between the Ns:
// - workers only: N module workers (bench/compare/worker.mjs) train the same preset at once,
//   started together after loading and warming up; the aggregate is the sum of their rates;
// - the page: compare.html with N identical variants at 64 batches per frame, Play, a warm-up,
//   then the steps every variant trained over a wall-clock window (its summary table's
//   data-step), drawing, messages and frame pacing included.
// It is a benchmark, not a test: it prints the ratios and exits 0 whether they pass or miss.
//
//   node bench/compare/run.mjs [--preset lstm_before] [--seconds 8] [--rounds 3] [--counts 1,2]
// bench/run.mjs runs it as its "compare" part (--only compare).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SITE = path.join(root, 'build/bench/compare-site');
const TARGET = 0.8;
const say = (s) => console.error(`[bench compare] ${s}`);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

// dist/ as build-web makes it, plus the workers-only bench page, in build/bench/compare-site.
function stageSite() {
  execFileSync(process.execPath, [path.join(root, 'scripts/build-web.mjs'), '--out', SITE], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const dir = path.dirname(fileURLToPath(import.meta.url));
  fs.mkdirSync(path.join(SITE, 'bench'), { recursive: true });
  for (const f of ['index.html', 'main.mjs', 'worker.mjs']) fs.copyFileSync(path.join(dir, f), path.join(SITE, 'bench', f));
  for (const f of ['attention.mjs', 'export.mjs', 'attention_core.mjs', 'attention_core.wasm']) fs.copyFileSync(path.join(SITE, f), path.join(SITE, 'bench', f));
}

// compare.html with n copies of the preset: the samples all its variants trained per second.
async function pageRate(page, url, { preset, n, seconds, warmup }) {
  await page.goto(`${url}compare.html?preset=${preset}&epochs=1000&speed=64&${Array.from({ length: n }, () => 'v=').join('&')}`);
  await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 60_000 });
  await page.click('#play');
  const read = () => page.evaluate(() => ({
    t: performance.now(),
    samples: [...document.querySelectorAll('#summary-table tbody tr')].reduce((s, tr) => s + Number(tr.dataset.step) * Number(tr.dataset.batch), 0),
    rows: document.querySelectorAll('#summary-table tbody tr').length,
  }));
  await page.waitForTimeout(warmup * 1000);
  const a = await read();
  await page.waitForTimeout(seconds * 1000);
  const b = await read();
  await page.click('#play');
  if (a.rows !== n) throw new Error(`compare.html shows ${a.rows} variants, expected ${n}`);
  return (b.samples - a.samples) / ((b.t - a.t) / 1000);
}

export async function benchCompare({ preset = 'lstm_before', seconds = 8, rounds = 3, counts = [1, 2], warmup = 2 } = {}) {
  stageSite();
  const { serve } = await import(pathToFileURL(path.join(root, 'scripts/serve.mjs')).href);
  const { launch } = await import(pathToFileURL(path.join(root, 'tests/browser/helpers.mjs')).href);
  const server = await serve({ root: SITE, port: 0 });
  const session = await launch({ viewport: { width: 1280, height: 900 } });
  const load = { before: os.loadavg() };
  const runs = { workers: Object.fromEntries(counts.map((n) => [n, []])), page: Object.fromEntries(counts.map((n) => [n, []])) };
  let info;
  try {
    const { page } = session;
    await page.goto(`${server.url}bench/index.html`);
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
    info = await page.evaluate(() => window.bench.info());
    for (let r = 0; r < rounds; r++) {
      for (const n of counts) {
        await page.goto(`${server.url}bench/index.html`);
        await page.waitForFunction(() => document.body.dataset.ready === 'true');
        const rates = await page.evaluate((o) => window.bench.workers(o), { preset, n, seconds });
        runs.workers[n].push(rates.reduce((s, x) => s + x, 0));
        say(`round ${r + 1}: workers only, N=${n}: ${rates.map((x) => Math.round(x)).join(' + ')} samples/s`);
        const rate = await pageRate(page, server.url, { preset, n, seconds, warmup });
        runs.page[n].push(rate);
        say(`round ${r + 1}: compare.html, N=${n}: ${Math.round(rate)} samples/s`);
      }
    }
    if (session.errors.length) throw new Error(`errors in Chromium:\n${session.errors.join('\n')}`);
  } finally {
    await session.close();
    await server.close();
  }
  load.after = os.loadavg();
  const result = { preset, seconds, rounds, counts, cores: os.cpus().length, hardwareConcurrency: info?.hardwareConcurrency, load, runs, target: TARGET };
  for (const part of ['workers', 'page']) {
    const single = median(runs[part][1] ?? runs[part][counts[0]]);
    result[part] = counts.map((n) => {
      const aggregate = median(runs[part][n]);
      const ratio = aggregate / (n * single);
      return { n, aggregate, ratio, ok: n <= result.cores ? ratio >= TARGET : undefined };
    });
  }
  return result;
}

const fmtInt = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '–');

export function reportCompare(r) {
  const lines = [];
  lines.push(`Comparison throughput (${r.preset}, Chromium, ${r.seconds} s windows, median of ${r.rounds} rounds; ` +
    `target: N workers >= ${r.target * 100}% of N x one worker, where N <= cores = ${r.cores})`);
  lines.push('');
  const head = ['', ...r.counts.map((n) => `N=${n} samples/s`), ...r.counts.filter((n) => n > 1).map((n) => `N=${n} / (${n} x N=1)`), 'target'];
  const rows = [['workers only', 'workers'], ['the page (compare.html)', 'page']].map(([label, part]) => {
    const xs = r[part];
    const multi = xs.filter((x) => x.n > 1);
    const verdict = multi.every((x) => x.ok === undefined) ? '–' : multi.every((x) => x.ok !== false) ? 'PASS' : 'MISS';
    return [label, ...xs.map((x) => fmtInt(x.aggregate)), ...multi.map((x) => `${(x.ratio * 100).toFixed(0)}%`), verdict];
  });
  const cells = [head, ...rows];
  const width = head.map((_, i) => Math.max(...cells.map((row) => String(row[i]).length)));
  for (const row of cells) lines.push(row.map((c, i) => (i ? String(c).padStart(width[i]) : String(c).padEnd(width[i]))).join('  '));
  lines.push(`  every round, samples/s: ${['workers', 'page'].map((p) => `${p} ${r.counts.map((n) => `N=${n} ${r.runs[p][n].map(fmtInt).join(' / ')}`).join(', ')}`).join('; ')}`);
  // Each round's N measured right after its N=1: the ratio within a round, less exposed to
  // other work coming and going between rounds.
  for (const n of r.counts.filter((x) => x > 1)) {
    const paired = ['workers', 'page'].map((p) => `${p} ${r.runs[p][n].map((x, i) => `${(100 * x / (n * r.runs[p][1][i])).toFixed(0)}%`).join(' / ')}`);
    lines.push(`  N=${n} / (${n} x N=1) within each round: ${paired.join('; ')}`);
  }
  const busy = Math.max(r.load.before[0], r.load.after[0]) > 1.2;
  lines.push(`  load average ${r.load.before.map((x) => x.toFixed(2)).join(' ')} at start, ${r.load.after.map((x) => x.toFixed(2)).join(' ')} at end` +
    (busy ? ' (busy: other processes share these cores, so N workers compete with them too; the ratio is a lower bound)' : ''));
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const o = {};
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const [k, v] = [argv[i], argv[i + 1]];
    if (k === '--preset') o.preset = v;
    else if (k === '--seconds') o.seconds = Number(v);
    else if (k === '--rounds') o.rounds = Number(v);
    else if (k === '--counts') o.counts = v.split(',').map(Number);
    else {
      console.error('usage: node bench/compare/run.mjs [--preset lstm_before] [--seconds 8] [--rounds 3] [--counts 1,2]');
      process.exit(2);
    }
    i++;
  }
  benchCompare(o).then((r) => console.log(reportCompare(r))).catch((e) => {
    console.error(`[bench compare] error: ${e?.stack || e}`);
    process.exit(1);
  });
}
