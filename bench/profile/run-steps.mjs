// node run-steps.mjs DIR [preset] [steps]: build a trainer from DIR/attention.{mjs,wasm} and
// train `steps` batches (the workload icount.sh counts instructions of).
import fs from 'node:fs';
import path from 'node:path';

const dir = path.resolve(process.argv[2] || 'build/wasm');
const preset = process.argv[3] || 'gru_after';
const steps = Number(process.argv[4] || 60);
const { default: create } = await import(path.join(dir, 'attention.mjs'));
const M = await create({ wasmBinary: fs.readFileSync(path.join(dir, 'attention_core.wasm')) });
const t = new M.Trainer({ preset, samples: 100000, epochs: 1, seed: 1 });
t.step(steps);
t.delete();
