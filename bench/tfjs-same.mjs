#!/usr/bin/env node
// Is the bench's TF.js model the same model as ours? For each preset named (default: the
// token presets, whose TF.js layers bench/page/tfjs-models.js writes by hand), in Node:
// - both parameter counts, and every weight's name and shape in order (our getWeights(),
//   Keras-shaped, against the TF.js model's weights);
// - our initial weights copied into the TF.js model (setWeights): the predictions on the
//   held-out samples (largest difference), then `steps` optimizer steps on the same batches,
//   our Trainer.trainOnBatch beside TF.js's model.trainOnBatch (each returns the loss before
//   its step): the first loss checks the forward pass and the loss, the later ones the
//   gradients and Adam;
// on TF.js's cpu backend and on its wasm backend (which has no gradient for tf.gather: the
// token lookup is oneHot x E there).
// A seq2seq preset (the translation tasks): the bench's entry (models.mjs's presetTable: the
// GRU ones with reset_after false on both sides); TF.js's model is the teacher-forced graph
// with two inputs, the sources and the decoder's inputs. Our predictions decode greedily, so
// TF.js predicts on the decoder inputs our decoding read (0, then our argmax of each step
// before): the same outputs if the models are the same. Training: ours is teacher-forced on
// the targets, TF.js's decoder inputs are 0 and the targets shifted by one.
//
// Any other preset (the series models: the 2017 blocks, the many-to-one Attention) takes our
// held-out series and targets as they are. (RMSprop and Adam amplify rounding in the tiny
// gradients of luong_w and the like, so their later losses drift apart; the gradients below
// are the check.)
//
// Then the gradients alone: from the same initial weights, one step of plain SGD with learning
// rate 1 on both sides; the weights' change is minus the gradient, weight by weight (Adam's
// first step moves every weight by about its learning rate whatever the gradient's size, so
// rounding in tiny gradients shows in the later losses).
//
//   node bench/tfjs-same.mjs [--steps N] [--backend cpu,wasm] [preset ...]
//
// Exits 1 if a count or shape differs, or the first loss differs by more than 1e-4.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const tf = require('@tensorflow/tfjs');
require('@tensorflow/tfjs-backend-wasm');
await import('./page/tfjs-models.js'); // globalThis.buildTfjsModel
const { buildTfjsModel } = globalThis;
const { presetTable } = await import('./page/models.mjs');

const args = process.argv.slice(2);
let steps = 20, backends = ['cpu', 'wasm'];
const names = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--steps') steps = Number(args[++i]);
  else if (args[i] === '--backend') backends = args[++i].split(',');
  else names.push(args[i]);
}

const { default: create } = await import(path.join(root, 'build/wasm/attention.mjs'));
const M = await create({ wasmBinary: fs.readFileSync(path.join(root, 'build/wasm/attention_core.wasm')) });
const table = presetTable(M);
const chosen = names.length ? names.map((n) => table.find((p) => p.name === n) ?? (() => { throw new Error(`unknown preset ${n}`); })())
  : table.filter((p) => p.head === 'tokens');

