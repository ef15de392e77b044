// A trainer's model in TensorFlow.js's LayersModel format, and back (Trainer.exportTfjs() and
// importTfjs() in attention.mjs). The format is what tf.loadLayersModel reads and
// tf.io.browserDownloads writes (model.json + model.weights.bin), and what tensorflowjs_converter
// turns into a Keras .h5:
//
//   modelTopology  Keras's functional-model JSON: { class_name: 'Model', config: { name, layers,
//                  input_layers, output_layers }, keras_version, backend }, each layer
//                  { class_name, name, config, inbound_nodes: [[[layer, node, tensor, {}], ...]] }
//   weightSpecs    [{ name: 'lstm/kernel', shape: [2, 128], dtype: 'float32' }, ...]
//   weightData     one ArrayBuffer: the float32 arrays of weightSpecs, in order
//
// The topology mirrors core/model.cpp with TF.js's built-in layers only (TF.js cannot load a
// Lambda), named as the core names its layers and weights, so "lstm/kernel" is the kernel of
// the layer named "lstm" in both (bench/page/tfjs-models.js builds the same models through
// TF.js's API; tests/wasm/export.test.mjs checks that the two agree):
//
//   vectors      input -> [attention_probs Dense(D, softmax), attention_mul Multiply]
//                -> dense Dense(units) -> [dropout] -> output Dense(1, sigmoid | linear)
//   block        permute Permute(2, 1) -> attention_probs Dense(T, softmax)
//                -> [dim_reduction GlobalAveragePooling1D, repeat_vector RepeatVector(F)]
//                -> attention_vec Permute(2, 1) -> attention_mul Multiply, before the cell
//                (which returns its last state) or after it (returning sequences; then
//                flatten Flatten). With single_attention_vector, the mean of the (F, T)
//                probabilities over the features is GlobalAveragePooling1D's mean over axis 1.
//   many_to_one  lstm | gru with return_state (its second output, the last state, is h_t)
//                -> luong_w Dense(H, no bias), attention_score Dot(axes [1, 2]) | bahdanau_w1,
//                bahdanau_repeat, bahdanau_w2, bahdanau_add, bahdanau_tanh, bahdanau_v,
//                attention_score Flatten -> attention_weight Activation(softmax)
//                -> context_vector Dot(axes [1, 1]) -> attention_output Concatenate
//                -> attention_vector Dense(units, tanh, no bias)
//   seq2seq      the teacher-forced training graph, two inputs (Ts = time_steps, Tt = the
//                task's output steps, U = units): source (Ts) and decoder_input (Tt) token ids
//                (int32; the decoder's inputs are the start token 0, then the target shifted
//                by one, or to decode greedily, 0 then the model's own argmax of each step)
//                -> encoder_embedding, decoder_embedding Embedding(V, U) -> encoder LSTM | GRU
//                (return_sequences, return_state) -> decoder LSTM | GRU (return_sequences),
//                its initial state the node's extra inputs [h, h] (LSTM: h = c = the encoder's
//                last h) or [h] -> attention_score (Tt, Ts): Dot(axes [2, 2]) of h_t and h_s
//                (dot) or of h_t and luong_w Dense(U, no bias)(h_s) (luong); bahdanau:
//                bahdanau_w1(h_t) and bahdanau_w2(h_s) Dense(U, no bias), each repeated over
//                the other's axis to (Tt, Ts, U) with Flatten, RepeatVector, Reshape (and
//                Permute for W1 h_t), bahdanau_add, bahdanau_tanh, bahdanau_v Dense(1, no
//                bias) on the 4-D tensor, Reshape -> attention_weight Activation(softmax)
//                over Ts -> context_vector Dot(axes [2, 1])([alpha, h_s])
//                -> attention_output Concatenate([context, h_t]) -> attention_vector
//                Dense(units, tanh, no bias) -> [dropout] -> output Dense(V, softmax), every
//                step. Our greedy decoding is not part of the graph: TF.js predicts step t
//                from the decoder inputs 0..t it is given. (TF.js 4.22 itself trains such a
//                graph only with a workaround: its training executor shares one kwargs object
//                between layers and the decoder's initial state breaks the next call; see
//                bench/page/tfjs-models.js. Loading and predicting need none.)
//
// Not exportable: a GRU with reset_after true (the core's default, Keras's), in any model:
// TF.js's GRU is always Keras's reset_after=False. A self_attention model (no multi-head
// attention layer in TF.js). Import takes any model whose weights (names and shapes)
// and computing layers (class, activations, GRU variant) match the trainer's, from TF.js or
// from Keras through tensorflowjs_converter (Keras 2 names a cell's weights
// "lstm/lstm_cell/kernel": the inner cell scope is dropped, as TF.js and the converter do).

