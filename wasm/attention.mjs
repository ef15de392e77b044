// The module users import (attention.mjs): the Embind build of the core (attention_core.mjs)
// behind a thin layer that reads and checks every argument into plain values (numbers,
// strings, fresh Float32Arrays) BEFORE calling into WebAssembly. A getter, a valueOf or a
// Proxy in an argument therefore runs while no C++ state is in use: it cannot free a trainer
// mid-call or grow the memory under a copy. Bad arguments are Errors naming the argument and
// the index (`inputs.data[17]: expected a finite number (got null)`), with error.field set.
// wasm/attention.d.ts documents the API; wasm/export.mjs holds the TF.js export and import.
import createCore from './attention_core.mjs';
import { readTfjsArtifacts, tfjsArtifacts, tfjsExportProblem, tfjsModelJson, tfjsWeightsFor } from './export.mjs';

const SHOWN = 40; // characters of a bad value echoed in a message

function describe(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `'${v.length > SHOWN ? `${v.slice(0, SHOWN)}...` : v}'`.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return typeof v;
}

function fail(field, message) {
  const e = new Error(`${field}: ${message}`);
  e.field = field;
  throw e;
}

function arity(call, args, min, max = min) {
  if (args.length >= min && args.length <= max) return;
  const want = min === max ? `${min} argument${min === 1 ? '' : 's'}` : `${min} to ${max} arguments`;
  fail(call.slice(0, call.indexOf('(')), `${call} takes ${want} (got ${args.length})`);
}

function integer(field, v) {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
    fail(field, `expected a non-negative integer (got ${describe(v)})`);
  return v;
}

// {data, shape} -> { data: a fresh Float32Array, shape: number[] }, every value checked.
function tensor(field, v) {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(field, `expected {data, shape} (got ${describe(v)})`);
  const { data, shape } = v; // each read once
  if (!Array.isArray(shape)) fail(`${field}.shape`, `expected an array of integers (got ${describe(shape)})`);
  const dims = [];
  for (let i = 0; i < shape.length; i++) dims.push(integer(`${field}.shape[${i}]`, shape[i]));
  let out;
  if (data instanceof Float32Array || data instanceof Float64Array) {
    out = new Float32Array(data);
  } else if (Array.isArray(data)) {
    out = new Float32Array(data.length);
    for (let i = 0; i < out.length; i++) {
      const x = data[i];
      if (typeof x !== 'number') fail(`${field}.data[${i}]`, `expected a finite number (got ${describe(x)})`);
      out[i] = x;
    }
  } else {
    fail(`${field}.data`, `expected an array of numbers, a Float32Array or a Float64Array (got ${describe(data)})`);
  }
  for (let i = 0; i < out.length; i++)
    if (!Number.isFinite(out[i])) {
      const given = Array.isArray(data) || data instanceof Float64Array ? data[i] : out[i];
      fail(`${field}.data[${i}]`, `expected a finite number (got ${given}${Number.isFinite(given) ? ', beyond float32' : ''})`);
    }
  return { data: out, shape: dims };
}

const optionalTensor = (field, v) => (v === undefined || v === null ? null : tensor(field, v));

// A config object -> a plain object of its own primitive values (the core checks each field).
function plainConfig(config) {
  if (config === undefined || config === null) return {};
  if (typeof config !== 'object' || Array.isArray(config)) fail('config', `expected an object (got ${describe(config)})`);
  const out = {};
  for (const key of Object.keys(config)) {
    const v = config[key];
    const type = typeof v;
    if (type !== 'number' && type !== 'string' && type !== 'boolean' && v !== undefined) {
      const what = `expected a number, a string or true/false (got ${describe(v)})`;
      // The key is the field the message starts with; an empty one cannot be (the core does the same).
      if (key === '') fail('config', `field '': ${what}`);
      fail(describe(key).slice(1, -1), what);
    }
    out[key] = v;
  }
  return out;
}

// Lets loadRun hand a core trainer to the class; users cannot reach it.
const FROM_CORE = Symbol('from core');

// Bytes of a saved run: a Uint8Array or an ArrayBuffer, copied.
function runBytes(v) {
  if (v instanceof Uint8Array) return new Uint8Array(v);
  if (v instanceof ArrayBuffer) return new Uint8Array(v.slice(0));
  return fail('run', `expected the bytes of a saved run, a Uint8Array or an ArrayBuffer (got ${describe(v)})`);
}

