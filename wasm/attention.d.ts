// Types for attention.mjs, the WebAssembly build of the training core.
//
//   import createAttentionModule from './attention.mjs';
//   const M = await createAttentionModule();          // Node: pass { wasmBinary } (attention_core.wasm)
//   const t = new M.Trainer({ preset: 'find_max', samples: 20000, epochs: 5, seed: 7 });
//   const m = t.train(5);                             // { epoch, loss, val_metric, val_hit_rate, ... }
//   const { data, shape } = t.getAttention();         // Float32Array, [10]
//   t.delete();                                       // free the C++ object (no GC)
//
// Every array returned is a fresh copy owned by JS: it stays valid after later calls and
// memory growth. Every argument is read and checked before the call reaches WebAssembly (a
// getter or valueOf in an argument runs before, never during, the call). Every method throws
// a JS Error whose message starts with the offending field or argument, and whose `field`
// property names it ("learning_rate: must be a finite number > 0 (got nan)",
// "inputs.data[17]: expected a finite number (got null)"); the module and the trainer stay
// usable after an error.

/** One head of a self_attention model: see Trainer.getHeadScores(). */
export interface HeadScores {
  /** 0 for the first attention layer (self_attention), 1 for self_attention_1, ... */
  layer: number;
  head: number;
  /** Mean attention mass on the ideal positions per output step (NaN without ground truth). */
  attention_on_target: number;
  /** Share of output steps whose attention peaks on an ideal position. */
  hit_rate: number;
}

/** A translation model's reading of one text: see Trainer.translate(). */
export interface Translation {
  /** The greedy decoding as characters (the start token, if predicted, as "\u00b7"). */
  text: string;
  /** Its token ids, one per output step. */
  tokens: number[];
  /** The text's token ids, padded to time_steps with 0 on the left where the task pads. */
  source: number[];
  /** [target steps, time_steps]: each output step's attention over the source positions. */
  attention: Tensor;
}

/** A named bundle of defaults from the core's table: see presets(). */
export type PresetName = 'dense' | 'lstm_after' | 'lstm_before' | 'gru_after' | 'gru_before' | 'find_max'
  | 'add_two_numbers' | 'attention_example' | 'previous_token' | 'induction_head' | 'sort_tokens' | 'reverse'
  | 'sort_digits' | 'date_conversion' | (string & {});

/**
 * The token tasks (previous_token, induction, sort) take token ids as inputs and predict a
 * token per step; the translation tasks (reverse, sort_digits, date) take a source's token ids
 * and predict a target sequence (seq2seq).
 */
export type TaskName = 'answer_in_vector' | 'answer_in_sequence' | 'find_max' | 'add_two_numbers' | 'noise'
  | 'previous_token' | 'induction' | 'sort' | 'reverse' | 'sort_digits' | 'date';

/**
 * A run's whole configuration. Omitted fields take the preset's defaults; `configFields()`
 * gives each field's label, help, type and limits, and `applicableFields(config)` which ones
 * a config uses (the others are checked but unused).
 */
