// Export to TensorFlow.js and import from it (wasm/export.mjs through Trainer.exportTfjs() and
// importTfjs()): every preset and variant TF.js can load exports, loads with tf.loadLayersModel
// (cpu backend) and predicts what the trainer predicts, within 1e-5 on the held-out samples,
// attention included; its topology is the one TF.js writes for the same model built through its
// own API (bench/page/tfjs-models.js). Seq2seq models export as their teacher-forced graph with
// two inputs (see the seq2seq section below). Weights come back into a trainer from our own artifacts,
// from a model trained in TF.js, and under Keras 2's cell-scoped names; a mismatch names the
// layer or weight and both shapes, and changes nothing.
import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadModule, root, withTrainer } from './module.mjs';

await import('../../bench/page/tfjs-models.js'); // defines globalThis.buildTfjsModel
const { buildTfjsModel } = globalThis;
const { tfjsTopology } = await import(path.join(root, 'build/wasm/export.mjs'));

await tf.setBackend('cpu');
const M = await loadModule();
const heads = new Map(M.tasks().map((t) => [t.name, t.head]));
const presets = new Map(M.presets().map((p) => [p.name, p.config]));

const TOLERANCE = 1e-5;

// A config small enough to build, train a few batches and export in well under a second.
const small = (c) => ({ samples: Math.min(presets.get(c.preset).samples, 600), test_samples: 40, seed: 3, ...c });

// withTrainer for an async body: the trainer lives until the body's promise settles.
async function withTrainerAsync(config, fn) {
  const t = new M.Trainer(config);
  try {
    return await fn(t);
  } finally {
    t.delete();
  }
}

