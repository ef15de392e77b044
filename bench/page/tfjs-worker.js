// Classic worker: the core's models in TensorFlow.js (the npm packages @tensorflow/tfjs and
// @tensorflow/tfjs-backend-wasm, served from our own 127.0.0.1 server; the wasm backend's .wasm
// files come from the same folder through setWasmPaths). The worker has no module of ours:
// bench/run.mjs reads the core's preset table from the module and passes it in as
// options.presets ([{ name, config, head }], see models.mjs). Each model is built from its
// config by tfjs-models.js with built-in tf.layers, like Keras (the self-attention models with
// two custom layers of tf ops, as TF.js has no MultiHeadAttention), and trained with
// trainOnBatch and/or model.fit on random data of the right shape, at the preset's batch size,
// with its optimizer and loss (the 2017 models: batch 64, Adam, binary cross-entropy).
/* global tf, buildTfjsModel */
importScripts('./tf.es2017.min.js', './tf-backend-wasm.es2017.min.js', './tfjs-models.js');

const post = (m) => postMessage(m);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

// n batches of `batch`: trainOnBatch n times (each returns the batch's loss and metric), or one
// model.fit over n batches (x and y hold batch * maxBatches samples; shuffle off, no yielding).
// x: one tensor, or an array of them (the seq2seq model's sources and decoder inputs).
const firstRows = (x, n) => (Array.isArray(x) ? x.map((t) => t.slice(0, n)) : x.slice(0, n));
async function trainBatches(model, x, y, n, method, batch) {
  const t0 = performance.now();
  if (method === 'fit') {
    const xs = firstRows(x, n * batch), ys = y.slice(0, n * batch);
    try {
      await model.fit(xs, ys, { batchSize: batch, epochs: 1, shuffle: false, verbose: 0, yieldEvery: 'never' });
    } finally {
      tf.dispose([xs, ys]);
    }
  } else {
    const xb = firstRows(x, batch), yb = y.slice(0, batch);
    try {
      for (let i = 0; i < n; i++) await model.trainOnBatch(xb, yb);
    } finally {
      tf.dispose([xb, yb]);
    }
  }
  return (performance.now() - t0) / 1000;
}

async function initBackend(backend) {
  if (backend === 'wasm') tf.wasm.setWasmPaths(new URL('./', self.location.href).href);
  if (!(await tf.setBackend(backend))) throw new Error(`TF.js backend ${backend} failed to initialise`);
  await tf.ready();
  const info = { backend: tf.getBackend() };
  if (backend === 'wasm') {
    info.simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    info.threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  }
  return info;
}

// n random samples of the preset's shape: x and y tensors (a seq2seq model's x: [sources,
// decoder inputs]).
function makeData({ config: c, head, target_steps: Tt }, n) {
  if (head === 'translation') {
    // Source ids (n, Ts) and target ids (n, Tt, 1), uniform over the vocabulary but the start
    // token 0; teacher forcing: the decoder reads 0, then the target shifted by one step.
    return tf.tidy(() => {
      const source = tf.keep(tf.randomUniformInt([n, c.time_steps], 1, c.vocab_size, 1));
      const target = tf.randomUniformInt([n, Tt], 1, c.vocab_size, 2);
      const decoderIn = tf.keep(tf.concat([tf.zeros([n, 1], 'int32'), target.slice([0, 0], [n, Tt - 1])], 1));
      return { x: [source, decoderIn], y: tf.keep(tf.cast(target.reshape([n, Tt, 1]), 'float32')) };
    });
  }
  if (head === 'tokens') {
    // Token ids (n, T) and a target id per step (n, T, 1), uniform over the vocabulary.
    return {
      x: tf.randomUniformInt([n, c.time_steps], 0, c.vocab_size, 1),
      y: tf.tidy(() => tf.cast(tf.randomUniformInt([n, c.time_steps, 1], 0, c.vocab_size, 2), 'float32')),
    };
  }
  const shape = c.cell === 'none' ? [n, c.input_dim] : [n, c.time_steps, c.input_dim];
  return {
    x: tf.randomNormal(shape, 0, 1, 'float32', 1),
    // 0/1 targets for a sigmoid head, values in [0, 1) for a linear one.
    y: tf.tidy(() => {
      const u = tf.randomUniform([n, 1], 0, 1, 'float32', 2);
      return head === 'sigmoid' ? u.round() : u;
    }),
  };
}

