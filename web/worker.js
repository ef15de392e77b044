// The worker owns the wasm module and the one trainer; the page only draws. It trains only
// when asked (one TICK in flight at a time, paced by the page's animation frames), so the
// page always shows the latest state and Pause takes effect at once.
import createAttentionModule from './attention.mjs';
import { MSG } from './protocol.js';

const M = await createAttentionModule();

let trainer = null;
let run = null; // bookkeeping of the current run: what the page has not seen yet

// "learning_rate: must be ..." -> field learning_rate; "weights[2] (...)" -> weights.
const fieldOf = (message) => /^([a-z_]+)(?:\[\d+\])?[ :]/.exec(message)?.[1] ?? null;

function fail(error) {
  const message = error instanceof Error ? error.message : String(error);
  postMessage({ type: MSG.ERROR, field: fieldOf(message), message });
}

// Attention averaged over dimensions: one value per position (what the bar chart shows).
function perPosition({ data, shape }) {
  const dims = shape.length > 1 ? shape[1] : 1;
  const out = new Float32Array(shape[0]);
  for (let p = 0; p < shape[0]; p++) {
    let s = 0;
    for (let d = 0; d < dims; d++) s += data[p * dims + d];
    out[p] = s / dims;
  }
  return out;
}

function startRun() {
  const config = trainer.config();
  const train = Math.floor(config.samples * (1 - config.validation_split)); // Keras's split, as the core
  const stepsPerEpoch = Math.ceil(train / config.batch_size);
  const totalSteps = stepsPerEpoch * config.epochs;
  run = {
    stepsPerEpoch,
    totalSteps,
    snapshotEvery: Math.max(1, Math.round(totalSteps / 100)),
    nextSnapshot: 0,
    points: [],    // { step, epoch, loss, accuracy } not yet sent
    snapshots: [], // { step, epoch, values } not yet sent
  };
  const inputs = trainer.testInputs();
  const size = inputs.data.length / inputs.shape[0];
  postMessage({
    type: MSG.CONFIGURED,
    config,
    summary: trainer.summary(),
    stepsPerEpoch,
    totalSteps,
    samples: [0, 1].map((i) => ({ data: inputs.data.slice(i * size, (i + 1) * size), shape: inputs.shape.slice(1) })),
  });
  report();
}

// Send what changed: metrics, the current attention, new curve points and snapshots.
function report() {
  const metrics = trainer.metrics();
  const attention = trainer.getAttention();
  const epoch = metrics.step / run.stepsPerEpoch;
  if (metrics.step > 0 && Number.isFinite(metrics.recent_loss))
    run.points.push({ step: metrics.step, epoch, loss: metrics.recent_loss, accuracy: metrics.recent_metric });
  const finished = metrics.status === 'done' || metrics.status === 'diverged';
  if (metrics.step >= run.nextSnapshot || finished) {
    run.snapshots.push({ step: metrics.step, epoch, values: perPosition(attention) }); // own copy
    run.nextSnapshot = metrics.step + run.snapshotEvery;
  }
  const history = trainer.getHistory();
  const message = {
    type: MSG.PROGRESS,
    metrics,
    attention,
    positions: perPosition(attention),
    history: { val_loss: history.val_loss, val_accuracy: history.val_metric },
    points: run.points,
    snapshots: run.snapshots,
  };
  run.points = [];
  run.snapshots = [];
  postMessage(message, [attention.data.buffer, message.positions.buffer]);
}

function configure(config) {
  trainer?.delete();
  trainer = null;
  try {
    trainer = new M.Trainer(config);
  } catch (e) {
    return fail(e);
  }
  startRun();
}

const handlers = {
  [MSG.CONFIGURE]: ({ config }) => configure(config),
  [MSG.TICK]: ({ batches }) => {
    trainer.step(batches);
    report();
  },
  [MSG.STEP]: () => {
    trainer.step(1);
    report();
  },
  [MSG.EPOCH]: () => {
    trainer.train(1);
    report();
  },
  [MSG.RESET]: ({ seed }) => {
    if (seed === undefined) trainer.reset();
    else trainer.reset(seed);
    startRun();
  },
};

onmessage = ({ data }) => {
  if (!trainer && data.type !== MSG.CONFIGURE) return;
  try {
    handlers[data.type](data);
  } catch (e) {
    fail(e);
  }
};

postMessage({ type: MSG.READY, presets: M.presets() });
