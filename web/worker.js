// The worker owns the wasm module and the one trainer; the page only draws. It trains only
// when asked (one TICK in flight at a time, paced by the page's animation frames), so the
// page always shows the latest state and Pause takes effect at once. What the page records
// over a run is gathered here: curve points, validation points (more often than once per
// epoch for long epochs), frames of the per-sample attention maps for the animation, for
// a self_attention model each head's score at every report and moments of its attention, and
// for a translation (seq2seq) model a few held-out samples' alignments and greedy outputs, with
// moments of them, and the sequence accuracy at every validation.
import { MSG } from './protocol.js';
import { pageTables } from './settings.js';

let M = null;
let trainer = null;
let run = null; // bookkeeping of the current run: what the page has not seen yet

const MAP_SAMPLES = 12;   // held-out samples in each map frame (the seed shows 10-12)
const FRAMES = 150;       // map frames per run, about (plus one at every epoch's end)
const VALIDATIONS = 10;   // validation points per epoch for epochs of at least VALIDATE_FROM steps
const VALIDATE_FROM = 50;
const TICK_MS = 250;      // a tick ends after this long (the rest of its batches left for the next one)
const HEAD_FRAMES = 150;        // the heads' moments per run (self_attention), about
const HEAD_FRAME_FLOATS = 1 << 20; // ... within 4 MB of them: fewer for long sequences, none if two do not fit
const ALIGN_SAMPLES = 8;         // held-out samples whose alignment the page shows (seq2seq)
const ALIGN_FRAMES = 150;        // their moments per run, about
const ALIGN_FRAME_FLOATS = 1 << 20; // ... within 4 MB of them, as the heads'

function fail(error) {
  const message = error instanceof Error ? error.message : String(error);
  postMessage({ type: MSG.ERROR, field: error?.field ?? null, message });
}

// The attention averaged over features: one value per position (what the bar chart shows).
function perPosition({ data, shape }, rows = 1) {
  const P = rows === 1 ? shape[0] : shape[1];
  const F = data.length / (rows * P);
  const out = new Float32Array(rows * P);
  for (let i = 0; i < rows * P; i++) {
    let s = 0;
    for (let f = 0; f < F; f++) s += data[i * F + f];
    out[i] = s / F;
  }
  return out;
}

const hasAttention = () => trainer.config().attention !== 'none';
// A self_attention model's attention is (heads, steps, positions) per sample: the heads view
// draws it; the one-vector-per-sample paths (bars, map frames) leave it out.
const selfAttention = () => trainer.config().attention === 'self_attention';
// A translation model's attention is (target steps, source positions) per sample: the alignment
// view draws it; the bars and the map leave it out.
const translation = () => trainer.config().attention === 'seq2seq';
// The one-vector-per-sample attention the bars and the maps read.
const perSampleVector = () => hasAttention() && !selfAttention() && !translation();

// The heads view's data: the first held-out sample's attention in every layer (layers, heads,
// T, T), each layer's from getActivations('<layer>_scores') on that one sample, beside its
// ground truth (T, T), and every head's live score on the held-out samples.
function heads(step) {
  const { layers, sample, shape, mask } = run.heads;
  const perLayer = shape[1] * shape[2] * shape[3];
  const data = new Float32Array(layers.length * perLayer);
  layers.forEach((name, l) => data.set(trainer.getActivations(name, sample).data, l * perLayer));
  return { step, epoch: step / run.stepsPerEpoch, attention: { data, shape }, mask, scores: trainer.getHeadScores() };
}

// How far back the truth is, if it is one position per step at the same distance k in every
// step that has one, in all n samples of mask (n, T, P); null otherwise (or without a mask).
function truthOffset(mask, n, T, P) {
  if (!mask) return null;
  const offsets = new Set();
  for (let r = 0; r < n * T; r++) {
    const on = [];
    for (let s = 0; s < P; s++) if (mask[r * P + s] === 1) on.push(s);
    if (on.length > 1) return null;
    if (on.length === 1) offsets.add((r % T) - on[0]);
  }
  return offsets.size === 1 ? [...offsets][0] : null;
}