export interface Config {
  preset: PresetName;
  /** The data, the model's head (sigmoid or linear), loss and metric: see tasks(). */
  task: TaskName;
  /** The recurrent layer; none for vector tasks. */
  cell: 'lstm' | 'gru' | 'none';
  /**
   * The GRU's variant, Keras's reset_after (GRU only; default true). true: the reset gate
   * scales the candidate's recurrent product, bias included (Keras's default; PyTorch's GRU);
   * bias [2, 3*units]. false: it scales the state before that product (Keras's
   * reset_after=False); bias [3*units]. TF.js's GRU is always false: only such a GRU exports
   * (exportTfjs()).
   */
  reset_after: boolean;
  /**
   * block: the 2017 attention block; many_to_one: the Luong/Bahdanau Attention layer;
   * self_attention: a causal attention-only transformer (the token tasks only, cell none);
   * seq2seq: an encoder-decoder of the cell with attention over the encoder's states at
   * every output step (the translation tasks only); none: a baseline.
   */
  attention: 'block' | 'many_to_one' | 'self_attention' | 'seq2seq' | 'none';
  /** The block before or after the recurrent layer. */
  placement: 'before' | 'after';
  /** The block on sequences: one attention vector shared by all features. */
  single_attention_vector: boolean;
  /** many_to_one, seq2seq: luong (multiplicative, h_t . W h_s) or bahdanau (additive); seq2seq also dot (h_t . h_s). */
  score: 'luong' | 'bahdanau' | 'dot';
  /** many_to_one: units of its output; seq2seq: of its attentional state per output step. */
  attention_units: number;
  /** self_attention: heads per layer (1 .. 64); they must divide units. */
  heads: number;
  /** self_attention: attention layers (1 .. 8). */
  layers: number;
  /**
   * The token tasks: token ids 0 .. vocab_size-1 (2 .. 4096; sort needs 3). The translation
   * tasks: the start (and padding) token 0 and vocab_size-1 characters of the task's alphabet
   * (reverse, sort_digits: 3 .. 37; date: exactly 35).
   */
  vocab_size: number;
  /** N samples drawn from the task's generator (1 .. 10,000,000). */
  samples: number;
  /** 1 .. 100,000. */
  epochs: number;
  /** 1 .. 4096, at most the training samples. */
  batch_size: number;
  learning_rate: number;
  optimizer: 'adam' | 'sgd' | 'rmsprop';
  /** SGD only, in [0, 1). */
  momentum: number;
  /** sparse_categorical_crossentropy: the token tasks' (and only theirs). */
  loss: 'binary_crossentropy' | 'mse' | 'mae' | 'sparse_categorical_crossentropy';
  /** The last fraction of the samples is held out for validation, as Keras does. In [0, 1). */
  validation_split: number;
  /** Features per sample or time step (1 .. 4096). */
  input_dim: number;
  /** Sequence tasks only (1 .. 1000). */
  time_steps: number;
  /** The 2017 tasks: the input position (vector) or time step (sequence) that carries the answer. */
  attention_column: number;
  /** The recurrent layer's units, without one the hidden Dense layer's; with self_attention the model's width (1 .. 4096). */
  units: number;
  /** Rate of a Dropout before the output layer (0: none), in [0, 1). */
  dropout: number;
  /** Held-out samples the attention is read on (1 .. 100,000). */
  test_samples: number;
  /** Fixes data, initial weights, shuffling and dropout. 0 .. 2^32-1. */
  seed: number;
}

export type Status = 'ready' | 'training' | 'done' | 'diverged';

/**
 * Loss, the task's metric (binary accuracy for 0/1 tasks, mean absolute error for value tasks)
 * and the attention metrics: attention_on_target, the mean attention mass on the ground-truth
 * positions, and hit_rate, the share of samples whose attention peaks on one of them (NaN for a
 * model without attention or data without ground truth).
 */
export interface Scores {
  loss: number;
  metric: number;
  attention_on_target: number;
  hit_rate: number;
}

