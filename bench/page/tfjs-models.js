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
//   many_to_one      Input(T, D) -> RNN(H, seq, state) -> Attention(U, luong | bahdanau)
//                    -> [Dropout] -> Dense(1, head)
//
// Layers carry the core's names (summary(), getWeights()), so weights move between the two
// by name: "lstm/kernel", "attention_probs/bias", "output/kernel", ... The single attention
// vector (Keras's Lambda mean over the features, "dim_reduction") is GlobalAveragePooling1D on
// the (features, time) probabilities: its mean over axis 1 is the mean over the features.
//
// The many-to-one Attention (Keras's later examples; core/many_to_one.hpp has our equations):
// h_t, the last hidden state, is the RNN's second output with returnState: true (the state h
// after the last step is the last step of the sequence output); TF.js has no Lambda for
// Keras's x[:, -1, :] and only a 2-D Cropping. Then, as Keras's layer:
//   Luong     score = Dot(axes [1, 2])([h_t, Dense(H, no bias)(h_s)])       (W h_s at every step)
//   Bahdanau  score = Flatten(Dense(1, no bias)(tanh(Add([RepeatVector(T)(Dense(H, no bias)(h_t)),
//                                                          Dense(H, no bias)(h_s)]))))
//   alpha = Activation(softmax)(score); context = Dot(axes [1, 1])([h_s, alpha]);
//   a_t = Dense(U, tanh, no bias)(Concatenate([context, h_t])).
// Parameters: the same as the core's (LSTM 4H(D + H + 1); Luong H*H + 2H*U; Bahdanau
// 2H*H + H + 2H*U). TF.js's GRU has no reset_after: it is always Keras's reset_after=False,
// the core's reset_after: false, with one bias set fewer than the core's default (the bench
// times the gru presets, reset_after true, against it).
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

  function buildTfjsModel(tf, { name, config: c, head }) {
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
        // [h_s, h_t(, c_t for an LSTM)]: returnState gives the last step's h as an output.
        const [hs, ht] = recurrentLayer(tf, c, true, true).apply(inputs);
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