// What the heads view reads for a self_attention run: its attention layers by name (summary():
// kind MultiHeadAttention, in order), the first held-out sample alone and its ground truth.
function headsOf(steps) {
  const layers = trainer.summary().filter((r) => r.kind === 'MultiHeadAttention').map((r) => `${r.name}_scores`);
  const x = trainer.testInputs();
  const size = x.data.length / x.shape[0];
  const sample = { data: x.data.slice(0, size), shape: [1, ...x.shape.slice(1)] };
  const { attention, mask } = trainer.getAttentionMaps(1);
  const [, H, T, P] = attention.shape;
  const frames = Math.min(HEAD_FRAMES, Math.floor(HEAD_FRAME_FLOATS / (layers.length * H * T * P)));
  const all = trainer.getAttentionMaps(x.shape[0]).mask;
  return {
    layers, sample, shape: [layers.length, H, T, P], mask: mask ? mask.data : null,
    // the truth's distance back in sample 0, and in every held-out sample (what the scores are over)
    truth: { sample: truthOffset(mask?.data, 1, T, P), all: truthOffset(all?.data, x.shape[0], T, P) },
    ids: trainer.getHeadScores().map(({ layer, head }) => ({ layer, head })),
    frameEvery: frames >= 2 ? Math.max(1, Math.round(steps / frames)) : 0,
  };
}

// What the alignment view reads for a translation run: the first ALIGN_SAMPLES held-out
// samples (their source and target token ids and their true alignment, which do not change),
// and how often to record a moment of their attention.
function alignOf(steps) {
  const x = trainer.testInputs(); // (N, Ts, 1): the sources' token ids
  const y = trainer.testTargets(); // (N, Tt)
  const n = Math.min(ALIGN_SAMPLES, x.shape[0]);
  const [Ts, Tt] = [x.shape[1], y.shape[1]];
  const { mask } = trainer.getAttentionMaps(n); // (n, Tt, Ts)
  const frames = Math.min(ALIGN_FRAMES, Math.floor(ALIGN_FRAME_FLOATS / (n * Tt * (Ts + 1))));
  return {
    samples: n, Tt, Ts,
    sources: x.data.slice(0, n * Ts),
    targets: y.data.slice(0, n * Tt),
    mask: mask ? mask.data : null,
    frameEvery: frames >= 2 ? Math.max(1, Math.round(steps / frames)) : 0,
  };
}

// The alignment now: those samples' attention (n, Tt, Ts) and greedy outputs (n, Tt), both of
// greedy decoding on those samples alone (a few ms; the whole held-out batch decodes in tens of
// ms). The scores beside them are the validations' (with the sequence accuracy: validation()).
function alignment(step) {
  const { samples: n, Ts, Tt, sources } = run.align;
  const x = { data: sources, shape: [n, Ts, 1] };
  const attention = trainer.getActivations('attention_weight', x).data; // (n, Tt, Ts)
  const p = trainer.predict(x).data; // (n, Tt, V) softmaxes
  const V = p.length / (n * Tt);
  const output = new Float32Array(n * Tt);
  for (let r = 0; r < n * Tt; r++) output[r] = argmax(p.subarray(r * V, (r + 1) * V));
  return { step, epoch: step / run.stepsPerEpoch, attention, output };
}

function argmax(v) {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}

