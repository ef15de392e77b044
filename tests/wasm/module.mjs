// Loads the wasm build (build/wasm/attention.mjs) for the Node tests, once per process.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = path.join(root, 'build/wasm');

let loaded;
export function loadModule() {
  loaded ??= import(path.join(dir, 'attention.mjs')).then(({ default: create }) =>
    create({ wasmBinary: fs.readFileSync(path.join(dir, 'attention_core.wasm')) }));
  return loaded;
}

// Attention averaged over dimensions: one value per position.
export function perPosition({ data, shape }) {
  const dims = shape.length > 1 ? shape[1] : 1;
  return Array.from({ length: shape[0] }, (_, p) => {
    let s = 0;
    for (let d = 0; d < dims; d++) s += data[p * dims + d];
    return s / dims;
  });
}

export const argmax = (v) => v.reduce((best, x, i) => (x > v[best] ? i : best), 0);

// Train a config to its end, free the trainer, return what the test needs.
export function withTrainer(M, config, fn) {
  const t = new M.Trainer(config);
  try {
    return fn(t);
  } finally {
    t.delete();
  }
}
