// Classic worker: the same five models in TensorFlow.js (the npm packages @tensorflow/tfjs and
// @tensorflow/tfjs-backend-wasm, served from our own 127.0.0.1 server; the wasm backend's .wasm
// files come from the same folder through setWasmPaths). Built with tf.layers like the Keras
// seed, trained with trainOnBatch and/or model.fit on random data of the right shape, batch 64,
// Adam, binary cross-entropy, metric accuracy.
/* global tf */
importScripts('./tf.es2017.min.js', './tf-backend-wasm.es2017.min.js');

const BATCH = 64;
const T = 20, D = 2, H = 32, DENSE_IN = 32, DENSE_UNITS = 64;
const post = (m) => postMessage(m);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

// Keras's recurrent_activation default in 2017 was hard_sigmoid; our core (and Keras 2.3+)
// use the logistic sigmoid: the same math as ours here.
function recurrentLayer(preset, returnSequences) {
  const common = { units: H, returnSequences, recurrentActivation: 'sigmoid' };
  if (preset.startsWith('lstm')) return tf.layers.lstm({ ...common, unitForgetBias: true });
  return tf.layers.gru({ ...common, resetAfter: false }); // TF.js throws on resetAfter: true
}

// attention_3d_block: Permute([2, 1]) -> Dense(T, softmax) -> Permute([2, 1]) -> Multiply.
function attention3d(inputs) {
  let a = tf.layers.permute({ dims: [2, 1] }).apply(inputs);
  a = tf.layers.dense({ units: T, activation: 'softmax', name: 'attention_probs' }).apply(a);
  const probs = tf.layers.permute({ dims: [2, 1], name: 'attention_vec' }).apply(a);
  return tf.layers.multiply({ name: 'attention_mul' }).apply([inputs, probs]);
}

function buildModel(preset) {
  let inputs, outputs;
  if (preset === 'dense') {
    inputs = tf.input({ shape: [DENSE_IN] });
    const probs = tf.layers.dense({ units: DENSE_IN, activation: 'softmax', name: 'attention_vec' }).apply(inputs);
    const mul = tf.layers.multiply({ name: 'attention_mul' }).apply([inputs, probs]);
    const hidden = tf.layers.dense({ units: DENSE_UNITS }).apply(mul);
    outputs = tf.layers.dense({ units: 1, activation: 'sigmoid' }).apply(hidden);
  } else if (preset.endsWith('_after')) {
    inputs = tf.input({ shape: [T, D] });
    const seq = recurrentLayer(preset, true).apply(inputs);
    const flat = tf.layers.flatten().apply(attention3d(seq));
    outputs = tf.layers.dense({ units: 1, activation: 'sigmoid' }).apply(flat);
  } else {
    inputs = tf.input({ shape: [T, D] });
    const last = recurrentLayer(preset, false).apply(attention3d(inputs));
    outputs = tf.layers.dense({ units: 1, activation: 'sigmoid' }).apply(last);
  }
  const model = tf.model({ inputs, outputs });
  model.compile({ optimizer: tf.train.adam(0.001), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return model;
}

// n batches of 64: trainOnBatch n times (each returns the batch's loss and accuracy), or one
// model.fit over n batches (x and y hold 64 * maxBatches samples; shuffle off, no yielding).
async function trainBatches(model, x, y, n, method) {
  const t0 = performance.now();
  if (method === 'fit') {
    const xs = x.slice(0, n * BATCH), ys = y.slice(0, n * BATCH);
    try {
      await model.fit(xs, ys, { batchSize: BATCH, epochs: 1, shuffle: false, verbose: 0, yieldEvery: 'never' });
    } finally {
      xs.dispose();
      ys.dispose();
    }
  } else {
    const xb = x.slice(0, BATCH), yb = y.slice(0, BATCH);
    try {
      for (let i = 0; i < n; i++) await model.trainOnBatch(xb, yb);
    } finally {
      xb.dispose();
      yb.dispose();
    }
  }
  return (performance.now() - t0) / 1000;
}

// `methods`: 'trainOnBatch' and/or 'fit'. With both, their timed runs alternate and the faster
// method's median counts (TF.js at its best: trainOnBatch has less overhead per batch on the
// dense model, fit is about as fast or a little faster on the recurrent ones).
async function benchBackend(backend, { presets, repeats = 3, warmup = 5, targetSeconds = 1.2, maxBatches = 20,
  minBatches = 3, methods = ['trainOnBatch', 'fit'] }) {
  if (backend === 'wasm') tf.wasm.setWasmPaths(new URL('./', self.location.href).href);
  if (!(await tf.setBackend(backend))) throw new Error(`TF.js backend ${backend} failed to initialise`);
  await tf.ready();
  const info = { backend: tf.getBackend() };
  if (backend === 'wasm') {
    info.simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    info.threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  }
  const results = [];
  for (const preset of presets) {
    const tensors0 = tf.memory().numTensors;
    const model = buildModel(preset);
    const n = BATCH * Math.max(maxBatches, warmup, 2);
    const shape = preset === 'dense' ? [n, DENSE_IN] : [n, T, D];
    const x = tf.randomNormal(shape, 0, 1, 'float32', 1);
    const y = tf.tidy(() => tf.randomUniform([n, 1], 0, 1, 'float32', 2).round());
    try {
      const w0 = performance.now();
      for (const m of methods) await trainBatches(model, x, y, warmup, m);
      const warmupSeconds = (performance.now() - w0) / 1000;
      const probe = await trainBatches(model, x, y, 2, methods[0]) / 2;
      const batches = Math.max(minBatches, Math.min(maxBatches, Math.round(targetSeconds / probe)));
      const runs = Object.fromEntries(methods.map((m) => [m, []]));
      for (let r = 0; r < repeats; r++) {
        for (const m of methods) runs[m].push(batches * BATCH / await trainBatches(model, x, y, batches, m));
      }
      const by_method = Object.fromEntries(methods.map((m) => [m, median(runs[m])]));
      const method = methods.reduce((a, b) => (by_method[b] > by_method[a] ? b : a));
      results.push({
        preset, params: model.countParams(), batch_size: BATCH, batches, repeats, method,
        samples_per_second: by_method[method], runs: runs[method].sort((a, b) => a - b), by_method,
        warmup_batches: warmup, warmup_seconds: warmupSeconds,
      });
    } finally {
      model.optimizer.dispose(); // the model does not own an optimizer passed to compile()
      model.dispose();
      x.dispose();
      y.dispose();
    }
    post({ type: 'log', text: `tfjs ${backend} ${preset}: ${results.at(-1).samples_per_second.toFixed(0)} samples/s` });
    info.leaked_tensors = (info.leaked_tensors ?? 0) + tf.memory().numTensors - tensors0;
  }
  return { ...info, results };
}

onmessage = async ({ data: { options } }) => {
  try {
    const notes = [];
    try {
      tf.layers.gru({ units: 1, resetAfter: true });
      notes.push('tf.layers.gru accepts resetAfter: true');
    } catch (e) {
      notes.push(`tf.layers.gru({resetAfter: true}) is not supported by TF.js ${tf.version.tfjs} ` +
        `("${e.message}"): GRU uses resetAfter: false (one bias, r applied before the recurrent product)`);
    }
    const out = { version: tf.version.tfjs, notes, backends: {} };
    for (const backend of options.backends ?? ['wasm', 'cpu']) {
      out.backends[backend] = await benchBackend(backend, { ...options, methods: options.methods?.[backend] ?? options.methods?.default });
    }
    post({ type: 'result', result: out });
  } catch (e) {
    post({ type: 'error', message: e?.stack || String(e) });
  }
};