function wrap(core) {
  const heads = new Map(core.tasks().map((t) => [t.name, t.head]));

  class Trainer {
    #t;

    constructor(config, handle) {
      if (config === FROM_CORE) {
        this.#t = handle;
        return;
      }
      const plain = plainConfig(config);
      this.#t = new core.Trainer(plain);
    }

    // The core trainer, once every argument has been read.
    #live(method) {
      if (!this.#t) fail(method, 'this trainer has been deleted');
      return this.#t;
    }

    step(batches) {
      arity('step(batches)', arguments, 1);
      const n = integer('batches', batches);
      return this.#live('step').step(n);
    }
    train(epochs) {
      arity('train(epochs)', arguments, 1);
      const n = integer('epochs', epochs);
      return this.#live('train').train(n);
    }
    metrics() {
      arity('metrics()', arguments, 0);
      return this.#live('metrics').metrics();
    }
    validate() {
      arity('validate()', arguments, 0);
      return this.#live('validate').validate();
    }
    getAttention() {
      arity('getAttention()', arguments, 0);
      return this.#live('getAttention').getAttention();
    }
    getAttentionMaps(n) {
      arity('getAttentionMaps(n)', arguments, 1);
      const count = integer('n', n);
      return this.#live('getAttentionMaps').getAttentionMaps(count);
    }
    getHeadScores() {
      arity('getHeadScores()', arguments, 0);
      return this.#live('getHeadScores').getHeadScores();
    }
    sequenceAccuracy() {
      arity('sequenceAccuracy()', arguments, 0);
      return this.#live('sequenceAccuracy').sequenceAccuracy();
    }
    translate(text) {
      arity('translate(text)', arguments, 1);
      if (typeof text !== 'string') fail('text', `expected a string (got ${describe(text)})`);
      if (text.length > 10000) fail('text', `expected at most 10000 characters (got ${text.length})`);
      for (let i = 0; i < text.length; ++i)  // the core counts bytes: name a non-ASCII character here
        if (text.charCodeAt(i) > 126 || text.charCodeAt(i) < 32)
          fail(`text[${i}]`, `'${text[i]}' is not one of the task's characters (printable ASCII)`);
      return this.#live('translate').translate(text);
    }
    getActivations(layer, inputs) {
      arity('getActivations(layer, inputs?)', arguments, 1, 2);
      if (typeof layer !== 'string') fail('layer', `expected a layer name (got ${describe(layer)})`);
      const x = optionalTensor('inputs', inputs);
      const t = this.#live('getActivations');
      return x ? t.getActivations(layer, x) : t.getActivations(layer);
    }
    predict(inputs) {
      arity('predict(inputs)', arguments, 1);
      const x = tensor('inputs', inputs);
      return this.#live('predict').predict(x);
    }
    testInputs() {
      arity('testInputs()', arguments, 0);
      return this.#live('testInputs').testInputs();
    }
    testTargets() {
      arity('testTargets()', arguments, 0);
      return this.#live('testTargets').testTargets();
    }
    setData(x, y, mask) {
      arity('setData(x, y, mask?)', arguments, 2, 3);
      const args = [tensor('x', x), tensor('y', y), optionalTensor('mask', mask)];
      this.#live('setData').setData(...args);
    }
    // Keras's fit: the run's samples become x and y (the config's validation split applies),
    // then `epochs` epochs train; returns the history.
    fit(x, y, options = {}) {
      arity('fit(x, y, options?)', arguments, 2, 3);
      if (options === null || typeof options !== 'object') fail('options', `expected {epochs?, mask?} (got ${describe(options)})`);
      const { epochs, mask } = options;
      const args = [tensor('x', x), tensor('y', y), optionalTensor('mask', mask)];
      const n = epochs === undefined ? undefined : integer('epochs', epochs);
      const t = this.#live('fit');
      t.setData(...args);
      t.train(n ?? t.config().epochs);
      return t.getHistory();
    }
    trainOnBatch(x, y, mask) {
      arity('trainOnBatch(x, y, mask?)', arguments, 2, 3);
      const args = [tensor('x', x), tensor('y', y), optionalTensor('mask', mask)];
      return this.#live('trainOnBatch').trainOnBatch(...args);
    }
    evaluate(x, y, mask) {
      arity('evaluate(x, y, mask?)', arguments, 2, 3);
      const args = [tensor('x', x), tensor('y', y), optionalTensor('mask', mask)];
      return this.#live('evaluate').evaluate(...args);
    }
    getHistory() {
      arity('getHistory()', arguments, 0);
      return this.#live('getHistory').getHistory();
    }
    summary() {
      arity('summary()', arguments, 0);
      return this.#live('summary').summary();
    }
    getWeights() {
      arity('getWeights()', arguments, 0);
      return this.#live('getWeights').getWeights();
    }
    setWeights(weights) {
      arity('setWeights(weights)', arguments, 1);
      if (!Array.isArray(weights)) fail('weights', `expected an array of {data, shape} (got ${describe(weights)})`);
      const list = [];
      for (let i = 0; i < weights.length; i++) list.push(tensor(`weights[${i}]`, weights[i]));
      this.#live('setWeights').setWeights(list);
    }
    // The model as TF.js's ModelArtifacts (tf.loadLayersModel(tf.io.fromMemory(artifacts))
    // loads it): Keras's topology from built-in layers, the weights by Keras's names.
    exportTfjs() {
      arity('exportTfjs()', arguments, 0);
      const t = this.#live('exportTfjs');
      const config = t.config();
      const problem = tfjsExportProblem(config);
      if (problem) {
        const e = new Error(problem.message);
        e.field = problem.field;
        throw e;
      }
      return tfjsArtifacts(config, heads.get(config.task), t.getWeights());
    }
    // Why exportTfjs() would refuse this model ({ field, message }), or null.
    tfjsExportProblem() {
      arity('tfjsExportProblem()', arguments, 0);
      return tfjsExportProblem(this.#live('tfjsExportProblem').config());
    }
    // Weights from TF.js artifacts (or a parsed model.json with its weightData) of a model of
    // this architecture; nothing changes on error.
    importTfjs(artifacts) {
      arity('importTfjs(artifacts)', arguments, 1);
      const read = readTfjsArtifacts(artifacts); // every user value read before the core is called
      const t = this.#live('importTfjs');
      const config = t.config();
      t.setWeights(tfjsWeightsFor(config, heads.get(config.task), t.getWeights(), read));
    }
    reset(seed) {
      arity('reset(seed?)', arguments, 0, 1);
      if (arguments.length === 0 || seed === undefined) return this.#live('reset').reset();
      if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 4294967295)
        fail('seed', `expected an integer in [0, 4294967295] (got ${describe(seed)})`);
      return this.#live('reset').reset(seed);
    }
    config() {
      arity('config()', arguments, 0);
      return this.#live('config').config();
    }
    // The whole run as bytes: M.loadRun(bytes) continues it exactly (the same losses, bit for bit).
    saveRun() {
      arity('saveRun()', arguments, 0);
      return this.#live('saveRun').saveRun();
    }
    footprint() {
      arity('footprint()', arguments, 0);
      return this.#live('footprint').footprint();
    }
    parameterCount() {
      arity('parameterCount()', arguments, 0);
      return this.#live('parameterCount').parameterCount();
    }
    stepsPerEpoch() {
      arity('stepsPerEpoch()', arguments, 0);
      return this.#live('stepsPerEpoch').stepsPerEpoch();
    }
    isDeleted() {
      return !this.#t;
    }
    // Frees the C++ object (no garbage collection for it); later calls throw. Idempotent.
    delete() {
      if (this.#t) this.#t.delete();
      this.#t = null;
    }
  }

  const configCall = (name, fn) =>
    function (config) {
      arity(`${name}(config)`, arguments, 1);
      return fn(plainConfig(config));
    };

  return Object.freeze({
    Trainer,
    loadRun(bytes) {
      arity('loadRun(bytes)', arguments, 1);
      return new Trainer(FROM_CORE, core.loadRun(runBytes(bytes)));
    },
    defaults(preset) {
      arity('defaults(preset)', arguments, 1);
      if (typeof preset !== 'string') fail('preset', `expected a string (got ${describe(preset)})`);
      return core.defaults(preset);
    },
    estimate: configCall('estimate', (c) => core.estimate(c)),
    applicableFields: configCall('applicableFields', (c) => core.applicableFields(c)),
    presets: () => core.presets(),
    tasks: () => core.tasks(),
    configFields: () => core.configFields(),
    tfjsModelJson(artifacts, weightsFile = 'model.weights.bin') {
      arity('tfjsModelJson(artifacts, weightsFile?)', arguments, 1, 2);
      if (artifacts === null || typeof artifacts !== 'object') fail('artifacts', `expected exportTfjs()'s result (got ${describe(artifacts)})`);
      if (typeof weightsFile !== 'string') fail('weightsFile', `expected a file name (got ${describe(weightsFile)})`);
      return tfjsModelJson(artifacts, weightsFile);
    },
    constants: () => core.constants(),
    heapInUse: () => core.heapInUse(),
    memoryBytes: () => core.memoryBytes(),
  });
}

export default async function createAttentionModule(options = {}) {
  return wrap(await createCore(options));
}