// The warm-up: `warmup` batches per method, and more until each method has run `warmupSeconds`:
// TF.js's own JavaScript (V8 tiers it up as it runs) is slow for the first batches, and a model
// of a few milliseconds per batch is past 5 batches long before that.
// Returns the batches it took.
async function warmUp(model, x, y, batch, { methods, warmup, warmupSeconds, maxBatches }) {
  let batches = 0;
  for (const m of methods) {
    let s = await trainBatches(model, x, y, warmup, m, batch);
    batches += warmup;
    while (s < warmupSeconds) {
      s += await trainBatches(model, x, y, Math.min(warmup, maxBatches), m, batch);
      batches += Math.min(warmup, maxBatches);
    }
  }
  return batches;
}

// `methods`: 'trainOnBatch' and/or 'fit'. With both, their timed runs alternate and the faster
// method's median counts (TF.js at its best: trainOnBatch has less overhead per batch on the
// dense model, fit is about as fast or a little faster on the recurrent ones).
async function benchBackend(backend, { presets, repeats = 3, warmup = 5, warmupSeconds = 0, targetSeconds = 1.2,
  maxBatches = 20, minBatches = 3, methods = ['trainOnBatch', 'fit'] }) {
  const info = await initBackend(backend);
  const results = [];
  for (const entry of presets) {
    const { name: preset, config: c } = entry;
    const batch = c.batch_size;
    const tensors0 = tf.memory().numTensors;
    const model = buildTfjsModel(tf, entry);
    const { x, y } = makeData(entry, batch * Math.max(maxBatches, warmup, 2));
    try {
      const w0 = performance.now();
      const warmupBatches = await warmUp(model, x, y, batch, { methods, warmup, warmupSeconds, maxBatches });
      const warmedSeconds = (performance.now() - w0) / 1000;
      const probe = await trainBatches(model, x, y, 2, methods[0], batch) / 2;
      const batches = Math.max(minBatches, Math.min(maxBatches, Math.round(targetSeconds / probe)));
      const runs = Object.fromEntries(methods.map((m) => [m, []]));
      for (let r = 0; r < repeats; r++) {
        for (const m of methods) runs[m].push(batches * batch / await trainBatches(model, x, y, batches, m, batch));
      }
      const by_method = Object.fromEntries(methods.map((m) => [m, median(runs[m])]));
      const method = methods.reduce((a, b) => (by_method[b] > by_method[a] ? b : a));
      results.push({
        preset, params: model.countParams(), batch_size: batch, batches, repeats, method,
        optimizer: c.optimizer, loss: c.loss,
        samples_per_second: by_method[method], runs: runs[method].sort((a, b) => a - b), by_method,
        warmup_batches: warmupBatches, warmup_seconds: warmedSeconds,
      });
    } finally {
      model.optimizer.dispose(); // the model does not own an optimizer passed to compile()
      model.dispose();
      tf.dispose([x, y]);
    }
    post({ type: 'log', text: `tfjs ${backend} ${preset}: ${results.at(-1).samples_per_second.toFixed(0)} samples/s` });
    info.leaked_tensors = (info.leaked_tensors ?? 0) + tf.memory().numTensors - tensors0;
  }
  return { ...info, results };
}

// Paired runs (window.bench.paired, bench/run.mjs --only paired): one model kept between
// messages. 'open' builds and warms it up and sizes a timed run to about `seconds`; each 'run'
// times one run of every method.
let session = null;
function closeSession() {
  if (!session) return;
  session.model.optimizer.dispose();
  session.model.dispose();
  tf.dispose([session.x, session.y]);
  session = null;
}