const maxDiff = (a, b) => {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

// The named output that holds a config's attention, as our getActivations() and TF.js call it.
function attentionLayer(c) {
  if (c.attention === 'none') return null;
  if (c.attention === 'many_to_one') return 'attention_weight';
  return c.cell === 'none' ? 'attention_probs' : 'attention_vec';
}

// What TF.js's own model for the config serializes: names, classes, connections.
function wiring(layers) {
  return layers.map((l) => `${l.name}:${l.class_name}<-${JSON.stringify(l.inbound_nodes)}`);
}

const exportable = [
  // Not the GRU presets (reset_after true: below) nor self_attention (no builder: below).
  ...[...presets].filter(([, c]) => c.cell !== 'gru' && !['self_attention', 'seq2seq'].includes(c.attention)).map(([name]) => ({ preset: name })),
  { preset: 'gru_after', reset_after: false },
  { preset: 'gru_before', reset_after: false },
  { preset: 'lstm_after', single_attention_vector: true },
  { preset: 'lstm_before', single_attention_vector: true },
  { preset: 'gru_before', reset_after: false, single_attention_vector: true, dropout: 0.1 },
  { preset: 'lstm_after', attention: 'none' },
  { preset: 'dense', attention: 'none' },
  { preset: 'dense', dropout: 0.2, seed: 5 },
  { preset: 'find_max', cell: 'gru', reset_after: false, score: 'bahdanau', units: 24, attention_units: 20 },
  { preset: 'find_max', attention: 'block', placement: 'after', units: 16 },
];

const measured = [];
for (const variant of exportable) {
  test(`exported, tf.loadLayersModel predicts as we do: ${JSON.stringify(variant)}`, async () => {
    const t = new M.Trainer(small(variant));
    try {
      t.step(5);
      const c = t.config();
      assert.equal(t.tfjsExportProblem(), null);
      const artifacts = t.exportTfjs();
      const model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
      const x = t.testInputs();
      const input = tf.tensor(x.data, x.shape);
      const ours = t.predict(x).data;
      const theirs = tf.tidy(() => model.predict(input).dataSync());
      const prediction = maxDiff(ours, theirs);
      assert.ok(prediction <= TOLERANCE, `predictions differ by ${prediction}`);

      const name = attentionLayer(c);
      let attention = 0;
      if (name) {
        const probe = tf.model({ inputs: model.inputs, outputs: model.getLayer(name).output });
        const theirsA = tf.tidy(() => probe.predict(input).dataSync());
        attention = maxDiff(t.getActivations(name, x).data, theirsA);
        assert.ok(attention <= TOLERANCE, `${name} differs by ${attention}`);
      }
      input.dispose();

      // TF.js's own model of the same architecture, at most 8 units wide (its orthogonal
      // initialiser takes tens of seconds at 128 units on the cpu backend; loading does not
      // initialise, so the exports above are at full size).
      const narrow = { ...c, units: Math.min(c.units, 8), attention_units: Math.min(c.attention_units, 8) };
      const head = heads.get(c.task);
      const built = buildTfjsModel(tf, { name: c.preset, config: narrow, head }, { builtin: true });
      assert.deepEqual(wiring(tfjsTopology(narrow, head).config.layers), wiring(built.toJSON(null, false).config.layers));
      assert.deepEqual(artifacts.weightSpecs.map((s) => s.name), built.weights.map((w) => w.originalName));
      assert.equal(built.countParams(), M.estimate(narrow).parameter_count);
      model.dispose();
      built.dispose();
      measured.push(`${JSON.stringify(variant)}: prediction ${prediction.toExponential(1)}, ${name ?? 'no attention'} ${attention.toExponential(1)}`);
    } finally {
      t.delete();
    }
  });
}

test('max differences, for the record', (ctx) => {
  for (const line of measured) ctx.diagnostic(line);
});

test("a GRU with reset_after true (the default) does not export, and says why", () => {
  for (const preset of ['gru_after', 'gru_before']) {
    withTrainer(M, small({ preset }), (t) => {
      const problem = t.tfjsExportProblem();
      assert.equal(problem.field, 'reset_after');
      assert.match(problem.message, /^reset_after: TF\.js's GRU cannot load reset_after=true .*reset_after false/);
      assert.throws(() => t.exportTfjs(), (e) => e.field === 'reset_after' && e.message === problem.message);
    });
  }
});

test('a self_attention model does not export, and says why', () => {
  const tokens = [...presets].filter(([, c]) => c.attention === 'self_attention').map(([name]) => name);
  assert.ok(tokens.length >= 3, 'the token presets are in the table');
  for (const preset of tokens) {
    withTrainer(M, { preset, samples: 64, test_samples: 8 }, (t) => {
      const problem = t.tfjsExportProblem();
      assert.equal(problem.field, 'attention');
      assert.match(problem.message, /^attention: a self_attention model .* does not export to TF\.js/);
      assert.throws(() => t.exportTfjs(), (e) => e.field === 'attention' && e.message === problem.message);
    });
  }
});

test('round trip: exported weights into a fresh trainer of the same config, another seed, give the same predictions', () => {
  for (const preset of ['lstm_after', 'find_max', 'dense']) {
    withTrainer(M, small({ preset }), (from) => {
      from.step(4);
      const artifacts = from.exportTfjs();
      withTrainer(M, small({ preset, seed: 99 }), (to) => {
        const x = from.testInputs();
        assert.notDeepEqual(to.predict(x).data, from.predict(x).data);
        to.importTfjs(artifacts);
        assert.deepEqual(to.predict(x).data, from.predict(x).data);
        const layer = attentionLayer(from.config());
        assert.deepEqual(to.getActivations(layer, x).data, from.getActivations(layer, x).data);
        // model.json + the weights file, as the page writes and a server serves them.
        withTrainer(M, small({ preset, seed: 7 }), (third) => {
          const json = JSON.parse(JSON.stringify(M.tfjsModelJson(artifacts)));
          assert.deepEqual(json.weightsManifest[0].paths, ['./model.weights.bin']);
          third.importTfjs({ ...json, weightData: new Uint8Array(artifacts.weightData) });
          assert.deepEqual(third.predict(x).data, from.predict(x).data);
          const m = third.step(3); // and training goes on from them
          assert.equal(m.status, 'training');
          assert.ok(Number.isFinite(m.batch_loss));
        });
      });
    });
  }
});

// A model built and trained in TF.js (its own initial weights, its own optimizer), saved as
// TF.js saves it, loads into the trainer of the same config.
for (const variant of [
  { preset: 'lstm_after', units: 8, samples: 400 },
  { preset: 'find_max', units: 12, attention_units: 10, score: 'bahdanau', cell: 'gru', reset_after: false },
  { preset: 'lstm_before', single_attention_vector: true, units: 8, samples: 400 },
]) {
  test(`a model trained in TF.js imports and predicts as in TF.js: ${JSON.stringify(variant)}`, async (ctx) => {
    await withTrainerAsync(small(variant), async (t) => {
      const c = t.config();
      const model = buildTfjsModel(tf, { name: c.preset, config: c, head: heads.get(c.task) }, { builtin: true });
      const x = t.testInputs(), y = t.testTargets();
      const [xs, ys] = [tf.tensor(x.data, x.shape), tf.tensor(y.data, y.shape)];
      await model.fit(xs, ys, { epochs: 2, batchSize: 20, verbose: 0 });
      let artifacts;
      await model.save(tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }));
      t.importTfjs(artifacts);
      const theirs = tf.tidy(() => model.predict(xs).dataSync());
      const d = maxDiff(t.predict(x).data, theirs);
      ctx.diagnostic(`max difference ${d.toExponential(1)}`);
      assert.ok(d <= TOLERANCE, `predictions differ by ${d}`);
      tf.dispose([xs, ys]);
      model.dispose();
    });
  });
}