// A new run (or one loaded from a file, which may be part-way through): what to record when.
function startRun() {
  const config = trainer.config();
  const task = M.tasks().find((t) => t.name === config.task);
  const stepsPerEpoch = trainer.stepsPerEpoch();
  const totalSteps = stepsPerEpoch * config.epochs;
  const now = trainer.metrics();
  const validates = config.validation_split > 0;
  const maps = perSampleVector() && task.ground_truth;
  const testSamples = trainer.testInputs().shape[0];
  run = {
    testSamples,
    stepsPerEpoch,
    totalSteps,
    frameEvery: Math.max(1, Math.round(totalSteps / FRAMES)),
    nextFrame: now.step,
    lastFrame: -1,
    lastStep: now.step,
    validateEvery: validates && stepsPerEpoch >= VALIDATE_FROM ? Math.ceil(stepsPerEpoch / VALIDATIONS) : 0,
    nextValidation: 0,
    lastEpoch: now.epoch,
    maps,
    points: [],      // { step, epoch, loss, metric, attention_on_target, hit_rate } not yet sent
    validations: [], // the same, on the validation samples
    epochEnds: [],   // the metrics at each epoch's end (for the widget's epoch events)
    frames: [],      // { step, epoch, attention, mask } not yet sent
    heads: selfAttention() ? headsOf(totalSteps) : null,
    lastHeadPoint: -1,
    nextHeadFrame: now.step,
    lastHeadFrame: -1,
    headPoints: [],  // { step, epoch, loss, attention_on_target: [per head], hit_rate: [per head] } not yet sent
    headFrames: [],  // { step, epoch, attention (layers, heads, T, T) of sample 0, scores } not yet sent
    align: translation() ? alignOf(totalSteps) : null,
    nextAlignFrame: now.step,
    lastAlignFrame: -1,
    latestAlign: null,
    alignFrames: [],  // { step, epoch, attention (n, Tt, Ts), output (n, Tt) } not yet sent
  };
  run.nextValidation = now.step + run.validateEvery;
  // Attention on target if the attention were spread evenly: the ground truth's share of the positions.
  let uniformOnTarget = NaN;
  if (maps) {
    const { mask } = trainer.getAttentionMaps(Math.min(MAP_SAMPLES, testSamples));
    uniformOnTarget = mask.data.reduce((s, v) => s + v, 0) / mask.data.length;
  }
  postMessage({
    type: MSG.CONFIGURED,
    config,
    applicable: M.applicableFields(config),
    task,
    summary: trainer.summary(),
    footprint: trainer.footprint(),
    stepsPerEpoch,
    totalSteps,
    step: now.step,
    testSamples,
    testTargets: Array.from(trainer.testTargets().data),
    mapSamples: maps ? Math.min(MAP_SAMPLES, testSamples) : 0,
    hasAttention: hasAttention(),
    heads: selfAttention() ? config.heads : 0, // the heads per layer, drawn by the heads view
    headIds: run.heads?.ids ?? [],               // { layer, head } in getHeadScores()'s order
    headFrameEvery: run.heads?.frameEvery ?? 0,  // steps between the heads' recorded moments (0: none)
    headTruth: run.heads?.truth ?? null,          // { sample, all }: the truth's distance back, if one (truthOffset)
    align: run.align && {                         // a translation run: the samples the alignment view shows
      samples: run.align.samples, Tt: run.align.Tt, Ts: run.align.Ts, frameEvery: run.align.frameEvery,
      sources: run.align.sources, targets: run.align.targets, mask: run.align.mask,
    },
    validateEvery: run.validateEvery,
    uniformOnTarget,
    memory: M.memoryBytes(),
  });
  record(now); // the first frame: the attention before training (or where a loaded run stopped)
  report();
}

function frame(metrics, epoch) {
  const maps = trainer.getAttentionMaps(Math.min(MAP_SAMPLES, run.testSamples));
  const rows = maps.attention.shape[0];
  run.frames.push({
    step: metrics.step,
    epoch,
    attention: perPosition(maps.attention, rows),
    mask: maps.mask ? maps.mask.data : null,
    positions: maps.attention.shape[1],
    rows,
  });
}

const scoresOf = (m, prefix = '') => ({
  loss: m[`${prefix}loss`], metric: m[`${prefix}metric`],
  attention_on_target: m[`${prefix}attention_on_target`], hit_rate: m[`${prefix}hit_rate`],
});