async function openSession({ entry, backend, methods = ['trainOnBatch', 'fit'], warmup = 5, warmupSeconds = 1,
  seconds = 0.5, minBatches = 3, maxBatches = 50 }) {
  closeSession();
  const info = await initBackend(backend);
  const batch = entry.config.batch_size;
  const model = buildTfjsModel(tf, entry);
  const { x, y } = makeData(entry, batch * Math.max(maxBatches, warmup, 2));
  session = { model, x, y, batch, methods };
  const warmupBatches = await warmUp(model, x, y, batch, { methods, warmup, warmupSeconds, maxBatches });
  const probe = await trainBatches(model, x, y, 2, methods[0], batch) / 2;
  session.batches = Math.max(minBatches, Math.min(maxBatches, Math.round(seconds / probe)));
  return { ...info, params: model.countParams(), batch_size: batch, batches: session.batches, warmup_batches: warmupBatches };
}

async function runSession() {
  const { model, x, y, batch, batches, methods } = session;
  const rates = {};
  for (const m of methods) rates[m] = batches * batch / await trainBatches(model, x, y, batches, m, batch);
  return { batches, rates };
}

onmessage = async ({ data: { job, options } }) => {
  if (job === 'open' || job === 'run' || job === 'close') {
    try {
      const result = job === 'open' ? await openSession(options) : job === 'run' ? await runSession() : closeSession();
      post({ type: 'result', result });
    } catch (e) {
      post({ type: 'error', message: e?.stack || String(e) });
    }
    return;
  }
  try {
    if (!options.presets?.length) throw new Error('options.presets: the preset table (bench/run.mjs passes it in)');
    const notes = [];
    try {
      tf.layers.gru({ units: 1, resetAfter: true });
      notes.push('tf.layers.gru accepts resetAfter: true');
    } catch (e) {
      notes.push(`tf.layers.gru({resetAfter: true}) is not supported by TF.js ${tf.version.tfjs} ` +
        `("${e.message}"): GRU uses resetAfter: false (one bias, r applied before the recurrent product)`);
    }
    notes.push('many-to-one Attention: h_t is the last step of the LSTM\'s sequence by a custom slice layer (TF.js ' +
      'has no Lambda and only a 2-D Cropping; with returnState its training executor runs the LSTM twice); the score, softmax, context and output from Dense (no bias), RepeatVector, ' +
      'Add, Activation, Flatten, Dot and Concatenate (tfjs-models.js)');
    notes.push('seq2seq (the translation presets): the teacher-forced graph with two inputs (sources, decoder inputs), ' +
      'built-in Embedding (oneHot x E in a custom layer where the backend has no gather gradient: wasm), LSTM|GRU, ' +
      'the decoder with initialState, the encoder\'s last state by a custom slice layer (with returnState TF.js\'s ' +
      'training executor runs the encoder twice), Dot / Dense / RepeatVector / Reshape / Permute / Add scores, Activation softmax, ' +
      'Concatenate, Dense on 3-D; the GRU presets with reset_after false on both sides (tfjs-models.js)');
    notes.push('self-attention (the token presets): two custom tf.layers.Layer classes of tf ops (token + position ' +
      'embedding; causal multi-head attention without biases, mask -1e9, plus the residual), then Dense(vocab, softmax); ' +
      `the token lookup is tf.gather where the backend has its gradient's kernel (UnsortedSegmentSum: ` +
      `${['wasm', 'cpu'].map((b) => `${b} ${tf.getKernel('UnsortedSegmentSum', b) ? 'yes' : 'no'}`).join(', ')}), else oneHot x E ` +
      '(tfjs-models.js; bench/tfjs-same.mjs checks the model against ours)');
    const out = { version: tf.version.tfjs, notes, backends: {} };
    for (const backend of options.backends ?? ['wasm', 'cpu']) {
      out.backends[backend] = await benchBackend(backend, { ...options, methods: options.methods?.[backend] ?? options.methods?.default });
    }
    post({ type: 'result', result: out });
  } catch (e) {
    post({ type: 'error', message: e?.stack || String(e) });
  }
};