/** loss, metric, attention_on_target, hit_rate: means over the current epoch so far (or the last one, at its end). */
export interface Metrics extends Scores {
  /** Completed epochs. */
  epoch: number;
  /** Batches trained in total. */
  step: number;
  /** Loss of the last batch trained. */
  batch_loss: number;
  /** Means over the last 20 batches (fewer at the start): smooth curves. */
  recent_loss: number;
  recent_metric: number;
  recent_attention_on_target: number;
  recent_hit_rate: number;
  /** The last validation; NaN before the first epoch ends or without validation. */
  val_loss: number;
  val_metric: number;
  val_attention_on_target: number;
  val_hit_rate: number;
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

/** An array argument: every value a finite number. */
export interface TensorInput {
  data: Float32Array | Float64Array | number[];
  shape: number[];
}

/** One entry per completed epoch. */
export interface History {
  loss: Float32Array;
  metric: Float32Array;
  attention_on_target: Float32Array;
  hit_rate: Float32Array;
  val_loss: Float32Array;
  val_metric: Float32Array;
  val_attention_on_target: Float32Array;
  val_hit_rate: Float32Array;
}

export interface AttentionMaps {
  /**
   * [n, positions], or [n, time_steps, features] for the block's per-feature attention, or
   * [n, heads, time_steps, time_steps] (head, query step, position) for self_attention's last layer.
   */
  attention: Tensor;
  /**
   * [n, positions]: 1 at the ground-truth positions; null for data without ground truth. For
   * the token tasks [n, time_steps, time_steps]: row t (the output step) is 1 at the positions
   * it should attend to; a row of zeros where the step has no ideal pattern.
   */
  mask: Tensor | null;
}

/**
 * What a config needs, computed before anything is allocated: bytes, and work. The work is in
 * floating-point operations (a multiply-add counts 2) from the layers' matrix products, an
 * estimate to turn into time at a rate of your own:
 *   minutes = run_flops / rate / 60   (rate: e.g. a measured samples_per_second * flops_per_sample)
 */
export interface Footprint {
  data: number;
  parameters: number;
  activations: number;
  total: number;
  /** A trainer is refused above this (1 GB). */
  limit: number;
  parameter_count: number;
  /** Training one sample: forward and backward, 6 x the forward pass's multiply-adds. */
  flops_per_sample: number;
  /** The whole run: every epoch's training samples and its validation (forward only). */
  run_flops: number;
  /** The largest single batch (a training batch, or the held-out batch's forward): no call is shorter. */
  batch_flops: number;
  /** Initialising the weights: the orthogonal initialiser of a recurrent kernel, cubic in units. */
  init_flops: number;
  /** Values the task's generator draws for the data (0 for your own data). */
  data_values: number;
  /** Building the trainer (drawing the data, initialising the weights) at the core's conservative rates. */
  setup_seconds: number;
  /** A trainer is refused when setup_seconds is above this (10 s), naming units or samples. */
  setup_limit: number;
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

/** One weight of a TF.js weights manifest: Keras's name ("lstm/kernel") and shape. */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32';
}

/**
 * A model in TensorFlow.js's LayersModel format: TF.js's ModelArtifacts, so
 * `tf.loadLayersModel(tf.io.fromMemory(artifacts))` loads it. modelTopology is Keras's
 * functional-model JSON (class_name 'Model'), built from TF.js's built-in layers only and named
 * as summary() names the layers; weightSpecs name the weights as getWeights() does;
 * weightData holds their float32 values, in weightSpecs' order.
 */
export interface TfjsArtifacts {
  modelTopology: { class_name: string; config: object; keras_version: string; backend: string };
  weightSpecs: WeightSpec[];
  weightData: ArrayBuffer;
  format: 'layers-model';
  generatedBy: string;
  convertedBy: null;
}

/**
 * What importTfjs() reads: TF.js's ModelArtifacts (from exportTfjs(), or from a TF.js model's
 * save(tf.io.withSaveHandler(...))), or a parsed model.json (weightsManifest instead of
 * weightSpecs; Keras's model_config wrapping, as tensorflowjs_converter writes it, is fine) with
 * the contents of its weight files, in the manifest's order, as weightData.
 */
export interface TfjsArtifactsInput {
  modelTopology: object | string;
  weightSpecs?: WeightSpec[];
  weightsManifest?: { paths: string[]; weights: WeightSpec[] }[];
  weightData: ArrayBuffer | ArrayBufferView | (ArrayBuffer | ArrayBufferView)[];
}

/** The model.json file of a LayersModel, as tf.io.browserDownloads writes it beside its weights file. */
export interface TfjsModelJson {
  modelTopology: TfjsArtifacts['modelTopology'];
  format: 'layers-model';
  generatedBy: string;
  convertedBy: string | null;
  weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
}

export declare class Trainer {
  /**
   * Validates the config, checks its memory and the time it takes to build (see estimate()),
   * draws the data and initialises the weights.
   */
  constructor(config?: Partial<Config>);
  /** Train this many batches (stops at the end of the last configured epoch). */
  step(batches: number): Metrics;
  /** Train until this many more epochs have ended. */
  train(epochs: number): Metrics;
  metrics(): Metrics;
  /** Scores on the validation samples now (NaN without validation); changes nothing, so it can run more often than once per epoch. */
  validate(): Scores;
  /**
   * The attention averaged over the held-out test batch, in inference mode: [input_dim] on
   * vectors; [time_steps, features], or [time_steps] with single_attention_vector, for the
   * block; [time_steps] for many_to_one; [heads, time_steps, time_steps] (head, query step,
   * position; 0 after the query step) for self_attention's last layer, whose every layer's
   * attention is also getActivations('self_attention_scores'), ('self_attention_1_scores'), ...
   * as [n, heads * time_steps, time_steps]; [target steps, time_steps] (output step, source
   * position) for seq2seq, in greedy decoding. Throws (field "attention") for a model without attention.
   */
  getAttention(): Tensor;
  /** The first n held-out samples' attention beside their ground truth, in inference mode. */
  getAttentionMaps(n: number): AttentionMaps;
  /**
   * A self_attention model's every head, layer by layer: its attention metrics on the held-out
   * samples now, in inference mode (the live per-head score). Empty for the other models.
   */
  getHeadScores(): HeadScores[];
  /**
   * A translation (seq2seq) model: the share of held-out samples whose greedy decoding is right
   * at every output step, now (NaN for the other models). Its held-out and validation scores
   * are those of greedy decoding; a training batch's, of teacher forcing.
   */
  sequenceAccuracy(): number;
  /**
   * A translation model's greedy decoding of `text`, characters of its task's alphabet
   * (exactly time_steps of them, or 1 .. time_steps for a task that pads), with its attention
   * [target steps, time_steps]. Throws (field "text", or "text[i]" naming a character) for
   * text it cannot read, and for a model that does not translate.
   */
  translate(text: string): Translation;
  /** Output of a named layer (see summary(); also attention_weight and context_vector) for the held-out batch or `inputs`. */
  getActivations(layer: string, inputs?: TensorInput): Tensor;
  /** The head's outputs [n, 1]: sigmoid for 0/1 tasks, linear for value tasks; [n, time_steps, vocab_size] softmax per step for the token tasks (inputs: token ids, integers); [n, target steps, vocab_size] for the translation tasks, decoded greedily (inputs [n, time_steps, 1]: the sources' token ids). */
  predict(inputs: TensorInput): Tensor;
  /** The held-out test batch, [n, input_dim] or [n, time_steps, input_dim] (translation: the sources, [n, time_steps, 1]). */
  testInputs(): Tensor;
  /** Its targets, [n, 1]; [n, time_steps] (token ids) for the token tasks; [n, target steps] for the translation tasks. */
  testTargets(): Tensor;
  /**
   * Your own data: x [n, input_dim] or [n, time_steps, input_dim], y [n] or [n, 1] (0 or 1 for
   * 0/1 tasks), mask [n, positions] of 0/1 (where the attention should be; optional). The run
   * trains and validates on them from now on (the config's validation_split applies; the
   * first held-out samples become the test batch); its epochs start again, the weights and
   * the optimizer's state are kept.
   */
  setData(x: TensorInput, y: TensorInput, mask?: TensorInput | null): void;
  /** Keras's fit: setData, then `epochs` epochs (default: the config's). Returns the history. */
  fit(x: TensorInput, y: TensorInput, options?: { epochs?: number; mask?: TensorInput | null }): History;
  /** One optimizer step on exactly these samples; returns their scores before the step. */
  trainOnBatch(x: TensorInput, y: TensorInput, mask?: TensorInput | null): Scores;
  /** Scores on these samples, in inference mode. */
  evaluate(x: TensorInput, y: TensorInput, mask?: TensorInput | null): Scores;
  getHistory(): History;
  summary(): SummaryRow[];
  /** All weights in Keras's order and shapes. */
  getWeights(): Weight[];
  /** Replace all weights; shapes must match getWeights(). Nothing changes on error. */
  setWeights(weights: TensorInput[]): void;
  /**
   * The model and its current weights in TF.js's LayersModel format (see TfjsArtifacts):
   * `tf.loadLayersModel(tf.io.fromMemory(t.exportTfjs()))` predicts what predict() does (within
   * 1e-5), and getLayer('attention_vec' | 'attention_probs' | 'attention_weight') gives the
   * attention. Write model.json with tfjsModelJson() and model.weights.bin from weightData;
   * `tensorflowjs_converter --input_format=tfjs_layers_model --output_format=keras` turns them
   * into a Keras .h5. A seq2seq model exports as its teacher-forced graph with two inputs
   * (source ids [n, time_steps], decoder inputs [n, target steps]: 0, then the target shifted;
   * to match predict(), the decoder inputs of greedy decoding). Throws (field "reset_after")
   * for a GRU with reset_after true, which TF.js cannot load, and (field "attention") for a
   * self_attention model: see tfjsExportProblem().
   */
  exportTfjs(): TfjsArtifacts;
  /** Why exportTfjs() would refuse this model: { field, message } (the message starts with the field), or null. */
  tfjsExportProblem(): { field: string; message: string } | null;
  /**
   * Replace the weights with a LayersModel's (see TfjsArtifactsInput) of this trainer's
   * architecture: ours, or one built in TF.js or converted from Keras with the layers and
   * weights named as summary() and getWeights() name them. Every weight must match by name
   * (Keras 2's "lstm/lstm_cell/kernel" counts as "lstm/kernel") and shape, and the layers
   * holding them must compute the same (class, activation, recurrent_activation, reset_after,
   * return_sequences). A mismatch throws an Error (field "artifacts", and `layer`, `weight`
   * where one is at fault) naming the layer or weight and both shapes or values; nothing
   * changes then. Training and reading the attention go on from the new weights.
   */
  importTfjs(artifacts: TfjsArtifactsInput): void;
  /** The same run again from the start (same seed: exactly the same numbers), or a new seed. */
  reset(seed?: number): void;
  /** The full effective configuration. */
  config(): Config;
  /**
   * The whole run as bytes: the config, your data if you gave it, the weights, the optimizer's
   * state, every random stream's position, the epoch in progress, the metrics and the history.
   * M.loadRun(bytes) continues it exactly: the same losses, bit for bit.
   */
  saveRun(): Uint8Array;
  /** The bytes this trainer was checked for. */
  footprint(): Footprint;
  parameterCount(): number;
  /** Batches per epoch: the training samples (the last validation_split held out, as Keras does) over the batch size, rounded up. */
  stepsPerEpoch(): number;
  /** Whether delete() has been called (every other method then throws). */
  isDeleted(): boolean;
  /** Free the C++ object. Required: there is no garbage collection for it. */
  delete(): void;
}

export interface Preset {
  name: PresetName;
  label: string;
  description: string;
  /** What its attention is: the named output, its shape and axes. */
  attention: string;
  config: Config;
}

export interface Task {
  name: TaskName;
  label: string;
  description: string;
  /** What its target is, in words. */
  answer: string;
  /** Inputs are sequences [time_steps, input_dim], else vectors [input_dim]. */
  sequence: boolean;
  head: 'sigmoid' | 'linear' | 'tokens' | 'translation';
  /** The default loss. */
  loss: string;
  metric: 'accuracy' | 'mae';
  /** Translation tasks: token id i+1 is alphabet[i] (id 0 starts and pads); null for the others. */
  alphabet: string | null;
  /** Translation tasks: > 0 when vocab_size must equal it (the task's own alphabet), else 0. */
  fixed_vocab: number;
  /** Translation tasks: sources may be shorter than time_steps, padded with 0 on the left. */
  padded: boolean;
  /** Whether its data says where the attention should be. */
  ground_truth: boolean;
  /** Whether the answer sits at the fixed position attention_column (the 2017 tasks). */
  answer_position: boolean;
  /** The features per step the task's data has (input_dim must equal it), or 0: any. */
  fixed_input_dim: number;
  /** The shortest sequence the task's generator fills. */
  min_time_steps: number;
}

export interface ConfigField {
  name: keyof Config;
  /** What people read: "Learning rate". */
  label: string;
  help: string;
  type: 'integer' | 'number' | 'string' | 'boolean' | 'seed';
  /** Numbers: the accepted range; an exclusive end is open. */
  min?: number;
  max?: number;
  min_exclusive?: boolean;
  max_exclusive?: boolean;
  /** Strings with a fixed set of values. */
  choices?: string[];
}

export interface AttentionModule {
  Trainer: typeof Trainer;
  /** A saved run (Trainer.saveRun()), continued where it stopped. A damaged file, or one of another format, throws (field "run") and builds nothing. */
  loadRun(bytes: Uint8Array | ArrayBuffer): Trainer;
  /** A preset's defaults. */
  defaults(preset: PresetName): Config;
  /** The core's preset table. */
  presets(): Preset[];
  /** The core's task table. */
  tasks(): Task[];
  /** Every config field with its label, type, limits and a help line. */
  configFields(): ConfigField[];
  /** The model.json for exportTfjs()'s artifacts, whose weights go in `weightsFile` (default model.weights.bin) beside it. */
  tfjsModelJson(artifacts: TfjsArtifacts, weightsFile?: string): TfjsModelJson;
  /** The names of the fields a config uses (the others are checked but unused). */
  applicableFields(config: Partial<Config>): (keyof Config)[];
  /** What a trainer for this config would need, before building it (throws for an invalid config). */
  estimate(config: Partial<Config>): Footprint;
  /**
   * Facts the core owns: the batches the recent_ metrics average over, the memory limit in
   * bytes, the limit on building a trainer in seconds and the conservative rates that price it.
   */
  constants(): {
    recent_window: number; memory_limit: number; setup_limit_seconds: number;
    init_flops_per_second: number; data_values_per_second: number;
  };
  /** Bytes currently allocated on the wasm heap (for leak checks). */
  heapInUse(): number;
  /**
   * Bytes of the module's WebAssembly memory (its buffer's byteLength): what this module costs
   * the tab. It grows with the largest run so far and never shrinks; heapInUse() is the part
   * malloc has handed out.
   */
  memoryBytes(): number;
}

export default function createAttentionModule(options?: { wasmBinary?: ArrayBuffer | Uint8Array }): Promise<AttentionModule>;