// A validation point; for a translation run with the held-out batch's sequence accuracy at the
// same step (greedy decoding: as costly as a dozen training steps, so only here), which the
// alignment view shows with the point's scores.
const validation = (point) => (run.align ? { ...point, sequence_accuracy: trainer.sequenceAccuracy() } : point);

// Record what the page keeps of the run at this step: a curve point, a validation point (at
// every epoch's end, the core's, and within long epochs every tenth of one), a map frame.
function record(metrics) {
  const epoch = metrics.step / run.stepsPerEpoch;
  const finished = metrics.status === 'done' || metrics.status === 'diverged';
  if (metrics.step > run.lastStep && Number.isFinite(metrics.recent_loss))
    run.points.push({ step: metrics.step, epoch, ...scoresOf(metrics, 'recent_') });
  if (metrics.epoch > run.lastEpoch) run.epochEnds.push(metrics);
  if (metrics.epoch > run.lastEpoch && Number.isFinite(metrics.val_loss)) {
    run.validations.push(validation({ step: metrics.step, epoch: metrics.epoch, ...scoresOf(metrics, 'val_') }));
    run.nextValidation = metrics.step + run.validateEvery;
  } else if (run.validateEvery && metrics.step >= run.nextValidation && !finished) {
    run.validations.push(validation({ step: metrics.step, epoch, ...trainer.validate() }));
    run.nextValidation = metrics.step + run.validateEvery;
  }
  if (run.maps && (metrics.step >= run.nextFrame || metrics.epoch > run.lastEpoch || (finished && metrics.step > run.lastFrame))) {
    frame(metrics, epoch);
    run.lastFrame = metrics.step;
    run.nextFrame = metrics.step + run.frameEvery;
  }
  if (run.align) recordAlign(metrics);
  run.lastEpoch = metrics.epoch;
  run.lastStep = metrics.step;
}

// Train up to `batches` batches in chunks that end where something is to be recorded (a
// frame, an alignment's moment, a validation, an epoch's end), so a fast tick misses none of
// them. A tick stops early once it has taken TICK_MS, so the page hears from the worker (and
// Pause, or typed text, is answered) that often even where a validation costs a hundred
// training steps (a translation model's validation decodes greedily).
function tick(batches) {
  const t0 = performance.now();
  let left = batches;
  while (left > 0 && performance.now() - t0 < TICK_MS) {
    const step = trainer.metrics().step;
    const epochEnd = (Math.floor(step / run.stepsPerEpoch) + 1) * run.stepsPerEpoch;
    const next = Math.min(epochEnd, run.maps ? run.nextFrame : Infinity, run.align?.frameEvery ? run.nextAlignFrame : Infinity,
      run.validateEvery ? run.nextValidation : Infinity);
    const m = trainer.step(Math.max(1, Math.min(left, next - step)));
    left -= Math.max(1, m.step - step);
    record(m);
    if (m.status !== 'training') break;
  }
  report({ fresh: batches <= 1 });
}

// The heads at a report: a score point per head (every report: the scores are read for the
// view anyway) and, about every headFrameEvery steps, a moment of sample 0's attention.
function recordHeads(h, metrics) {
  const finished = metrics.status === 'done' || metrics.status === 'diverged';
  if (metrics.step > run.lastHeadPoint) {
    run.headPoints.push({
      step: h.step, epoch: h.epoch, loss: metrics.recent_loss,
      attention_on_target: h.scores.map((s) => s.attention_on_target), hit_rate: h.scores.map((s) => s.hit_rate),
    });
    run.lastHeadPoint = metrics.step;
  }
  if (run.heads.frameEvery && metrics.step > run.lastHeadFrame && (metrics.step >= run.nextHeadFrame || finished)) {
    run.headFrames.push({ step: h.step, epoch: h.epoch, attention: h.attention.data, shape: h.attention.shape, scores: h.scores });
    run.lastHeadFrame = metrics.step;
    run.nextHeadFrame = metrics.step + run.heads.frameEvery;
  }
}