let failed = false;
const fmt = (x) => x.toExponential(1);
for (const backend of backends) {
  if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend}`);
  await tf.ready();
  for (const entry of chosen) {
    const c = entry.config, B = c.batch_size, T = c.time_steps;
    const s2s = entry.head === 'translation', Tt = s2s ? entry.target_steps : T;
    const t = new M.Trainer({ preset: entry.name, ...entry.overrides, seed: 1, samples: 2 * B, test_samples: steps * B });
    const model = buildTfjsModel(tf, entry);
    try {
      // By name: TF.js orders the weights by its layers' order in the graph (a seq2seq model's
      // two embeddings come first), ours by the order they run in.
      const ours = inOrderOf(model, t.getWeights()), theirs = model.weights;
      const shapes = (ws) => ws.map((w) => `${w.shape.join('x')}`).join(' ');
      const names = theirs.map((w) => w.originalName ?? w.name);
      const sameShapes = ours.length === theirs.length && shapes(ours) === shapes(theirs);
      // TF.js prefixes a weight with its layer's name: ours "token_embedding/embeddings" sits in
      // the layer "embedding".
      const sameNames = ours.every((w) => w);
      const sameCount = t.parameterCount() === model.countParams();
      console.log(`${backend} ${entry.name}: parameters ours ${t.parameterCount()}, TF.js ${model.countParams()}` +
        `${sameCount ? '' : ' DIFFER'}; weights' shapes ${sameShapes && sameNames ? 'same' : `DIFFER: ${shapes(ours)} | ${shapes(theirs)}`}` +
        `; names ${sameNames ? 'same' : `differ: ${names.join(', ')}`}`);
      if (!sameCount || !sameShapes || !sameNames) {
        failed = true;
        continue;
      }
      model.setWeights(ours.map((w) => tf.tensor(w.data, w.shape)));
      const x = t.testInputs(), y = t.testTargets(); // (n, T, 1) ids, (n, T | Tt) targets; or the series' (n, T, D), (n, 1)
      const n = x.shape[0];
      const ids = s2s || entry.head === 'tokens';
      const p = t.predict(x).data;
      // seq2seq: [sources, decoder inputs] (0, then the targets shifted); to predict, the decoder
      // inputs of our greedy decoding (0, then the argmax of each step before).
      const sources = () => (ids ? tf.tensor(Int32Array.from(x.data), [n, T], 'int32') : tf.tensor(x.data, x.shape));
      const shifted = (ids) => {
        const d = new Int32Array(n * Tt);
        for (let i = 0; i < n; i++) for (let k = 1; k < Tt; k++) d[i * Tt + k] = ids(i, k - 1);
        return tf.tensor(d, [n, Tt], 'int32');
      };
      const V = c.vocab_size;
      const argmax = (i, k) => {
        let best = 0;
        for (let v = 1; v < V; v++) if (p[(i * Tt + k) * V + v] > p[(i * Tt + k) * V + best]) best = v;
        return best;
      };
      const xs = s2s ? [sources(), shifted((i, k) => y.data[i * Tt + k])] : sources();
      const ys = ids ? tf.tensor(y.data, [n, Tt, 1]) : tf.tensor(y.data, y.shape);
      const q = tf.tidy(() => model.predict(s2s ? [xs[0], shifted(argmax)] : xs).dataSync());
      let dp = 0;
      for (let i = 0; i < p.length; i++) dp = Math.max(dp, Math.abs(p[i] - q[i]));
      const rows = [];
      let worst = 0, first = NaN;
      for (let s = 0; s < steps; s++) {
        const xb = batchOf(x, s, B), yb = ids ? { data: y.data.subarray(s * B * Tt, (s + 1) * B * Tt), shape: [B, Tt] } : batchOf(y, s, B);
        const a = t.trainOnBatch(xb, yb).loss;
        const [bx, by] = [slice(xs, s * B, B), ys.slice(s * B, B)];
        const [b] = await model.trainOnBatch(bx, by);
        tf.dispose([bx, by]);
        if (s === 0) first = Math.abs(a - b);
        worst = Math.max(worst, Math.abs(a - b) / Math.abs(a));
        if (s < 3 || s === steps - 1) rows.push(`${s + 1}: ${a.toFixed(6)} / ${b.toFixed(6)}`);
      }
      console.log(`  predictions before training: largest difference ${fmt(dp)}`);
      console.log(`  loss ours / TF.js, step ${rows.join(', ')}`);
      console.log(`  first loss differs by ${fmt(first)}; over ${steps} steps by at most ${fmt(worst)} (relative)`);
      if (!(first <= 1e-4)) failed = true;
      console.log(`  gradients (one SGD step, learning rate 1), largest difference / largest gradient per weight: ` +
        (await gradients(entry, slice(xs, 0, B), ys.slice(0, B), x, y)).join(', '));
      tf.dispose([xs, ys]);
    } finally {
      model.optimizer.dispose();
      model.dispose();
      t.delete();
    }
  }
}

// Our weights (getWeights()) in the order of the TF.js model's, matched by name (TF.js prefixes
// a custom layer's weight with the layer's name: ours "token_embedding/embeddings" sits in the
// layer "embedding"); undefined where a TF.js weight has no match.
function inOrderOf(model, ours) {
  const byName = new Map(ours.map((w) => [w.name, w]));
  return model.weights.map((w) => {
    const n = w.originalName ?? w.name;
    return byName.get(n) ?? byName.get(n.replace(/^embedding\//, ''));
  });
}

// Batch s of B rows of our (n, ...) inputs or targets, for Trainer.trainOnBatch.
function batchOf(a, s, B) {
  const row = a.data.length / a.shape[0];
  return { data: a.data.subarray(s * B * row, (s + 1) * B * row), shape: [B, ...a.shape.slice(1)] };
}

// A batch of the inputs: one tensor, or the seq2seq model's two.
function slice(xs, at, size) {
  return Array.isArray(xs) ? xs.map((t) => t.slice(at, size)) : xs.slice(at, size);
}

// One step of SGD(1) on the first batch from the same initial weights: w0 - w1 on each side.
async function gradients(entry, bx, by, x, y) {
  const c = { ...entry.config, optimizer: 'sgd', learning_rate: 1, momentum: 0 };
  const B = c.batch_size, T = c.time_steps, Tt = entry.target_steps ?? T;
  const ids = entry.head === 'translation' || entry.head === 'tokens';
  const t = new M.Trainer({ preset: entry.name, ...entry.overrides, seed: 2, samples: 2 * B, test_samples: B, optimizer: 'sgd', learning_rate: 1, momentum: 0 });
  const model = buildTfjsModel(tf, { ...entry, config: c });
  try {
    const w0 = inOrderOf(model, t.getWeights());
    model.setWeights(w0.map((w) => tf.tensor(w.data, w.shape)));
    t.trainOnBatch(batchOf(x, 0, B), ids ? { data: y.data.subarray(0, B * Tt), shape: [B, Tt] } : batchOf(y, 0, B));
    await model.trainOnBatch(bx, by);
    const ours = inOrderOf(model, t.getWeights()), theirs = model.getWeights().map((w) => w.dataSync());
    return w0.map((w, i) => {
      let diff = 0, big = 0;
      for (let k = 0; k < w.data.length; k++) {
        const g = w.data[k] - ours[i].data[k], h = w.data[k] - theirs[i][k];
        diff = Math.max(diff, Math.abs(g - h));
        big = Math.max(big, Math.abs(g));
      }
      return `${w.name} ${fmt(diff)} / ${fmt(big)}`;
    });
  } finally {
    tf.dispose([bx, by]);
    model.optimizer.dispose();
    model.dispose();
    t.delete();
  }
}
process.exit(failed ? 1 : 0);
