// The messages between the page and the worker that owns the wasm module. Names, not magic
// numbers; each message is a plain object { type, ...fields }.
export const MSG = Object.freeze({
  // page -> worker
  CONFIGURE: 'configure', // { config, data? }: build a new trainer (stops training); data: your own { x, y, mask }
  APPLICABLE: 'applicable', // { config }: which fields this config uses (answered by FIELDS)
  TICK: 'tick',           // { batches }: train up to this many batches, then report
  RESET: 'reset',         // { seed? }: the same run again from the start (or a new seed)
  SAMPLES: 'samples',     // { indices }: held-out samples with their attention and prediction
  TRANSLATE: 'translate', // { id, text }: a translation model's reading of typed text (answered by TRANSLATED)
  SAVE_RUN: 'save-run',   // the whole run as bytes (answered by RUN_SAVED)
  LOAD_RUN: 'load-run',   // { bytes }: continue a saved run (answered by CONFIGURED, or ERROR field "run")
  EXPORT_MODEL: 'export-model', // the model as TF.js's model.json + model.weights.bin (answered by MODEL_EXPORTED)
  IMPORT_MODEL: 'import-model', // { modelJson, weights }: load those weights (answered by PROGRESS, or ERROR)

  // worker -> page
  READY: 'ready',         // { presets, tasks, fields, constants }: the module's tables
  FIELDS: 'fields',       // { applicable }: the names of the fields a config uses
  CONFIGURED: 'configured', // { config, applicable, summary, task, stepsPerEpoch, totalSteps, footprint, heads, headIds, headFrameEvery, align, memory }
                          //   align (seq2seq): { samples, Tt, Ts, frameEvery, sources (n, Ts), targets (n, Tt), mask (n, Tt, Ts) } of the samples shown
  PROGRESS: 'progress',   // { metrics, attention, positions, heads, points, validations, frames, headPoints, headFrames, align, alignFrames, epochEnds, memory }
                          //   heads (self_attention): { step, epoch, attention (layers, heads, T, T) of sample 0, mask (T, T), scores }
                          //   headPoints: { step, epoch, loss, attention_on_target [per head], hit_rate [per head] } (one per report)
                          //   headFrames: { step, epoch, attention, shape, scores }: moments of `heads` (about 150 per run)
                          //   align (seq2seq): { step, epoch, attention (n, Tt, Ts), output (n, Tt) greedy token ids }, or null (unchanged)
                          //   alignFrames: moments of `align` (about 150 per run)
                          //   validations of a seq2seq run also hold sequence_accuracy (the held-out batch's, greedy)
  SAMPLE_DATA: 'sample-data', // { samples: [{ index, input, shape, attention, mask, target, prediction }] }
  TRANSLATED: 'translated', // { id, text, step, translation: { text, tokens, source, attention (Tt, Ts) } } or { id, text, error: { field, message } }
  RUN_SAVED: 'run-saved', // { bytes }: the core's saved run
  MODEL_EXPORTED: 'model-exported', // { modelJson, weights } or { problem }: why this model cannot be exported
  ERROR: 'error',         // { field, message }: field is the config field the error names, if any
  FAILED: 'failed',       // { message, blocked }: the module could not start (no WebAssembly, a policy; blocked: what a CSP blocked)
});