const FORMAT = 'tfjs-layers 4.22.0'; // the TF.js Layers format written and tested against
const GENERATED_BY = 'attention playground (wasm/export.mjs)';

function fail(field, message, extra = {}) {
  const e = new Error(`${field}: ${message}`);
  e.field = field;
  Object.assign(e, extra);
  throw e;
}

const shapeText = (shape) => `[${shape.join(', ')}]`;
const sameShape = (a, b) => a.length === b.length && a.every((d, i) => d === b[i]);

// ---- export --------------------------------------------------------------------------------

// Why a config cannot be exported, as { field, message } (the message starts with the field),
// or null.
export function tfjsExportProblem(c) {
  if (c.attention === 'self_attention')
    return {
      field: 'attention',
      message: 'attention: a self_attention model (embeddings, causal attention, a softmax per step) does not export to ' +
        'TF.js: TF.js 4.22 has no multi-head attention among the layers tf.loadLayersModel knows',
    };
  if (c.cell === 'gru' && c.reset_after)
    return {
      field: 'reset_after',
      message: "reset_after: TF.js's GRU cannot load reset_after=true (this model's GRU, Keras's default): " +
        'only a GRU trained with reset_after false exports',
    };
  return null;
}

// A functional model under construction: each layer is applied once (node 0); a tensor is
// [layer name, output index].
class Graph {
  layers = [];
  add(className, name, config, ...inputs) {
    this.layers.push({
      class_name: className,
      name,
      config: { name, trainable: true, ...config },
      inbound_nodes: inputs.length ? [inputs.map(([layer, index]) => [layer, 0, index, {}])] : [],
    });
    return [name, 0];
  }
}

const GLOROT_UNIFORM = { class_name: 'GlorotUniform', config: { seed: null } };
const ORTHOGONAL = { class_name: 'Orthogonal', config: { gain: 1, seed: null } };
const ZEROS = { class_name: 'Zeros', config: {} };

// The core's initialisers with each layer (Keras's defaults), for training from scratch.
const denseConfig = (units, activation = 'linear', useBias = true) => ({
  units, activation, use_bias: useBias, kernel_initializer: GLOROT_UNIFORM,
  ...(useBias ? { bias_initializer: ZEROS } : {}),
});

function recurrentConfig(c, returnSequences, returnState) {
  const config = {
    units: c.units, activation: 'tanh', recurrent_activation: 'sigmoid', use_bias: true,
    kernel_initializer: GLOROT_UNIFORM, recurrent_initializer: ORTHOGONAL, bias_initializer: ZEROS,
    dropout: 0, recurrent_dropout: 0, return_sequences: returnSequences, return_state: returnState,
    go_backwards: false, stateful: false, unroll: false,
  };
  if (c.cell === 'lstm') config.unit_forget_bias = true;
  else config.reset_after = c.reset_after;
  return config;
}

// A translation task's output steps Tt (core/task.cpp's target_steps): the ISO date's 10
// characters for the task "date", else the source's length (reverse, sort_digits).
// (bench/page/models.mjs's targetSteps says the same; tests/wasm/export.test.mjs checks the
// exported model's outputs against the trainer's targets.)
export const seq2seqTargetSteps = (c) => (c.task === 'date' ? 10 : c.time_steps);

