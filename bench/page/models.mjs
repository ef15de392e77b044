// The benchmarked models, as the core's preset table describes them, and the floating-point
// work of one training sample in each. Shared by bench/run.mjs (Node) and the Chromium workers.
//
// The table comes from the module (M.presets(), M.tasks(): the core's own tables), so every
// preset in core/preset.cpp is benchmarked without a list here. The TF.js worker has no module:
// bench/run.mjs reads the table in Node and passes it in (entries of presetTable()).

/**
 * The preset table as the bench uses it: [{ name, config, head, overrides, target_steps }] in
 * the core's order, where config is the preset's full Config (wasm/attention.d.ts) with the
 * bench's overrides applied, head is its task's output ('sigmoid', 'linear', 'tokens': the
 * self-attention models, a softmax over the vocabulary at every step; or 'translation': the
 * seq2seq models), overrides are the Config fields the bench sets on both sides (ours: passed
 * to the Trainer with the preset's name) and target_steps a translation's output steps.
 *
 * The one override: a seq2seq GRU preset runs with reset_after false (Keras's
 * reset_after=False), because TF.js's GRU has only that variant (the same multiply-adds as
 * reset_after true; one bias set fewer). The many-to-one GRU presets keep reset_after true
 * against TF.js's reset_after false, as before.
 */
export function presetTable(M) {
  const heads = Object.fromEntries(M.tasks().map((t) => [t.name, t.head]));
  return M.presets().map((p) => {
    const head = heads[p.config.task];
    const overrides = isSeq2Seq(p.config) && p.config.cell === 'gru' ? { reset_after: false } : {};
    const config = { ...p.config, ...overrides };
    return { name: p.name, config, head, overrides, ...(isSeq2Seq(config) ? { target_steps: targetSteps(config) } : {}) };
  });
}

export const isSeq2Seq = (config) => config.attention === 'seq2seq';
/**
 * A translation task's output steps Tt (core/task.cpp's target_steps): the ISO date's 10
 * characters for "date", else the source's length (reverse, sort_digits).
 * tests/wasm/registry.test.mjs checks the FLOP count built on it against the core's.
 */
export const targetSteps = (config) => (config.task === 'date' ? 10 : config.time_steps);

export const isRecurrent = (config) => config.cell !== 'none';
export const isSelfAttention = (config) => config.attention === 'self_attention';
// The 2017 examples (the seed): trained and timed at batch 64 with Adam, binary cross-entropy.
export const isSeedModel = (config) => config.attention === 'block';

