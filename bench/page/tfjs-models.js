// The core's models in TensorFlow.js, built from a preset's Config with TF.js's built-in
// layers only (TF.js has no Lambda layer). A plain script with no imports or exports, so that
// the classic TF.js worker loads it with importScripts and Node with import(); either way it
// defines globalThis.buildTfjsModel(tf, { name, config, head }) -> a compiled tf.LayersModel.
// The bench times these against the core; tests/wasm/export.test.mjs imports their trained
// weights into the core and checks that wasm/export.mjs writes the same topology.
//
//   vectors (dense)  Input(D) -> Dense(D, softmax) * x -> Dense(H) -> Dense(1, head)
//   block, after     Input(T, D) -> RNN(H, seq) -> attention_3d_block -> Flatten -> Dense(1, head)
//   block, before    Input(T, D) -> attention_3d_block -> RNN(H) -> Dense(1, head)
//   many_to_one      Input(T, D) -> RNN(H, seq) -> (h_s, its last step h_t) -> Attention(U, luong | bahdanau)
//                    -> [Dropout] -> Dense(1, head)
//
// Layers carry the core's names (summary(), getWeights()), so weights move between the two
// by name: "lstm/kernel", "attention_probs/bias", "output/kernel", ... The single attention
// vector (Keras's Lambda mean over the features, "dim_reduction") is GlobalAveragePooling1D on
// the (features, time) probabilities: its mean over axis 1 is the mean over the features.
//
// The many-to-one Attention (Keras's later examples; core/many_to_one.hpp has our equations):
// h_t, the last hidden state, is Keras's x[:, -1, :] of h_s: TF.js has no Lambda for it and
// only a 2-D Cropping, so the bench's model takes it by a custom slice layer ("last_step",
// LastStep), and with options.builtin (the graph wasm/export.mjs writes) as the RNN's second
// output with returnState: true (the state h after the last step). TF.js 4.22's training
// executor applies a layer once per output it needs, so with returnState the RNN runs twice
// per batch, forward and backward (see the seq2seq models below). Then, as Keras's layer:
//   Luong     score = Dot(axes [1, 2])([h_t, Dense(H, no bias)(h_s)])       (W h_s at every step)
//   Bahdanau  score = Flatten(Dense(1, no bias)(tanh(Add([RepeatVector(T)(Dense(H, no bias)(h_t)),
//                                                          Dense(H, no bias)(h_s)]))))
//   alpha = Activation(softmax)(score); context = Dot(axes [1, 1])([h_s, alpha]);
//   a_t = Dense(U, tanh, no bias)(Concatenate([context, h_t])).
// Parameters: the same as the core's (LSTM 4H(D + H + 1); Luong H*H + 2H*U; Bahdanau
// 2H*H + H + 2H*U). TF.js's GRU has no reset_after: it is always Keras's reset_after=False,
// the core's reset_after: false, with one bias set fewer than the core's default (the bench
// times the gru presets, reset_after true, against it).
//
// The causal self-attention models (the token tasks; core/model.hpp, core/embedding.hpp,
// core/self_attention.hpp, core/token_output.hpp) need two custom layers, since TF.js layers
// has no MultiHeadAttention and no causal mask; both are tf.layers.Layer subclasses made of tf
// ops, their gradients by TF.js's autodiff:
//   Input(T) token ids -> "embedding": Embedding(V, C)(ids) + Embedding(T, C)(positions 0..T-1)
//   -> layers x "self_attention", "self_attention_1", ...: y = x + MultiHeadAttention(x, x),
//      Keras's MultiHeadAttention(num_heads H, key_dim C/H, use_bias False) with
//      use_causal_mask: Q = x Wq, K = x Wk, V = x Wv (Wq, Wk, Wv (C, H, d)), per head
//      softmax(Q K^T / sqrt(d) + mask) V with mask -1e9 above the diagonal (Keras's masked
//      softmax), the heads concatenated times Wo (H, d, C), added to x
//   -> [Dropout] -> "output": Dense(V, softmax) on every step; sparse categorical cross-entropy
//      (targets (B, T, 1)), mean over the B*T steps.
// The weights carry our names and Keras's shapes, in our getWeights() order, so
// model.setWeights(trainer.getWeights()) copies ours in (bench/tfjs-same.mjs checks that the
// losses then agree). Initialisers as the core's: uniform(-0.05, 0.05) for both tables,
// glorot_uniform on fans (C, C) for the attention's kernels (Keras's own glorot on the 3-D
// kernel shape would use other fans), glorot_uniform and zero bias for the output.
// The token lookup: tf.gather where the backend has the kernel of its gradient
// (UnsortedSegmentSum: cpu, webgl), else (the wasm backend has none: tf.layers.embedding does
// not train there) oneHot(ids) x E, the same sums with one product forward and one backward.
//
// The seq2seq models (the translation tasks; core/seq2seq.hpp, core/seq_attention.hpp), the
// teacher-forced training graph with two inputs, Ts = time_steps, Tt = entry.target_steps
// (bench/page/models.mjs: targetSteps), U = units, A = attention_units, V = vocab_size:
//   "source" (Ts) ids -> "encoder_embedding" Embedding(V, U) -> "encoder" LSTM|GRU(U, seq, state)
//     -> h_s (Ts, U) and its last state h
//   "decoder_input" (Tt) ids (0, then the target shifted) -> "decoder_embedding" Embedding(V, U)
//     -> "decoder" LSTM|GRU(U, seq) with initialState [h, h] (LSTM: h = c = h, as ours) | [h]
//     -> h_t (Tt, U)
//   score (Tt, Ts): dot        "attention_score" Dot(axes [2, 2])([h_t, h_s])
//                   luong      the same on [h_t, "luong_w" Dense(U, no bias)(h_s)]
//                   bahdanau   v . tanh(W1 h_t + W2 h_s) for every (t, s): "bahdanau_w1" and
//                              "bahdanau_w2" Dense(U, no bias), each repeated over the other
//                              axis (Flatten, RepeatVector, Reshape; W1 h_t's then Permute) to
//                              (Tt, Ts, U), "bahdanau_add" Add, "bahdanau_tanh", "bahdanau_v"
//                              Dense(1, no bias) on the 4-D tensor, "attention_score" Reshape
//   "attention_weight" Activation(softmax) over Ts -> "context_vector" Dot(axes [2, 1])([alpha, h_s])
//   -> "attention_output" Concatenate([context, h_t]) -> "attention_vector" Dense(A, tanh, no bias)
//   -> [Dropout] -> "output" Dense(V, softmax) on every step; sparse categorical cross-entropy.
// With options.builtin, built-in layers throughout: the graph wasm/export.mjs writes (the
// encoder's last state h from returnState). The bench's (the default) has two custom layers:
// on a backend without tf.gather's gradient (wasm) "TokenEmbedding", the same weight
// (<name>/embeddings (V, U)) computing oneHot(ids) x E; and "encoder_last", h as the last step
// of h_s (a slice), since TF.js's training executor would run the encoder twice, once per
// output it uses (measured: 2 calls of the encoder per trainOnBatch and per fit batch with
// returnState). TF.js's GRU is reset_after=false only: the bench runs the GRU presets with
// reset_after false on both sides (models.mjs's presetTable sets it).
/* global globalThis */
(function () {
  function recurrentLayer(tf, c, returnSequences, returnState = false) {
    // Keras's recurrent_activation default in 2017 was hard_sigmoid (TF.js's still is); our
    // core (and Keras 2.3+) use the logistic sigmoid: the same math as ours here.
    const common = { units: c.units, returnSequences, returnState, recurrentActivation: 'sigmoid', name: c.cell };
    if (c.cell === 'lstm') return tf.layers.lstm({ ...common, unitForgetBias: true });
    if (c.cell === 'gru') return tf.layers.gru({ ...common, resetAfter: false }); // TF.js throws on resetAfter: true
    throw new Error(`cell ${c.cell}: no TF.js model`);
  }

  // attention_3d_block: Permute([2, 1]) -> Dense(T, softmax) -> [mean over the features,
  // repeated for each] -> Permute([2, 1]) -> Multiply. F: the features of `inputs`.
  function attention3d(tf, c, inputs, F) {
    let a = tf.layers.permute({ dims: [2, 1], name: 'permute' }).apply(inputs);
    a = tf.layers.dense({ units: c.time_steps, activation: 'softmax', name: 'attention_probs' }).apply(a);
    if (c.single_attention_vector) {
      a = tf.layers.globalAveragePooling1d({ name: 'dim_reduction' }).apply(a);
      a = tf.layers.repeatVector({ n: F, name: 'repeat_vector' }).apply(a);
    }
    const probs = tf.layers.permute({ dims: [2, 1], name: 'attention_vec' }).apply(a);
    return tf.layers.multiply({ name: 'attention_mul' }).apply([inputs, probs]);
  }

  function manyToOne(tf, c, hs, ht) {
    const H = c.units;
    const dense = (units, name, activation) => tf.layers.dense({ units, useBias: false, name, activation });
    let score;
    if (c.score === 'luong') {
      const wh = dense(H, 'luong_w').apply(hs);                                      // (T, H)
      score = tf.layers.dot({ axes: [1, 2], name: 'attention_score' }).apply([ht, wh]); // (T)
    } else if (c.score === 'bahdanau') {
      const w1 = tf.layers.repeatVector({ n: c.time_steps, name: 'bahdanau_repeat' }).apply(dense(H, 'bahdanau_w1').apply(ht));
      const w2 = dense(H, 'bahdanau_w2').apply(hs);
      const sum = tf.layers.add({ name: 'bahdanau_add' }).apply([w1, w2]);
      const e = tf.layers.activation({ activation: 'tanh', name: 'bahdanau_tanh' }).apply(sum);
      score = tf.layers.flatten({ name: 'attention_score' }).apply(dense(1, 'bahdanau_v').apply(e));
    } else throw new Error(`score ${c.score}: no TF.js model`);
    const alpha = tf.layers.activation({ activation: 'softmax', name: 'attention_weight' }).apply(score);
    const context = tf.layers.dot({ axes: [1, 1], name: 'context_vector' }).apply([hs, alpha]);
    const pre = tf.layers.concatenate({ name: 'attention_output' }).apply([context, ht]);
    return dense(c.attention_units, 'attention_vector', 'tanh').apply(pre);
  }

  function optimizer(tf, c) {
    const lr = c.learning_rate;
    if (c.optimizer === 'adam') return tf.train.adam(lr);
    if (c.optimizer === 'rmsprop') return tf.train.rmsprop(lr); // rho (decay) 0.9, as Keras
    if (c.optimizer === 'sgd') return c.momentum > 0 ? tf.train.momentum(lr, c.momentum) : tf.train.sgd(lr);
    throw new Error(`optimizer ${c.optimizer}: no TF.js optimizer`);
  }

  const LOSSES = { binary_crossentropy: 'binaryCrossentropy', mse: 'meanSquaredError', mae: 'meanAbsoluteError' };

  // ---- the causal self-attention model's layers (see the header) ----------------------------
  // Classes per tf object (this script may meet more than one: Node's and a bundle's).
  const selfAttentionLayers = new WeakMap();
  function tokenLayers(tf) {
    if (selfAttentionLayers.has(tf)) return selfAttentionLayers.get(tf);
    const uniform = (limit) => tf.initializers.randomUniform({ minval: -limit, maxval: limit });

    // Token and position embeddings, summed: ids (B, T) -> (B, T, C).
    class TokenAndPositionEmbedding extends tf.layers.Layer {
      constructor(args) {
        super(args);
        this.vocab = args.vocab;
        this.steps = args.steps;
        this.width = args.width;
      }
      build() {
        this.tokens = this.addWeight('token_embedding/embeddings', [this.vocab, this.width], 'float32', uniform(0.05));
        this.positions = this.addWeight('position_embedding/embeddings', [this.steps, this.width], 'float32', uniform(0.05));
        this.built = true;
      }
      computeOutputShape(s) {
        return [s[0], s[1], this.width];
      }
      call(inputs) {
        return tf.tidy(() => {
          let ids = Array.isArray(inputs) ? inputs[0] : inputs;
          if (ids.dtype !== 'int32') ids = tf.cast(ids, 'int32');
          const [B, T] = ids.shape, C = this.width, E = this.tokens.read();
          const tok = tf.getKernel('UnsortedSegmentSum', tf.getBackend())
            ? tf.gather(E, ids) // (B, T, C)
            // int32, then cast: the wasm backend's OneHot ignores dtype 'float32' (TF.js 4.22
            // writes int32 ones into the float32 tensor: 1.4e-45).
            : tf.reshape(tf.matMul(tf.cast(tf.oneHot(tf.reshape(ids, [B * T]), this.vocab), 'float32'), E), [B, T, C]);
          return tf.add(tok, this.positions.read()); // + P, broadcast over the batch
        });
      }
      getConfig() {
        return { ...super.getConfig(), vocab: this.vocab, steps: this.steps, width: this.width };
      }
      static get className() {
        return 'TokenAndPositionEmbedding';
      }
    }

    // y = x + MultiHeadAttention(x, x, use_causal_mask) without biases: (B, T, C) -> (B, T, C).
    class CausalSelfAttention extends tf.layers.Layer {
      constructor(args) {
        super(args);
        this.heads = args.heads;
      }
      build(s) {
        const C = s[s.length - 1], T = s[s.length - 2], H = this.heads, d = C / H;
        if (!Number.isInteger(d)) throw new Error(`${this.name}: ${C} features do not split into ${H} heads`);
        const glorot = uniform(Math.sqrt(6 / (C + C))); // the core's fans (C, C)
        this.wq = this.addWeight('query/kernel', [C, H, d], 'float32', glorot);
        this.wk = this.addWeight('key/kernel', [C, H, d], 'float32', glorot);
        this.wv = this.addWeight('value/kernel', [C, H, d], 'float32', glorot);
        this.wo = this.addWeight('attention_output/kernel', [H, d, C], 'float32', glorot);
        // Keras's masked softmax adds (1 - mask) * -1e9: row t (query) keeps keys s <= t.
        const bias = new Float32Array(T * T);
        for (let t = 0; t < T; t++) for (let k = t + 1; k < T; k++) bias[t * T + k] = -1e9;
        this.mask = tf.keep(tf.tensor2d(bias, [T, T]));
        this.built = true;
      }
      computeOutputShape(s) {
        return s;
      }
      call(inputs) {
        return tf.tidy(() => {
          const x = Array.isArray(inputs) ? inputs[0] : inputs;
          const [B, T, C] = x.shape, H = this.heads, d = C / H;
          const x2 = tf.reshape(x, [B * T, C]);
          // (B*T, C) x (C, H*d) -> (B, H, T, d); with one head the reshape alone.
          const split = (m) => (H === 1 ? tf.reshape(m, [B, 1, T, d]) : tf.transpose(tf.reshape(m, [B, T, H, d]), [0, 2, 1, 3]));
          const project = (w) => tf.matMul(x2, tf.reshape(w.read(), [C, C]));
          const q = split(tf.mul(project(this.wq), 1 / Math.sqrt(d))); // Keras scales the query
          const k = split(project(this.wk)), v = split(project(this.wv));
          const a = tf.softmax(tf.add(tf.matMul(q, k, false, true), this.mask)); // (B, H, T, T)
          let o = tf.matMul(a, v); // (B, H, T, d)
          o = H === 1 ? tf.reshape(o, [B * T, C]) : tf.reshape(tf.transpose(o, [0, 2, 1, 3]), [B * T, C]);
          return tf.add(x, tf.reshape(tf.matMul(o, tf.reshape(this.wo.read(), [C, C])), [B, T, C]));
        });
      }
      dispose() {
        const r = super.dispose();
        if (r.refCountAfterDispose === 0 && this.mask) {
          this.mask.dispose();
          this.mask = null;
        }
        return r;
      }
      getConfig() {
        return { ...super.getConfig(), heads: this.heads };
      }
      static get className() {
        return 'CausalSelfAttention';
      }
    }
    // A token embedding alone, Keras's Embedding(V, U) (weight "<name>/embeddings"), looked up by
    // tf.gather or oneHot x E as above: ids (B, T) -> (B, T, U).
    class TokenEmbedding extends tf.layers.Layer {
      constructor(args) {
        super(args);
        this.vocab = args.vocab;
        this.width = args.width;
      }
      build() {
        this.table = this.addWeight('embeddings', [this.vocab, this.width], 'float32', uniform(0.05));
        this.built = true;
      }
      computeOutputShape(s) {
        return [s[0], s[1], this.width];
      }
      call(inputs) {
        return tf.tidy(() => {
          let ids = Array.isArray(inputs) ? inputs[0] : inputs;
          if (ids.dtype !== 'int32') ids = tf.cast(ids, 'int32');
          const [B, T] = ids.shape, E = this.table.read();
          if (tf.getKernel('UnsortedSegmentSum', tf.getBackend())) return tf.gather(E, ids);
          return tf.reshape(tf.matMul(tf.cast(tf.oneHot(tf.reshape(ids, [B * T]), this.vocab), 'float32'), E), [B, T, this.width]);
        });
      }
      getConfig() {
        return { ...super.getConfig(), vocab: this.vocab, width: this.width };
      }
      static get className() {
        return 'TokenEmbedding';
      }
    }
    // The last step of a sequence, Keras's x[:, -1, :] (TF.js has no Lambda and no Cropping1D):
    // (B, T, U) -> (B, U).
    class LastStep extends tf.layers.Layer {
      computeOutputShape(s) {
        return [s[0], s[2]];
      }
      call(inputs) {
        return tf.tidy(() => {
          const x = Array.isArray(inputs) ? inputs[0] : inputs;
          const [B, T, U] = x.shape;
          return tf.reshape(tf.slice(x, [0, T - 1, 0], [B, 1, U]), [B, U]);
        });
      }
      static get className() {
        return 'LastStep';
      }
    }
    for (const k of [TokenAndPositionEmbedding, CausalSelfAttention, TokenEmbedding, LastStep]) tf.serialization.registerClass(k);
    const out = { TokenAndPositionEmbedding, CausalSelfAttention, TokenEmbedding, LastStep };
    selfAttentionLayers.set(tf, out);
    return out;
  }

  function buildSelfAttention(tf, name, c) {
    const { TokenAndPositionEmbedding, CausalSelfAttention } = tokenLayers(tf);
    const inputs = tf.input({ shape: [c.time_steps], dtype: 'int32', name: 'input' });
    let x = new TokenAndPositionEmbedding({ vocab: c.vocab_size, steps: c.time_steps, width: c.units, name: 'embedding' }).apply(inputs);
    for (let l = 0; l < c.layers; l++) {
      x = new CausalSelfAttention({ heads: c.heads, name: l === 0 ? 'self_attention' : `self_attention_${l}` }).apply(x);
    }
    if (c.dropout > 0) x = tf.layers.dropout({ rate: c.dropout, name: 'dropout' }).apply(x);
    const outputs = tf.layers.dense({ units: c.vocab_size, activation: 'softmax', name: 'output' }).apply(x);
    const model = tf.model({ inputs, outputs, name });
    if (c.loss !== 'sparse_categorical_crossentropy') throw new Error(`${name}: loss ${c.loss} with a token head: no TF.js model`);
    model.compile({ optimizer: optimizer(tf, c), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    return model;
  }

  // The seq2seq model (see the header). options.builtin: built-in layers only (the graph
  // wasm/export.mjs writes); else (the bench) two custom layers where they make TF.js faster or
  // able to train: the embeddings' TokenEmbedding where the backend has no gather gradient,
  // and LastStep for the encoder's last state h instead of returnState: TF.js 4.22's training
  // executor applies a layer once per output it needs, so with returnState the encoder runs
  // twice per batch (once for h_s, once for h), forward and backward.
  function buildSeq2Seq(tf, name, c, Tt, { builtin: builtinOnly = false } = {}) {
    const Ts = c.time_steps, U = c.units, V = c.vocab_size;
    const builtin = builtinOnly || !!tf.getKernel('UnsortedSegmentSum', tf.getBackend());
    const embed = (layerName) => (builtin
      ? tf.layers.embedding({ inputDim: V, outputDim: U, name: layerName,
        embeddingsInitializer: tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05 }) })
      : new (tokenLayers(tf).TokenEmbedding)({ vocab: V, width: U, name: layerName }));
    const cell = (layerName, returnState) => {
      const common = { units: U, returnSequences: true, returnState, recurrentActivation: 'sigmoid', name: layerName };
      if (c.cell === 'lstm') return tf.layers.lstm({ ...common, unitForgetBias: true });
      if (c.cell === 'gru' && !c.reset_after) return tf.layers.gru({ ...common, resetAfter: false });
      throw new Error(`${name}: cell ${c.cell}${c.cell === 'gru' ? ' with reset_after true' : ''}: no TF.js model`);
    };
    const source = tf.input({ shape: [Ts], dtype: 'int32', name: 'source' });
    const target = tf.input({ shape: [Tt], dtype: 'int32', name: 'decoder_input' });
    const encoded = embed('encoder_embedding').apply(source);
    const [hs, h] = builtinOnly ? cell('encoder', true).apply(encoded)
      : ((seq) => [seq, new (tokenLayers(tf).LastStep)({ name: 'encoder_last' }).apply(seq)])(cell('encoder', false).apply(encoded));
    // TF.js 4.22's training executor (trainOnBatch, fit) passes one kwargs object to every
    // layer, and an RNN given an initial state writes it into that object: the next RNN call
    // (the next batch's decoder) then throws "When inputs is an array, neither initialState or
    // constants should be provided". The decoder gets its own copy of kwargs each call.
    const decoder = cell('decoder', false);
    const apply = decoder.apply.bind(decoder);
    decoder.apply = (inputs, kwargs) => apply(inputs, kwargs == null ? kwargs : { ...kwargs });
    const ht = decoder.apply(embed('decoder_embedding').apply(target), { initialState: c.cell === 'lstm' ? [h, h] : [h] });
    const dense = (units, layerName, activation) => tf.layers.dense({ units, useBias: false, name: layerName, activation });
    let score;
    if (c.score === 'dot' || c.score === 'luong') {
      const keys = c.score === 'luong' ? dense(U, 'luong_w').apply(hs) : hs; // (Ts, U)
      score = tf.layers.dot({ axes: [2, 2], name: 'attention_score' }).apply([ht, keys]); // (Tt, Ts)
    } else if (c.score === 'bahdanau') {
      const w1 = dense(U, 'bahdanau_w1').apply(ht); // (Tt, U)
      const w2 = dense(U, 'bahdanau_w2').apply(hs); // (Ts, U)
      let a = tf.layers.flatten({ name: 'bahdanau_flatten_w1' }).apply(w1); // (Tt*U)
      a = tf.layers.repeatVector({ n: Ts, name: 'bahdanau_repeat_w1' }).apply(a); // (Ts, Tt*U)
      a = tf.layers.reshape({ targetShape: [Ts, Tt, U], name: 'bahdanau_reshape_w1' }).apply(a);
      a = tf.layers.permute({ dims: [2, 1, 3], name: 'bahdanau_permute_w1' }).apply(a); // (Tt, Ts, U)
      let b = tf.layers.flatten({ name: 'bahdanau_flatten_w2' }).apply(w2); // (Ts*U)
      b = tf.layers.repeatVector({ n: Tt, name: 'bahdanau_repeat_w2' }).apply(b); // (Tt, Ts*U)
      b = tf.layers.reshape({ targetShape: [Tt, Ts, U], name: 'bahdanau_reshape_w2' }).apply(b);
      const sum = tf.layers.add({ name: 'bahdanau_add' }).apply([a, b]);
      const e = tf.layers.activation({ activation: 'tanh', name: 'bahdanau_tanh' }).apply(sum);
      const v = dense(1, 'bahdanau_v').apply(e); // (Tt, Ts, 1)
      score = tf.layers.reshape({ targetShape: [Tt, Ts], name: 'attention_score' }).apply(v);
    } else throw new Error(`${name}: score ${c.score}: no TF.js model`);
    const alpha = tf.layers.activation({ activation: 'softmax', name: 'attention_weight' }).apply(score); // over Ts
    const context = tf.layers.dot({ axes: [2, 1], name: 'context_vector' }).apply([alpha, hs]); // (Tt, U)
    const both = tf.layers.concatenate({ name: 'attention_output' }).apply([context, ht]);
    let x = dense(c.attention_units, 'attention_vector', 'tanh').apply(both);
    if (c.dropout > 0) x = tf.layers.dropout({ rate: c.dropout, name: 'dropout' }).apply(x);
    const outputs = tf.layers.dense({ units: V, activation: 'softmax', name: 'output' }).apply(x);
    const model = tf.model({ inputs: [source, target], outputs, name });
    if (c.loss !== 'sparse_categorical_crossentropy') throw new Error(`${name}: loss ${c.loss} with a translation head: no TF.js model`);
    model.compile({ optimizer: optimizer(tf, c), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    return model;
  }

  function buildTfjsModel(tf, { name, config: c, head, target_steps: Tt }, options = {}) {
    const builtinOnly = !!options.builtin;
    if (c.attention === 'self_attention') return buildSelfAttention(tf, name, c);
    if (c.attention === 'seq2seq') {
      if (!(Tt > 0)) throw new Error(`${name}: a seq2seq model needs the entry's target_steps`);
      return buildSeq2Seq(tf, name, c, Tt, options);
    }
    let inputs, x;
    if (c.cell === 'none') {
      inputs = tf.input({ shape: [c.input_dim], name: 'input' });
      x = inputs;
      if (c.attention === 'block') {
        const probs = tf.layers.dense({ units: c.input_dim, activation: 'softmax', name: 'attention_probs' }).apply(x);
        x = tf.layers.multiply({ name: 'attention_mul' }).apply([x, probs]);
      } else if (c.attention !== 'none') throw new Error(`${name}: attention ${c.attention} on vectors: no TF.js model`);
      x = tf.layers.dense({ units: c.units, name: 'dense' }).apply(x);
    } else {
      inputs = tf.input({ shape: [c.time_steps, c.input_dim], name: 'input' });
      if (c.attention === 'block' && c.placement === 'after') {
        const seq = recurrentLayer(tf, c, true).apply(inputs);
        x = tf.layers.flatten({ name: 'flatten' }).apply(attention3d(tf, c, seq, c.units));
      } else if (c.attention === 'block') {
        x = recurrentLayer(tf, c, false).apply(attention3d(tf, c, inputs, c.input_dim));
      } else if (c.attention === 'many_to_one') {
        // h_t: with options.builtin the RNN's second output (returnState; [h_s, h_t(, c_t)]);
        // else LastStep of h_s, so that the training executor runs the RNN once (see the header).
        const [hs, ht] = builtinOnly ? recurrentLayer(tf, c, true, true).apply(inputs)
          : ((seq) => [seq, new (tokenLayers(tf).LastStep)({ name: 'last_step' }).apply(seq)])(recurrentLayer(tf, c, true).apply(inputs));
        x = manyToOne(tf, c, hs, ht);
      } else if (c.attention === 'none') {
        x = recurrentLayer(tf, c, false).apply(inputs);
      } else throw new Error(`${name}: attention ${c.attention}: no TF.js model`);
    }
    if (c.dropout > 0) x = tf.layers.dropout({ rate: c.dropout, name: 'dropout' }).apply(x);
    const outputs = tf.layers.dense({ units: 1, activation: head === 'sigmoid' ? 'sigmoid' : 'linear', name: 'output' }).apply(x);
    const model = tf.model({ inputs, outputs, name });
    if (!LOSSES[c.loss]) throw new Error(`${name}: loss ${c.loss}: no TF.js loss`);
    model.compile({ optimizer: optimizer(tf, c), loss: LOSSES[c.loss], metrics: [head === 'sigmoid' ? 'accuracy' : 'mae'] });
    return model;
  }

  globalThis.buildTfjsModel = buildTfjsModel;
})();