// The seq2seq model's teacher-forced training graph (see the header).
function seq2seqTopology(c) {
  const g = new Graph();
  const Ts = c.time_steps, Tt = seq2seqTargetSteps(c), U = c.units, V = c.vocab_size;
  const input = (name, steps) => {
    const x = g.add('InputLayer', name, { batch_input_shape: [null, steps], dtype: 'int32', sparse: false });
    delete g.layers.at(-1).config.trainable;
    return x;
  };
  const embedding = (name, x) => g.add('Embedding', name, {
    input_dim: V, output_dim: U, mask_zero: false, input_length: null,
    embeddings_initializer: { class_name: 'RandomUniform', config: { minval: -0.05, maxval: 0.05, seed: null } },
  }, x);
  const cellClass = c.cell === 'lstm' ? 'LSTM' : 'GRU';
  const source = input('source', Ts), target = input('decoder_input', Tt);
  g.add(cellClass, 'encoder', recurrentConfig(c, true, true), embedding('encoder_embedding', source));
  const hs = ['encoder', 0], h = ['encoder', 1];
  // The initial state as the node's extra inputs (Keras's and TF.js's serialization of
  // initial_state): [h, h] for an LSTM (h = c = the encoder's last h, as ours), [h] for a GRU.
  const decoderIn = embedding('decoder_embedding', target);
  const ht = g.add(cellClass, 'decoder', recurrentConfig(c, true, false), decoderIn, ...(c.cell === 'lstm' ? [h, h] : [h]));
  const noBias = (units) => denseConfig(units, 'linear', false);
  let score;
  if (c.score === 'dot' || c.score === 'luong') {
    const keys = c.score === 'luong' ? g.add('Dense', 'luong_w', noBias(U), hs) : hs; // (Ts, U)
    score = g.add('Dot', 'attention_score', { axes: [2, 2], normalize: false }, ht, keys); // (Tt, Ts)
  } else {
    // v . tanh(W1 h_t + W2 h_s) for every (t, s): each side repeated over the other's axis to
    // (Tt, Ts, U), added, tanh, then Dense(1) on the last axis.
    let a = g.add('Dense', 'bahdanau_w1', noBias(U), ht); // (Tt, U)
    const b0 = g.add('Dense', 'bahdanau_w2', noBias(U), hs); // (Ts, U)
    a = g.add('Flatten', 'bahdanau_flatten_w1', {}, a);
    a = g.add('RepeatVector', 'bahdanau_repeat_w1', { n: Ts }, a); // (Ts, Tt*U)
    a = g.add('Reshape', 'bahdanau_reshape_w1', { target_shape: [Ts, Tt, U] }, a);
    a = g.add('Permute', 'bahdanau_permute_w1', { dims: [2, 1, 3] }, a); // (Tt, Ts, U)
    let b = g.add('Flatten', 'bahdanau_flatten_w2', {}, b0);
    b = g.add('RepeatVector', 'bahdanau_repeat_w2', { n: Tt }, b); // (Tt, Ts*U)
    b = g.add('Reshape', 'bahdanau_reshape_w2', { target_shape: [Tt, Ts, U] }, b);
    const sum = g.add('Add', 'bahdanau_add', {}, a, b);
    const e = g.add('Activation', 'bahdanau_tanh', { activation: 'tanh' }, sum);
    const v = g.add('Dense', 'bahdanau_v', noBias(1), e); // (Tt, Ts, 1)
    score = g.add('Reshape', 'attention_score', { target_shape: [Tt, Ts] }, v);
  }
  const alpha = g.add('Activation', 'attention_weight', { activation: 'softmax' }, score); // over Ts
  const context = g.add('Dot', 'context_vector', { axes: [2, 1], normalize: false }, alpha, hs); // (Tt, U)
  const both = g.add('Concatenate', 'attention_output', { axis: -1 }, context, ht);
  let x = g.add('Dense', 'attention_vector', denseConfig(c.attention_units, 'tanh', false), both);
  if (c.dropout > 0) x = g.add('Dropout', 'dropout', { rate: c.dropout, noise_shape: null, seed: null }, x);
  g.add('Dense', 'output', denseConfig(V, 'softmax'), x);
  return {
    class_name: 'Model',
    config: {
      name: c.preset, layers: g.layers,
      input_layers: [['source', 0, 0], ['decoder_input', 0, 0]], output_layers: [['output', 0, 0]],
    },
    keras_version: FORMAT,
    backend: 'tensor_flow.js',
  };
}