// A translation run's moment, about every frameEvery steps (the ticks stop there) and where
// training stops: each a reading of the alignment, which is also the view's latest.
function recordAlign(metrics) {
  const finished = metrics.status === 'done' || metrics.status === 'diverged';
  if (!run.align.frameEvery || metrics.step <= run.lastAlignFrame || !(metrics.step >= run.nextAlignFrame || finished)) return;
  const a = alignment(metrics.step);
  run.alignFrames.push(a);
  run.latestAlign = a;
  run.lastAlignFrame = metrics.step;
  run.nextAlignFrame = metrics.step + run.align.frameEvery;
}

// The alignment a report carries: the moment recorded at this step, else a fresh reading when
// asked (Step, a new run, new weights) or where training stopped, else the latest moment since
// the last report (or none). A reading at every report would cost almost as much as the
// training between two reports.
function alignNow(metrics, fresh) {
  const finished = metrics.status === 'done' || metrics.status === 'diverged';
  const latest = run.latestAlign;
  run.latestAlign = null;
  if (latest?.step === metrics.step) return latest;
  return fresh || finished ? alignment(metrics.step) : latest;
}

// Send what changed: metrics, the current attention, and what was recorded since the last report.
function report({ fresh = true } = {}) {
  const metrics = trainer.metrics();
  const attention = perSampleVector() ? trainer.getAttention() : null;
  const positions = attention ? perPosition(attention) : null;
  const h = run.heads ? heads(metrics.step) : null;
  if (h) recordHeads(h, metrics);
  const a = run.align ? alignNow(metrics, fresh) : null;
  const message = {
    type: MSG.PROGRESS,
    metrics,
    attention,
    positions,
    heads: h,
    points: run.points,
    validations: run.validations,
    epochEnds: run.epochEnds,
    frames: run.frames,
    headPoints: run.headPoints,
    headFrames: run.headFrames, // a moment recorded now shares heads.attention's array
    align: a,                   // a translation run: the alignment now (alignment()), or null: the last one stands
    alignFrames: run.alignFrames, // its moments recorded since the last report (the latest may be `align` itself)
    memory: M.memoryBytes(), // bytes of this worker's wasm memory (it only grows)
  };
  run.points = [];
  run.validations = [];
  run.epochEnds = [];
  run.frames = [];
  run.headPoints = [];
  run.headFrames = [];
  run.alignFrames = [];
  const transfer = attention ? [attention.data.buffer, positions.buffer] : [];
  for (const f of message.frames) transfer.push(f.attention.buffer);
  if (h) transfer.push(h.attention.data.buffer);
  if (a) transfer.push(a.attention.buffer, a.output.buffer);
  postMessage(message, transfer);
}

// Held-out samples one by one: input, attention (per position), ground truth, target, prediction.
function samples(indices) {
  const inputs = trainer.testInputs(), targets = trainer.testTargets();
  const n = inputs.shape[0];
  const picked = indices.filter((i) => Number.isInteger(i) && i >= 0 && i < n);
  if (!picked.length) return postMessage({ type: MSG.SAMPLE_DATA, samples: [] });
  const size = inputs.data.length / n;
  const count = Math.max(...picked) + 1;
  const maps = hasAttention() ? trainer.getAttentionMaps(count) : null;
  const attention = maps ? perPosition(maps.attention, count) : null;
  const P = maps ? maps.attention.shape[1] : 0;
  const x = inputs.data.slice(0, count * size);
  const prediction = trainer.predict({ data: x, shape: [count, ...inputs.shape.slice(1)] }).data;
  postMessage({
    type: MSG.SAMPLE_DATA,
    samples: picked.map((i) => ({
      index: i,
      input: inputs.data.slice(i * size, (i + 1) * size),
      shape: inputs.shape.slice(1),
      attention: attention ? attention.slice(i * P, (i + 1) * P) : null,
      mask: maps?.mask ? maps.mask.data.slice(i * P, (i + 1) * P) : null,
      target: targets.data[i],
      prediction: prediction[i],
    })),
  });
}

