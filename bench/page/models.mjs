// The seed's five models at the seed's sizes, and the floating-point work of one training
// sample in each. Shared by bench/run.mjs (Node) and the Chromium workers.

export const PRESETS = ['dense', 'lstm_after', 'lstm_before', 'gru_after', 'gru_before'];
export const RECURRENT = (preset) => preset !== 'dense';
export const BATCH = 64;

// The seed's sizes.
export const SIZES = { input_dim_dense: 32, dense_units: 64, time_steps: 20, input_dim: 2, units: 32 };

/**
 * Multiply-adds of the matrix products in one sample's forward pass (elementwise work,
 * activations, softmax and the optimizer are not counted):
 * - dense: attention Dense(32 -> 32) + Dense(32 -> 64) + Dense(64 -> 1);
 * - recurrent: per time step, the gates' input and recurrent products G*H*(D + H) (G = 4 for
 *   LSTM, 3 for GRU); the attention's Dense(T -> T) applied to each of F features (F = H after
 *   the recurrent layer, D before it); the output Dense (T*H -> 1 after, H -> 1 before).
 * Training FLOPs per sample = 2 (multiply + add) x 3 (forward, and backward's two products
 * per forward product: the weight gradient and the input gradient) x these multiply-adds.
 */
export function macsPerSample(preset, s = SIZES) {
  if (preset === 'dense') {
    const F = s.input_dim_dense, U = s.dense_units;
    return F * F + F * U + U;
  }
  const T = s.time_steps, D = s.input_dim, H = s.units;
  const G = preset.startsWith('lstm') ? 4 : 3;
  const after = preset.endsWith('_after');
  const recurrent = T * G * H * (D + H);
  const attention = T * T * (after ? H : D);
  const output = after ? T * H : H;
  return recurrent + attention + output;
}

export const trainingFlopsPerSample = (preset) => 6 * macsPerSample(preset);
