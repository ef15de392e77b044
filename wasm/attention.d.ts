// Types for attention.mjs, the WebAssembly build of the training core.
//
//   import createAttentionModule from './attention.mjs';
//   const M = await createAttentionModule();          // Node: pass { wasmBinary }
//   const t = new M.Trainer({ preset: 'dense', epochs: 5, seed: 7 });
//   const m = t.train(5);                             // { epoch, loss, val_accuracy, ... }
//   const { data, shape } = t.getAttention();         // Float32Array, [32]
//   t.delete();                                       // free the C++ object (no GC)
//
// Every array returned is a fresh copy owned by JS: it stays valid after later calls and
// memory growth. Every method throws a JS Error whose message starts with the offending
// field ("learning_rate: must be a finite number > 0 (got NaN)"); the module and the
// trainer stay usable after an error.

export type Preset = 'dense' | 'lstm_after' | 'lstm_before' | 'gru_after' | 'gru_before';

/** A run's whole configuration. Omitted fields take the preset's (the seed's) defaults. */
export interface Config {
  preset: Preset;
  /** N samples drawn from the data generator (dense 10000, recurrent 300000). */
  samples: number;
  epochs: number;
  batch_size: number;
  learning_rate: number;
  optimizer: 'adam' | 'sgd' | 'rmsprop';
  /** SGD only. */
  momentum: number;
  loss: 'binary_crossentropy' | 'mse' | 'mae';
  /** The last fraction of the samples is held out for validation, as Keras does. */
  validation_split: number;
  input_dim: number;
  /** Recurrent presets only. */
  time_steps: number;
  /** The input position (dense) or time step (recurrent) that carries the target. */
  attention_column: number;
  /** Dense(units) for dense; LSTM/GRU units otherwise. */
  units: number;
  /** Recurrent presets: one attention vector shared by all dimensions. */
  single_attention_vector: boolean;
  /** Rate of a Dropout before the output layer (0: none). */
  dropout: number;
  /** Held-out samples the attention is averaged over. */
  test_samples: number;
  /** Fixes data, initial weights, shuffling and dropout. 0 .. 2^32-1. */
  seed: number;
}

export type Status = 'ready' | 'training' | 'done' | 'diverged';

export interface Metrics {
  /** Completed epochs. */
  epoch: number;
  /** Batches trained in total. */
  step: number;
  /** Loss of the last batch trained. */
  batch_loss: number;
  /** Mean loss and accuracy over the last 20 batches (fewer at the start): a smooth curve. */
  recent_loss: number;
  recent_accuracy: number;
  /** Mean over the current epoch so far (or the last one, at its end). */
  loss: number;
  accuracy: number;
  /** Last validation result; NaN before the first epoch ends or without validation. */
  val_loss: number;
  val_accuracy: number;
  /** Training throughput over the last step()/train() call. */
  samples_per_second: number;
  status: Status;
  /** Why training stopped (done or diverged), else empty. */
  message: string;
}

/** A row-major array in Keras's order and shape, e.g. [n, time_steps, input_dim]. */
export interface Tensor {
  data: Float32Array;
  shape: number[];
}

export interface TensorInput {
  data: Float32Array | Float64Array | number[];
  shape: number[];
}

export interface History {
  loss: Float32Array;
  accuracy: Float32Array;
  val_loss: Float32Array;
  val_accuracy: Float32Array;
}

export interface SummaryRow {
  name: string;
  kind: string;
  output_shape: string;
  params: number;
}

export interface Weight {
  name: string;
  /** Keras's shape, e.g. [2, 128] for an LSTM kernel. */
  shape: number[];
  data: Float32Array;
}

export declare class Trainer {
  /** Validates the config, draws the data and initialises the weights. */
  constructor(config?: Partial<Config>);
  /** Train this many batches (stops at the end of the last configured epoch). */
  step(batches: number): Metrics;
  /** Train until this many more epochs have ended. */
  train(epochs: number): Metrics;
  metrics(): Metrics;
  /**
   * The attention averaged over the held-out test batch, in inference mode:
   * dense [input_dim]; recurrent [time_steps, features], or [time_steps] with
   * single_attention_vector.
   */
  getAttention(): Tensor;
  /** Output of a named layer (see summary()) for the held-out batch or for `inputs`. */
  getActivations(layer: string, inputs?: TensorInput): Tensor;
  /** Sigmoid outputs [n, 1]. */
  predict(inputs: TensorInput): Tensor;
  /** The held-out test batch, [n, input_dim] or [n, time_steps, input_dim]. */
  testInputs(): Tensor;
  /** One entry per completed epoch. */
  getHistory(): History;
  summary(): SummaryRow[];
  /** All weights in Keras's order and shapes. */
  getWeights(): Weight[];
  /** Replace all weights; shapes must match getWeights(). Nothing changes on error. */
  setWeights(weights: TensorInput[]): void;
  /** The same run again from the start (same seed: exactly the same numbers), or a new seed. */
  reset(seed?: number): void;
  /** The full effective configuration. */
  config(): Config;
  parameterCount(): number;
  /** Free the C++ object. Required: there is no garbage collection for it. */
  delete(): void;
}

export interface AttentionModule {
  Trainer: typeof Trainer;
  /** The seed's defaults for a preset. */
  defaults(preset: Preset): Config;
  presets(): Preset[];
  /** Every config field with its type and a help line. */
  configFields(): { name: keyof Config; type: 'integer' | 'number' | 'string' | 'boolean' | 'seed'; help: string }[];
  /** Bytes currently allocated on the wasm heap (for leak checks). */
  heapInUse(): number;
}

export default function createAttentionModule(options?: { wasmBinary?: ArrayBuffer | Uint8Array }): Promise<AttentionModule>;