// Keras's functional model for config c (the core's Config, as Trainer.config() gives it) and
// the task's head ('sigmoid', 'linear'; 'translation': the seq2seq graph). Written for any
// config, reset_after true included: import compares with it; export refuses what TF.js
// cannot load first.
export function tfjsTopology(c, head) {
  if (c.attention === 'seq2seq') return seq2seqTopology(c);
  const g = new Graph();
  const T = c.time_steps, H = c.units;
  const sequence = c.cell !== 'none';
  const input = g.add('InputLayer', 'input', {
    batch_input_shape: sequence ? [null, T, c.input_dim] : [null, c.input_dim], dtype: 'float32', sparse: false,
  });
  delete g.layers[0].config.trainable; // an InputLayer has none

  const cell = (x, returnSequences, returnState = false) => {
    const name = c.cell;
    g.add(c.cell === 'lstm' ? 'LSTM' : 'GRU', name, recurrentConfig(c, returnSequences, returnState), x);
    return returnState ? [[name, 0], [name, 1]] : [name, 0];
  };
  // attention_3d_block on x (T, F): a softmax over the time steps for each feature.
  const block = (x, F) => {
    let a = g.add('Permute', 'permute', { dims: [2, 1] }, x); // (F, T)
    a = g.add('Dense', 'attention_probs', denseConfig(T, 'softmax'), a);
    if (c.single_attention_vector) {
      a = g.add('GlobalAveragePooling1D', 'dim_reduction', {}, a); // (T): the mean over the F rows
      a = g.add('RepeatVector', 'repeat_vector', { n: F }, a); // (F, T)
    }
    const attention = g.add('Permute', 'attention_vec', { dims: [2, 1] }, a); // (T, F)
    return g.add('Multiply', 'attention_mul', {}, x, attention);
  };
  const manyToOne = (hs, ht) => {
    let score;
    if (c.score === 'luong') {
      const wh = g.add('Dense', 'luong_w', denseConfig(H, 'linear', false), hs); // (T, H): h_s W
      score = g.add('Dot', 'attention_score', { axes: [1, 2], normalize: false }, ht, wh); // (T)
    } else {
      const w1 = g.add('Dense', 'bahdanau_w1', denseConfig(H, 'linear', false), ht);
      const w1s = g.add('RepeatVector', 'bahdanau_repeat', { n: T }, w1);
      const w2 = g.add('Dense', 'bahdanau_w2', denseConfig(H, 'linear', false), hs);
      const sum = g.add('Add', 'bahdanau_add', {}, w1s, w2);
      const e = g.add('Activation', 'bahdanau_tanh', { activation: 'tanh' }, sum);
      const v = g.add('Dense', 'bahdanau_v', denseConfig(1, 'linear', false), e); // (T, 1)
      score = g.add('Flatten', 'attention_score', {}, v);
    }
    const alpha = g.add('Activation', 'attention_weight', { activation: 'softmax' }, score);
    const context = g.add('Dot', 'context_vector', { axes: [1, 1], normalize: false }, hs, alpha);
    const both = g.add('Concatenate', 'attention_output', { axis: -1 }, context, ht);
    return g.add('Dense', 'attention_vector', denseConfig(c.attention_units, 'tanh', false), both);
  };

  let x = input;
  if (!sequence) {
    if (c.attention === 'block') {
      const probs = g.add('Dense', 'attention_probs', denseConfig(c.input_dim, 'softmax'), x);
      x = g.add('Multiply', 'attention_mul', {}, x, probs);
    }
    x = g.add('Dense', 'dense', denseConfig(H), x);
  } else if (c.attention === 'block' && c.placement === 'before') {
    x = cell(block(x, c.input_dim), false);
  } else if (c.attention === 'block') {
    x = g.add('Flatten', 'flatten', {}, block(cell(x, true), H));
  } else if (c.attention === 'many_to_one') {
    x = manyToOne(...cell(x, true, true));
  } else {
    x = cell(x, false);
  }
  if (c.dropout > 0) x = g.add('Dropout', 'dropout', { rate: c.dropout, noise_shape: null, seed: null }, x);
  g.add('Dense', 'output', denseConfig(1, head), x);
  return {
    class_name: 'Model',
    config: { name: c.preset, layers: g.layers, input_layers: [['input', 0, 0]], output_layers: [['output', 0, 0]] },
    keras_version: FORMAT,
    backend: 'tensor_flow.js',
  };
}

// The artifacts of a model: config c, the task's head, and its weights as getWeights() gives
// them (Keras's names, shapes and row-major order). The caller checks tfjsExportProblem first.
export function tfjsArtifacts(c, head, weights) {
  let n = 0;
  for (const w of weights) n += w.data.length;
  const data = new Float32Array(n);
  let at = 0;
  for (const w of weights) {
    data.set(w.data, at);
    at += w.data.length;
  }
  return {
    modelTopology: tfjsTopology(c, head),
    weightSpecs: weights.map((w) => ({ name: w.name, shape: [...w.shape], dtype: 'float32' })),
    weightData: data.buffer,
    format: 'layers-model',
    generatedBy: GENERATED_BY,
    convertedBy: null,
  };
}

// The model.json that goes beside the weights file (as tf.io.browserDownloads writes it).
export function tfjsModelJson(artifacts, weightsFile = 'model.weights.bin') {
  return {
    modelTopology: artifacts.modelTopology,
    format: artifacts.format ?? 'layers-model',
    generatedBy: artifacts.generatedBy ?? GENERATED_BY,
    convertedBy: artifacts.convertedBy ?? null,
    weightsManifest: [{ paths: [`./${weightsFile}`], weights: artifacts.weightSpecs }],
  };
}

