// The messages between the page and the worker that owns the wasm module. Names, not magic
// numbers; each message is a plain object { type, ...fields }.
export const MSG = Object.freeze({
  // page -> worker
  CONFIGURE: 'configure', // { config }: build a new trainer (stops training)
  TICK: 'tick',           // { batches }: train up to this many batches, then report
  STEP: 'step',           // one batch
  EPOCH: 'epoch',         // to the end of the current epoch
  RESET: 'reset',         // { seed? }: the same run again from the start (or a new seed)

  // worker -> page
  READY: 'ready',         // { presets }: the module is loaded (presets: the core's table)
  CONFIGURED: 'configured', // { config, summary, samples, stepsPerEpoch, totalSteps }
  PROGRESS: 'progress',   // { metrics, attention, history, snapshots, points }
  ERROR: 'error',         // { field, message }: field is the config field named, if any
});