// A new trainer for config; with `data` ({ x, y, mask }), trained on those samples instead of
// the task's.
function configure(config, data) {
  trainer?.delete();
  trainer = null;
  try {
    trainer = new M.Trainer(config);
    if (data) trainer.setData(data.x, data.y, data.mask);
  } catch (e) {
    trainer?.delete();
    trainer = null;
    return fail(e);
  }
  startRun();
}

const handlers = {
  [MSG.CONFIGURE]: ({ config, data }) => configure(config, data),
  [MSG.APPLICABLE]: ({ config }) => postMessage({ type: MSG.FIELDS, applicable: M.applicableFields(config) }),
  [MSG.TICK]: ({ batches }) => tick(batches),
  [MSG.RESET]: ({ seed }) => {
    if (seed === undefined) trainer.reset();
    else trainer.reset(seed);
    startRun();
  },
  [MSG.SAMPLES]: ({ indices }) => samples(indices),
  [MSG.TRANSLATE]: ({ id, text }) => {
    let r;
    try {
      r = trainer.translate(text);
    } catch (e) {
      return postMessage({ type: MSG.TRANSLATED, id, text, error: { field: e.field ?? null, message: e.message } });
    }
    const step = trainer.metrics().step;
    postMessage({ type: MSG.TRANSLATED, id, text, step, translation: { text: r.text, tokens: r.tokens, source: r.source, attention: r.attention } },
      [r.attention.data.buffer]);
  },
  [MSG.SAVE_RUN]: () => {
    const bytes = trainer.saveRun();
    postMessage({ type: MSG.RUN_SAVED, bytes }, [bytes.buffer]);
  },
  [MSG.EXPORT_MODEL]: () => {
    const problem = trainer.tfjsExportProblem();
    if (problem) return postMessage({ type: MSG.MODEL_EXPORTED, problem: problem.message });
    const artifacts = trainer.exportTfjs();
    postMessage({ type: MSG.MODEL_EXPORTED, modelJson: M.tfjsModelJson(artifacts), weights: artifacts.weightData }, [artifacts.weightData]);
  },
  [MSG.IMPORT_MODEL]: ({ modelJson, weights }) => {
    const artifacts = { modelTopology: modelJson.modelTopology, weightSpecs: modelJson.weightsManifest?.flatMap((g) => g.weights) ?? [], weightData: weights };
    try {
      trainer.importTfjs(artifacts);
    } catch (e) {
      return postMessage({ type: MSG.ERROR, field: 'model', message: e.message });
    }
    report();
  },
  [MSG.LOAD_RUN]: ({ bytes }) => {
    let loaded;
    try {
      loaded = M.loadRun(bytes);
    } catch (e) {
      return fail(e); // the trainer that was there stays
    }
    trainer?.delete();
    trainer = loaded;
    startRun();
  },
};

onmessage = ({ data }) => {
  if (!M || (!trainer && ![MSG.CONFIGURE, MSG.APPLICABLE, MSG.LOAD_RUN].includes(data.type))) return;
  try {
    handlers[data.type](data);
  } catch (e) {
    fail(e);
  }
};

// A policy that forbids compiling WebAssembly reports here, with what it blocked ('wasm-eval').
let blocked = null;
self.addEventListener('securitypolicyviolation', (e) => (blocked ??= e.blockedURI));
try {
  const { default: createAttentionModule } = await import('./attention.mjs');
  M = await createAttentionModule();
} catch (e) {
  postMessage({ type: MSG.FAILED, message: e instanceof Error ? e.message : String(e), blocked });
}
if (M) {
  postMessage({
    type: MSG.READY,
    ...pageTables({ presets: M.presets(), tasks: M.tasks(), fields: M.configFields() }),
    constants: M.constants(),
  });
}