// ---- import --------------------------------------------------------------------------------

function describe(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `'${v.length > 40 ? `${v.slice(0, 40)}...` : v}'`;
  return typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`;
}

function bytesOf(field, v) {
  if (v instanceof ArrayBuffer) return new Uint8Array(v.slice(0));
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));
  return fail(field, `expected an ArrayBuffer or a typed array (got ${describe(v)})`);
}

// ModelArtifacts, or a parsed model.json (weightsManifest instead of weightSpecs) with its
// weightData -> plain values: { layers: Map name -> { class_name, config }, specs: [{ name,
// shape, dtype, offset }], data: Float32Array }. Every value is read (and copied) here, before
// the caller touches the trainer.
export function readTfjsArtifacts(artifacts) {
  if (artifacts === null || typeof artifacts !== 'object' || Array.isArray(artifacts))
    fail('artifacts', `expected { modelTopology, weightSpecs, weightData } (got ${describe(artifacts)})`);
  const { modelTopology, weightSpecs, weightsManifest, weightData } = artifacts; // each read once

  let topology;
  try {
    topology = JSON.parse(typeof modelTopology === 'string' ? modelTopology : JSON.stringify(modelTopology ?? null));
  } catch (e) {
    fail('artifacts.modelTopology', `not JSON (${e.message})`);
  }
  if (topology && typeof topology === 'object' && topology.model_config) topology = topology.model_config;
  let layerList = topology?.config?.layers ?? topology?.config; // functional, or Keras 2.0's Sequential list
  if (topology === null || typeof topology !== 'object' || !Array.isArray(layerList))
    fail('artifacts.modelTopology', `expected a Keras model's JSON (class_name, config.layers) (got ${describe(topology)})`);
  const layers = new Map();
  for (const l of layerList) {
    const name = l?.config?.name ?? l?.name;
    if (typeof name === 'string') layers.set(name, { class_name: l.class_name, config: l.config ?? {} });
  }

  let specList = weightSpecs;
  if (specList === undefined && Array.isArray(weightsManifest)) specList = weightsManifest.flatMap((group) => group?.weights ?? []);
  if (!Array.isArray(specList)) fail('artifacts.weightSpecs', `expected an array of { name, shape, dtype } (got ${describe(specList)})`);
  const specs = [];
  let bytes = 0;
  for (let i = 0; i < specList.length; i++) {
    const field = `artifacts.weightSpecs[${i}]`;
    const s = specList[i];
    if (s === null || typeof s !== 'object') fail(field, `expected { name, shape, dtype } (got ${describe(s)})`);
    const { name, shape, dtype = 'float32', quantization } = s;
    if (typeof name !== 'string') fail(`${field}.name`, `expected a string (got ${describe(name)})`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0))
      fail(`${field}.shape`, `expected an array of non-negative integers (got ${describe(shape)})`);
    if (quantization) fail(`${field}`, `${name} is quantized: convert the model again without quantization`);
    if (dtype !== 'float32') fail(`${field}.dtype`, `${name}: expected float32 (got ${describe(dtype)})`);
    const n = shape.reduce((p, d) => p * d, 1);
    specs.push({ name, shape: [...shape], offset: bytes / 4, size: n });
    bytes += 4 * n;
  }

  const parts = Array.isArray(weightData) ? weightData : [weightData];
  const chunks = parts.map((p, i) => bytesOf(Array.isArray(weightData) ? `artifacts.weightData[${i}]` : 'artifacts.weightData', p));
  const total = chunks.reduce((s, c) => s + c.length, 0);
  if (total !== bytes)
    fail('artifacts.weightData', `${total} bytes, but weightSpecs describe ${bytes} (${specs.length} float32 arrays)`);
  const all = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return { layers, specs, data: new Float32Array(all.buffer) };
}

// Keras 2 scopes a recurrent layer's weights in its cell ("lstm/lstm_cell/kernel"); TF.js and
// the converter drop the inner scope when the full name has no match, and so do we.
const shortName = (name) => {
  const tokens = name.replace(/:0$/, '').split('/');
  return tokens.length > 2 ? [...tokens.slice(0, -2), tokens[tokens.length - 1]].join('/') : tokens.join('/');
};