/**
 * Multiply-adds of the matrix products in one sample's forward pass, from a Config (any preset,
 * any sizes). Elementwise work, activations, softmax, dropout and the optimizer are not counted.
 * D = input_dim, T = time_steps, H = units, U = attention_units; G = 4 gates for an LSTM, 3
 * for a GRU.
 * - vectors (cell none): the attention's Dense(D -> D) (if any) + Dense(D -> H) + Dense(H -> 1);
 * - the recurrent layer: per time step, the gates' input and recurrent products G*H*(D + H);
 * - the 2017 attention block: Dense(T -> T) applied to each of F features (F = H after the
 *   recurrent layer, D before it); the output Dense (T*H -> 1 after, H -> 1 before);
 * - the many-to-one Attention (on the H-wide hidden states h_s, h_t = the last one):
 *   - Luong: W^T h_t once (H*H: the core computes q = W^T h_t and score_s = q . h_s, which is
 *     h_t . (W h_s); Keras's form, and the TF.js model's, computes W h_s at every step, T*H*H),
 *     then the scores T*H;
 *   - Bahdanau: W1 h_t once (H*H), W2 h_s at every step (T*H*H), v at every step (T*H);
 *   - both: the context sum_s alpha_s h_s (T*H) and Wc [context; h_t] (2H*U); the output
 *     Dense(U -> 1).
 * - none (no attention): the recurrent layer, then Dense(H -> 1).
 * - self_attention (C = units, T = time_steps, V = vocab_size): the embeddings are lookups (0);
 *   each of the `layers` attention layers 4*T*C*C (Wq, Wk, Wv, Wo at every step) + 2*T*T*C
 *   (the scores K^T Q and the values V A of every head, the masked half included, as the core
 *   computes them); the output Dense(C -> V) at every step, T*C*V. The core's own count
 *   (Trainer.footprint().flops_per_sample) is the same.
 * - seq2seq (Ts = time_steps, Tt = targetSteps(), U = units, A = attention_units, V =
 *   vocab_size): the embeddings are lookups (0); the encoder Ts*G*U*2U and the decoder
 *   Tt*G*U*2U (inputs U wide); the attention's scores Tt*Ts*U (+ luong: W^T h_t, Tt*U*U;
 *   bahdanau: W1 h_t and W2 h_s, (Tt + Ts)*U*U, then v . tanh(...) counted in the Tt*Ts*U),
 *   the context Tt*Ts*U, Wc [context; h_t] Tt*2U*A; the output Dense(A -> V) Tt*A*V. The same
 *   as the core's Model::macs() (tests/wasm/registry.test.mjs).
 * Training FLOPs per sample = 2 (multiply + add) x 3 (forward, and backward's two products
 * per forward product: the weight gradient and the input gradient; for the attention's
 * products of two activations, the gradients of both) x these multiply-adds.
 */
export function macsPerSample(c) {
  if (isSeq2Seq(c)) {
    const Ts = c.time_steps, Tt = targetSteps(c), U = c.units, A = c.attention_units, G = c.cell === 'lstm' ? 4 : 3;
    const score = Tt * Ts * U + (c.score === 'luong' ? Tt * U * U : c.score === 'bahdanau' ? (Tt + Ts) * U * U : 0);
    return (Ts + Tt) * G * U * 2 * U + score + Tt * Ts * U + Tt * 2 * U * A + Tt * A * c.vocab_size;
  }
  if (isSelfAttention(c)) {
    const C = c.units, T = c.time_steps;
    return c.layers * (4 * T * C * C + 2 * T * T * C) + T * C * c.vocab_size;
  }
  const D = c.input_dim, T = c.time_steps, H = c.units, U = c.attention_units;
  if (!isRecurrent(c)) return (c.attention === 'block' ? D * D : 0) + D * H + H;
  const G = c.cell === 'lstm' ? 4 : 3;
  const recurrent = T * G * H * (D + H);
  if (c.attention === 'block') {
    const after = c.placement === 'after';
    return recurrent + T * T * (after ? H : D) + (after ? T * H : H);
  }
  if (c.attention === 'many_to_one') {
    const score = c.score === 'luong' ? H * H + T * H : H * H + T * H * H + T * H;
    return recurrent + score + T * H + 2 * H * U + U;
  }
  return recurrent + H;
}

export const trainingFlopsPerSample = (config) => 6 * macsPerSample(config);

/**
 * Batches per timed run. The 2017 models keep the bench's protocol: 60 batches of 64 for the
 * recurrent ones, 400 for dense. A many-to-one or self-attention model takes as many batches
 * as make about the same work as 60 of lstm_after's (0.1-0.2 s natively), at least 10: per
 * sample a many-to-one model costs 1.2 to 10 times lstm_after, a self-attention model 0.9 to
 * 1.6 times. bench/bench_native.cpp uses the same rule.
 */
export function batchesPerRun(c) {
  if (!isRecurrent(c) && !isSelfAttention(c)) return 400;
  if (isSeedModel(c)) return 60;
  const lstmAfter = 60 * 64 * macsPerSample({ cell: 'lstm', attention: 'block', placement: 'after',
    input_dim: 2, time_steps: 20, units: 32 });
  return Math.max(10, Math.round(lstmAfter / (c.batch_size * macsPerSample(c))));
}