function rejects(fn, pattern, props = {}) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof Error);
    assert.match(e.message, pattern);
    for (const [k, v] of Object.entries(props)) assert.equal(e[k], v, `error.${k}`);
    return true;
  });
}

test('a mismatch names the layer or weight and both shapes, and changes nothing', () => {
  withTrainer(M, small({ preset: 'lstm_after' }), (from) => {
    const artifacts = from.exportTfjs();
    withTrainer(M, small({ preset: 'lstm_after', units: 16 }), (t) => {
      const before = t.getWeights();
      rejects(() => t.importTfjs(artifacts),
        /^artifacts: weight lstm\/kernel of layer lstm: shape \[2, 128\] in the model, \[2, 64\] in this trainer$/,
        { field: 'artifacts', layer: 'lstm', weight: 'lstm/kernel' });
      assert.deepEqual(t.getWeights(), before);
    });
    withTrainer(M, small({ preset: 'gru_after' }), (t) => {
      rejects(() => t.importTfjs(artifacts), /^artifacts: no weight gru\/kernel \(layer gru, shape \[2, 96\]\) in the model; it has lstm\/kernel \[2, 128\]/,
        { layer: 'gru', weight: 'gru/kernel' });
    });
    withTrainer(M, small({ preset: 'lstm_after', single_attention_vector: true }), (t) => {
      rejects(() => t.importTfjs(artifacts), /^artifacts: no layer dim_reduction .* set single_attention_vector false$/, { layer: 'dim_reduction' });
    });
    withTrainer(M, small({ preset: 'lstm_before' }), (t) => {
      rejects(() => t.importTfjs(artifacts), /^artifacts: weight output\/kernel of layer output: shape \[640, 1\] in the model, \[32, 1\] in this trainer$/);
    });
    rejects(() => from.importTfjs({ ...artifacts, weightData: artifacts.weightData.slice(4) }),
      /^artifacts\.weightData: \d+ bytes, but weightSpecs describe \d+ \(7 float32 arrays\)$/, { field: 'artifacts.weightData' });
    const quantized = artifacts.weightSpecs.map((s, i) => (i ? s : { ...s, quantization: { dtype: 'uint8', min: 0, scale: 1 } }));
    rejects(() => from.importTfjs({ ...artifacts, weightSpecs: quantized }), /^artifacts\.weightSpecs\[0\]: lstm\/kernel is quantized/);
    rejects(() => from.importTfjs({ weightSpecs: [] }), /^artifacts\.modelTopology: expected a Keras model's JSON/);
    rejects(() => from.importTfjs(null), /^artifacts: expected \{ modelTopology, weightSpecs, weightData \}/);
  });
  withTrainer(M, small({ preset: 'gru_after', reset_after: false }), (from) => {
    withTrainer(M, small({ preset: 'gru_after' }), (t) => {
      rejects(() => t.importTfjs(from.exportTfjs()),
        /^artifacts: weight gru\/bias of layer gru: shape \[96\] in the model, \[2, 96\] in this trainer \(the model's GRU has reset_after=false: set reset_after false\)$/,
        { layer: 'gru', weight: 'gru/bias' });
    });
  });
});

test("a model's computing settings are checked: TF.js's default hard_sigmoid, another head", async () => {
  await withTrainerAsync(small({ preset: 'lstm_before', units: 4, samples: 300 }), async (t) => {
    const c = t.config();
    for (const activation of ['sigmoid', 'linear']) {
      const inputs = tf.input({ shape: [c.time_steps, c.input_dim], name: 'input' });
      let a = tf.layers.permute({ dims: [2, 1] }).apply(inputs);
      a = tf.layers.dense({ units: c.time_steps, activation: 'softmax', name: 'attention_probs' }).apply(a);
      a = tf.layers.permute({ dims: [2, 1], name: 'attention_vec' }).apply(a);
      a = tf.layers.multiply({ name: 'attention_mul' }).apply([inputs, a]);
      const h = tf.layers.lstm({ units: 4, name: 'lstm' }).apply(a); // recurrentActivation: TF.js's hard_sigmoid
      const model = tf.model({ inputs, outputs: tf.layers.dense({ units: 1, activation, name: 'output' }).apply(h) });
      let artifacts;
      await model.save(tf.io.withSaveHandler(async (x) => {
        artifacts = x;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }));
      model.dispose();
      rejects(() => t.importTfjs(artifacts), /^artifacts: layer lstm: recurrent_activation hard_sigmoid in the model, sigmoid in this trainer$/,
        { layer: 'lstm' });
      const fixed = JSON.parse(JSON.stringify(artifacts.modelTopology));
      fixed.config.layers.find((l) => l.name === 'lstm').config.recurrent_activation = 'sigmoid';
      if (activation === 'sigmoid') t.importTfjs({ ...artifacts, modelTopology: fixed });
      else rejects(() => t.importTfjs({ ...artifacts, modelTopology: fixed }),
        /^artifacts: layer output: activation linear in the model, sigmoid in this trainer$/, { layer: 'output' });
    }
  });
});

test("Keras 2's cell-scoped weight names (lstm/lstm_cell/kernel) and a wrapped model_config load", () => {
  withTrainer(M, small({ preset: 'find_max' }), (from) => {
    from.step(2);
    const artifacts = from.exportTfjs();
    const keras = {
      modelTopology: { keras_version: '2.15.0', backend: 'tensorflow', model_config: artifacts.modelTopology },
      weightSpecs: artifacts.weightSpecs.map((s) => ({ ...s, name: s.name.replace(/^lstm\//, 'lstm/lstm_cell/') })),
      weightData: artifacts.weightData,
    };
    assert.equal(keras.weightSpecs[0].name, 'lstm/lstm_cell/kernel');
    withTrainer(M, small({ preset: 'find_max', seed: 8 }), (t) => {
      t.importTfjs(keras);
      const x = from.testInputs();
      assert.deepEqual(t.predict(x).data, from.predict(x).data);
    });
  });
});

test('importTfjs reads its argument before calling in: a getter that deletes the trainer', () => {
  withTrainer(M, small({ preset: 'dense' }), (from) => {
    const artifacts = from.exportTfjs();
    const t = new M.Trainer(small({ preset: 'dense' }));
    const hostile = { ...artifacts, get weightData() { t.delete(); return artifacts.weightData; } };
    rejects(() => t.importTfjs(hostile), /^importTfjs: this trainer has been deleted/);
    assert.equal(t.isDeleted(), true);
  });
});

// The README's PyTorch table, checked against PyTorch's documented equations (torch.nn.LSTM,
// torch.nn.GRU; PyTorch itself is not installed here): the mapped weights, run through those
// equations in double, give the trainer's hidden states.
const transpose = (a, rows, cols) => Float64Array.from({ length: rows * cols }, (_, i) => a[(i % rows) * cols + Math.floor(i / rows)]);
// Keras's gate blocks z, r, h on the last axis -> PyTorch's r, z, n.
const zrhToRzn = (a, H) => {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i += 3 * H)
    for (let k = 0; k < H; k++) [out[i + k], out[i + H + k], out[i + 2 * H + k]] = [a[i + H + k], a[i + k], a[i + 2 * H + k]];
  return out;
};
const sigmoid = (v) => 1 / (1 + Math.exp(-v));
// W (G, n) row-major times v (n), plus b.
const affine = (W, v, b) => b.map((bj, j) => v.reduce((s, vk, k) => s + W[j * v.length + k] * vk, bj));

function torchStates(cell, p, xs, T, D, H) { // one sample's x (T, D) -> h_t for each t, (T, H)
  let h = new Array(H).fill(0), c = new Array(H).fill(0);
  const out = [];
  for (let t = 0; t < T; t++) {
    const x = Array.from(xs.subarray(t * D, t * D + D));
    const gi = affine(p.weight_ih, x, Array.from(p.bias_ih)), gh = affine(p.weight_hh, h, Array.from(p.bias_hh));
    if (cell === 'lstm') { // i, f, g, o
      const g = gi.map((v, j) => v + gh[j]);
      c = c.map((cv, k) => sigmoid(g[H + k]) * cv + sigmoid(g[k]) * Math.tanh(g[2 * H + k]));
      h = c.map((cv, k) => sigmoid(g[3 * H + k]) * Math.tanh(cv));
    } else { // r, z, n: n = tanh(W_in x + b_in + r * (W_hn h + b_hn))
      const r = h.map((_, k) => sigmoid(gi[k] + gh[k])), z = h.map((_, k) => sigmoid(gi[H + k] + gh[H + k]));
      const n = h.map((_, k) => Math.tanh(gi[2 * H + k] + r[k] * gh[2 * H + k]));
      h = h.map((hv, k) => (1 - z[k]) * n[k] + z[k] * hv);
    }
    out.push(...h);
  }
  return out;
}

test("the README's PyTorch weight mapping: PyTorch's LSTM and GRU equations on the mapped weights give our states", () => {
  for (const cell of ['lstm', 'gru']) {
    withTrainer(M, small({ preset: `${cell}_after`, units: 6, samples: 200, test_samples: 4 }), (t) => {
      t.step(3);
      const c = t.config(), T = c.time_steps, D = c.input_dim, H = c.units, G = cell === 'lstm' ? 4 * H : 3 * H;
      const w = Object.fromEntries(t.getWeights().filter((x) => x.name.startsWith(`${cell}/`)).map((x) => [x.name.split('/')[1], x.data]));
      const order = cell === 'lstm' ? (a) => Float64Array.from(a) : (a) => zrhToRzn(a, H);
      const p = {
        weight_ih: transpose(order(w.kernel), D, G), // (G, D)
        weight_hh: transpose(order(w.recurrent_kernel), H, G), // (G, H)
        bias_ih: order(cell === 'lstm' ? w.bias : w.bias.subarray(0, G)),
        bias_hh: cell === 'lstm' ? new Float64Array(G) : order(w.bias.subarray(G)),
      };
      const x = t.testInputs();
      const ours = t.getActivations(cell, x).data; // (n, T, H)
      for (let b = 0; b < x.shape[0]; b++) {
        const theirs = torchStates(cell, p, x.data.subarray(b * T * D, (b + 1) * T * D), T, D, H);
        const d = maxDiff(ours.subarray(b * T * H, (b + 1) * T * H), theirs);
        assert.ok(d < 1e-5, `${cell} sample ${b}: states differ by ${d}`);
      }
    });
  }
});

// ---- seq2seq (the translation presets) ------------------------------------------------------
// The export is the teacher-forced training graph with two inputs, [sources, decoder inputs].
// Our predict() decodes greedily (the decoder reads 0, then its own argmax of each step), so
// the loaded model, given the decoder inputs our decoding read, must predict what we predict:
// the same function. Teacher-forced (the decoder inputs 0, then the targets shifted), its loss
// on a batch is the loss trainOnBatch reports (before its step).
const seq2seqInputs = (x, n, Ts, Tt, token) => {
  const d = new Int32Array(n * Tt);
  for (let i = 0; i < n; i++) for (let k = 1; k < Tt; k++) d[i * Tt + k] = token(i, k - 1);
  return [tf.tensor(Int32Array.from(x.data), [n, Ts], 'int32'), tf.tensor(d, [n, Tt], 'int32')];
};
// The decoder inputs of our greedy decoding, from our predictions p (n, Tt, V).
const greedyToken = (p, Tt, V) => (i, k) => {
  let best = 0;
  for (let v = 1; v < V; v++) if (p[(i * Tt + k) * V + v] > p[(i * Tt + k) * V + best]) best = v;
  return best;
};
const sortedWiring = (layers) => wiring(layers).sort();

const seq2seqExportable = [
  { preset: 'reverse' },
  { preset: 'sort_digits', reset_after: false },
  { preset: 'date_conversion', reset_after: false },
  { preset: 'reverse', score: 'bahdanau', units: 16, attention_units: 12 },
  { preset: 'date_conversion', reset_after: false, score: 'luong', dropout: 0.1 },
  { preset: 'sort_digits', reset_after: false, score: 'dot', cell: 'lstm' },
];
for (const variant of seq2seqExportable) {
  test(`seq2seq exported, tf.loadLayersModel predicts as we do: ${JSON.stringify(variant)}`, async (ctx) => {
    const t = new M.Trainer(small(variant));
    try {
      t.step(5);
      const c = t.config();
      assert.equal(t.tfjsExportProblem(), null);
      const artifacts = t.exportTfjs();
      const model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
      const x = t.testInputs(), y = t.testTargets();
      const [n, Ts] = x.shape, Tt = y.shape[1], V = c.vocab_size;
      assert.deepEqual(model.outputs[0].shape, [null, Tt, V]);
      const ours = t.predict(x).data;
      const inputs = seq2seqInputs(x, n, Ts, Tt, greedyToken(ours, Tt, V));
      const prediction = maxDiff(ours, tf.tidy(() => model.predict(inputs).dataSync()));
      assert.ok(prediction <= TOLERANCE, `predictions differ by ${prediction}`);
      const probe = tf.model({ inputs: model.inputs, outputs: model.getLayer('attention_weight').output });
      const attention = maxDiff(t.getActivations('attention_weight', x).data, tf.tidy(() => probe.predict(inputs).dataSync()));
      assert.ok(attention <= TOLERANCE, `attention_weight differs by ${attention}`);
      tf.dispose(inputs);

      // Teacher forcing: TF.js's loss on the decoder inputs built from the targets is ours.
      const forced = seq2seqInputs(x, n, Ts, Tt, (i, k) => y.data[i * Tt + k]);
      const ys = tf.tensor(y.data, [n, Tt, 1]);
      model.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
      const theirsLoss = tf.tidy(() => model.evaluate(forced, ys, { batchSize: n }).dataSync()[0]);
      const oursLoss = c.dropout > 0 ? theirsLoss : t.trainOnBatch(x, y).loss; // dropout: training draws masks
      assert.ok(Math.abs(oursLoss - theirsLoss) <= 1e-4 * Math.abs(oursLoss), `teacher-forced loss ${oursLoss} / ${theirsLoss}`);
      tf.dispose([forced, ys]);

      // TF.js's own model of the same architecture (bench/page/tfjs-models.js, built-in
      // Embedding), narrow: the same layers and wiring, the same weights by name.
      const narrow = { ...c, units: Math.min(c.units, 8), attention_units: Math.min(c.attention_units, 8) };
      const built = buildTfjsModel(tf, { name: c.preset, config: narrow, head: 'translation', target_steps: Tt }, { builtin: true });
      assert.deepEqual(sortedWiring(tfjsTopology(narrow, 'translation').config.layers), sortedWiring(built.toJSON(null, false).config.layers));
      assert.deepEqual(artifacts.weightSpecs.map((s) => s.name).sort(), built.weights.map((w) => w.originalName).sort());
      assert.equal(built.countParams(), M.estimate(narrow).parameter_count);
      model.dispose();
      built.dispose();
      ctx.diagnostic(`prediction ${prediction.toExponential(1)}, attention_weight ${attention.toExponential(1)}, ` +
        `teacher-forced loss ${Math.abs(oursLoss - theirsLoss).toExponential(1)}`);
    } finally {
      t.delete();
    }
  });
}

test('seq2seq: a GRU with reset_after true (the sort_digits and date_conversion defaults) does not export, and says why', () => {
  for (const preset of ['sort_digits', 'date_conversion']) {
    withTrainer(M, small({ preset }), (t) => {
      const problem = t.tfjsExportProblem();
      assert.equal(problem.field, 'reset_after');
      assert.match(problem.message, /^reset_after: TF\.js's GRU cannot load reset_after=true .*reset_after false/);
      assert.throws(() => t.exportTfjs(), (e) => e.field === 'reset_after' && e.message === problem.message);
    });
  }
});

test('seq2seq round trip: exported weights into a fresh trainer, another seed, give the same predictions; the GRU variant is checked', () => {
  for (const variant of [{ preset: 'reverse' }, { preset: 'date_conversion', reset_after: false }]) {
    withTrainer(M, small(variant), (from) => {
      from.step(4);
      const artifacts = from.exportTfjs();
      const x = from.testInputs();
      withTrainer(M, small({ ...variant, seed: 99 }), (to) => {
        assert.notDeepEqual(to.predict(x).data, from.predict(x).data);
        to.importTfjs(artifacts);
        assert.deepEqual(to.predict(x).data, from.predict(x).data);
        assert.deepEqual(to.getActivations('attention_weight', x).data, from.getActivations('attention_weight', x).data);
        const json = JSON.parse(JSON.stringify(M.tfjsModelJson(artifacts)));
        withTrainer(M, small({ ...variant, seed: 7 }), (third) => {
          third.importTfjs({ ...json, weightData: new Uint8Array(artifacts.weightData) });
          assert.deepEqual(third.predict(x).data, from.predict(x).data);
          assert.equal(third.step(2).status, 'training');
        });
      });
      if (variant.reset_after === false) {
        // Into a reset_after true trainer: the GRU's bias shape says which variant to set.
        withTrainer(M, small({ preset: variant.preset }), (other) => {
          const before = other.predict(x).data;
          rejects(() => other.importTfjs(artifacts), /^artifacts: weight encoder\/bias of layer encoder: shape \[96\] in the model, \[2, 96\] in this trainer \(.*set reset_after false\)/,
            { field: 'artifacts', layer: 'encoder', weight: 'encoder/bias' });
          assert.deepEqual(other.predict(x).data, before);
        });
      }
    });
  }
});

test('a seq2seq model trained in TF.js imports and predicts as in TF.js', async (ctx) => {
  await withTrainerAsync(small({ preset: 'reverse', units: 8, attention_units: 8 }), async (t) => {
    const c = t.config();
    const x = t.testInputs(), y = t.testTargets();
    const [n, Ts] = x.shape, Tt = y.shape[1], V = c.vocab_size;
    const model = buildTfjsModel(tf, { name: c.preset, config: c, head: 'translation', target_steps: Tt }, { builtin: true });
    const forced = seq2seqInputs(x, n, Ts, Tt, (i, k) => y.data[i * Tt + k]);
    const ys = tf.tensor(y.data, [n, Tt, 1]);
    await model.fit(forced, ys, { epochs: 2, batchSize: 20, verbose: 0 });
    let artifacts;
    await model.save(tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    t.importTfjs(artifacts);
    const ours = t.predict(x).data;
    const inputs = seq2seqInputs(x, n, Ts, Tt, greedyToken(ours, Tt, V));
    const d = maxDiff(ours, tf.tidy(() => model.predict(inputs).dataSync()));
    ctx.diagnostic(`max difference ${d.toExponential(1)}`);
    assert.ok(d <= TOLERANCE, `predictions differ by ${d}`);
    tf.dispose([forced, ys, inputs]);
    model.optimizer.dispose();
    model.dispose();
  });
});