// The computing settings of the layers that hold weights: class and config values (with
// Keras's defaults for absent keys) that change what the layer computes.
const COMPUTING = {
  Dense: { activation: 'linear', use_bias: true },
  LSTM: { activation: 'tanh', recurrent_activation: 'sigmoid', use_bias: true, return_sequences: false, go_backwards: false },
  GRU: { activation: 'tanh', recurrent_activation: 'sigmoid', use_bias: true, return_sequences: false, go_backwards: false, reset_after: true },
};

// The read artifacts (readTfjsArtifacts) against this trainer: config c, the task's head and
// its weights (names and Keras shapes, as getWeights() gives them). Returns setWeights()'s
// list, in the trainer's order; throws an Error (field 'artifacts', with .layer and .weight
// where one is at fault) naming the layer or weight and both shapes or values.
export function tfjsWeightsFor(c, head, ours, read) {
  const layerOf = (weight) => weight.split('/')[0];
  const byName = new Map();
  for (const s of read.specs) {
    const name = s.name.replace(/:0$/, '');
    if (byName.has(name)) fail('artifacts', `weight ${name} appears twice in weightSpecs`, { layer: layerOf(name), weight: name });
    byName.set(name, s);
  }
  const found = (name) => byName.get(name) ?? read.specs.find((s) => !byName.has(shortName(s.name)) && shortName(s.name) === name);
  const list = (ws) => ws.map((w) => `${w.name} ${shapeText(w.shape)}`).join(', ');

  const out = [];
  const used = new Set();
  for (const w of ours) {
    const s = found(w.name);
    const layer = layerOf(w.name);
    if (!s)
      fail('artifacts', `no weight ${w.name} (layer ${layer}, shape ${shapeText(w.shape)}) in the model; ` +
        `it has ${list(read.specs) || 'no weights'}`, { layer, weight: w.name });
    if (!sameShape(s.shape, w.shape)) {
      let hint = '';
      if (c.cell === 'gru' && /^(gru|encoder|decoder)\/bias$/.test(w.name))
        hint = s.shape.length === 2 ? ' (the model\'s GRU has reset_after=true: set reset_after true)'
          : ' (the model\'s GRU has reset_after=false: set reset_after false)';
      fail('artifacts', `weight ${w.name} of layer ${layer}: shape ${shapeText(s.shape)} in the model, ` +
        `${shapeText(w.shape)} in this trainer${hint}`, { layer, weight: w.name });
    }
    used.add(s);
    const data = read.data.subarray(s.offset, s.offset + s.size);
    for (let i = 0; i < data.length; i++)
      if (!Number.isFinite(data[i])) fail('artifacts', `weight ${w.name}: value ${i} is ${data[i]}`, { layer, weight: w.name });
    out.push({ data: new Float32Array(data), shape: w.shape });
  }
  const extra = read.specs.filter((s) => !used.has(s));
  if (extra.length)
    fail('artifacts', `weight ${extra[0].name} ${shapeText(extra[0].shape)} of the model has no place in this trainer ` +
      `(its weights: ${list(ours)})`, { layer: layerOf(extra[0].name), weight: extra[0].name });

  // The layers that hold the weights compute what the trainer's do.
  for (const want of tfjsTopology(c, head).config.layers) {
    const defaults = COMPUTING[want.class_name];
    if (!defaults || !ours.some((w) => layerOf(w.name) === want.name)) continue;
    const got = read.layers.get(want.name);
    if (!got) fail('artifacts', `no layer ${want.name} (${want.class_name}) in the model's topology`, { layer: want.name });
    if (got.class_name !== want.class_name)
      fail('artifacts', `layer ${want.name}: ${got.class_name} in the model, ${want.class_name} in this trainer`, { layer: want.name });
    for (const [key, fallback] of Object.entries(defaults)) {
      const value = got.config[key] ?? fallback, expected = want.config[key] ?? fallback;
      if (value !== expected)
        fail('artifacts', `layer ${want.name}: ${key} ${value} in the model, ${expected} in this trainer`, { layer: want.name });
    }
  }
  // The block's one shared attention vector has no weights of its own: its layer says.
  if (c.attention === 'block' && c.cell !== 'none' && read.layers.has('dim_reduction') !== c.single_attention_vector)
    fail('artifacts', c.single_attention_vector
      ? 'no layer dim_reduction (the attention\'s mean over the features) in the model: set single_attention_vector false'
      : 'layer dim_reduction (the attention\'s mean over the features) in the model: set single_attention_vector true',
    { layer: 'dim_reduction' });
  return out;
}
