// A property test of the JS API: a few thousand random configs (seeded, so a failure replays),
// mixing valid and invalid values of every field: types, ranges, combinations, unknown names.
// Each one either builds and steps, or throws an Error whose message starts with the field it
// names (error.field), the same from M.estimate() as from the constructor. Afterwards the
// module still works and the heap is back where it started.
import test from 'node:test';
import assert from 'node:assert/strict';
import { loadModule } from './module.mjs';

const M = await loadModule();
const SEED = Number(process.env.PROPERTY_SEED ?? 20261205);
const CASES = Number(process.env.PROPERTY_CASES ?? 2000);

// mulberry32: a small seeded PRNG (Math.random cannot be seeded).
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const fields = M.configFields();
const names = new Set(fields.map((f) => f.name));
// Valid values stay small, so what builds, builds in milliseconds.
const SMALL = { samples: 400, epochs: 3, batch_size: 64, units: 12, attention_units: 12, input_dim: 12, time_steps: 12,
  attention_column: 12, test_samples: 32 };
const WRONG = [null, undefined, true, false, '', '5', 'abc\u0000', NaN, Infinity, -Infinity, -0, 2.5, -1, 2 ** 31, 2 ** 32,
  -(2 ** 31) - 1, 1e300, Number.MAX_SAFE_INTEGER + 2, {}, [], [1], () => 1];

function valueFor(f, r) {
  const pick = (a) => a[Math.floor(r() * a.length)];
  const int = (lo, hi) => lo + Math.floor(r() * (hi - lo + 1));
  const roll = r();
  if (roll < 0.12) return pick(WRONG);
  if (f.type === 'string') return roll < 0.9 ? pick(f.choices ?? ['x']) : pick(['', 'none ', 'LSTM', 'x'.repeat(100), 'a\nb']);
  if (f.type === 'boolean') return roll < 0.9 ? r() < 0.5 : pick(['true', 1, 0]);
  if (f.type === 'seed') return roll < 0.9 ? int(0, 2 ** 32 - 1) : pick([-1, 2 ** 32, 0.5]);
  if (f.type === 'integer') {
    if (roll < 0.85) return int(f.min, Math.min(f.max, SMALL[f.name] ?? f.max));
    return pick([f.min - 1, f.max, f.max + 1, f.min]);
  }
  // number
  if (roll < 0.85) {
    if (f.name === 'learning_rate') return 10 ** (-4 + 9 * r());  // 1e-4 .. 1e5: some runs diverge
    const lo = f.min, hi = Math.min(f.max, 1);
    return lo + (hi - lo) * r() * (f.max_exclusive ? 0.999 : 1);
  }
  return pick([f.min, f.max, -1e-9, 1 + 1e-9, 3.5e38]);
}

function randomConfig(r) {
  const config = {};
  const presets = M.presets().map((p) => p.name);
  const roll = r();
  if (roll < 0.85) config.preset = presets[Math.floor(r() * presets.length)];
  else if (roll < 0.9) config.preset = 'transformer';
  // Mostly small sizes first (the presets' own are seconds to build), then random fields.
  if (r() < 0.8) {
    const int = (hi) => 1 + Math.floor(r() * hi);
    Object.assign(config, { samples: 40 + int(360), test_samples: int(32), units: int(12), epochs: int(3) });
    if (r() < 0.5) Object.assign(config, { time_steps: 4 + int(8), attention_units: int(12), batch_size: int(40) });
  }
  const n = Math.floor(r() * 6);
  for (let i = 0; i < n; i++) {
    if (r() < 0.04) {
      config[['epoch', 'Units', 'batchSize', '__proto_x', 'a\u0001b', ''][Math.floor(r() * 6)]] = 1;
      continue;
    }
    const f = fields[Math.floor(r() * fields.length)];
    if (f.name !== 'preset') config[f.name] = valueFor(f, r);
  }
  return config;
}

// An Error naming a field: its message starts with error.field and ': '.
function checkError(e, config) {
  assert.ok(e instanceof Error, `threw ${typeof e} ${String(e)}, not an Error`);
  assert.equal(typeof e.field, 'string', `no error.field: ${e.message}`);
  assert.ok(e.message.startsWith(`${e.field}: `), `message does not start with its field: ${e.message}`);
  const known = names.has(e.field) || e.field === 'config' ||
    Object.keys(config).some((k) => e.field === k.replace(/[\u0000-\u001f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
  assert.ok(known, `the field ${JSON.stringify(e.field)} is neither a config field nor a key of the config`);
  assert.ok(e.message.length < 600, `a message of ${e.message.length} characters`);
}

function runOne(config) {
  let estimate, refused;
  try {
    estimate = M.estimate(config);
  } catch (e) {
    refused = e;
  }
  if (refused) {
    checkError(refused, config);
    assert.throws(() => new M.Trainer(config), (e) => {
      assert.equal(e.message, refused.message, 'the constructor and estimate() refuse alike');
      return true;
    });
    return 'invalid';
  }
  if (estimate.total > estimate.limit || estimate.setup_seconds > estimate.setup_limit) {
    assert.throws(() => new M.Trainer(config), (e) => {
      checkError(e, config);
      assert.match(e.message, /^(samples|test_samples|units|batch_size): (this run needs|building this run takes)/);
      return true;
    });
    return 'too big';
  }
  // Valid and within the limits: build the cheap ones (the rest would take seconds each).
  if (estimate.total > 16e6 || estimate.batch_flops > 5e7 || estimate.setup_seconds > 0.05) return 'skipped';
  const t = new M.Trainer(config);
  try {
    assert.equal(t.footprint().total, estimate.total, 'estimate() and the trainer agree');
    const m = t.step(1);
    assert.ok(['training', 'done', 'diverged'].includes(m.status), m.status);
    assert.ok(m.step <= 1);
  } finally {
    t.delete();
  }
  return 'built';
}

test(`${CASES} random configs (seed ${SEED}): each builds and steps, or throws an Error naming its field`, (t) => {
  const r = prng(SEED);
  for (let i = 0; i < 60; i++) runOne(randomConfig(r)); // warm up: the allocator's first growth, static tables
  const heap = M.heapInUse();
  const counts = { built: 0, invalid: 0, 'too big': 0, skipped: 0 };
  for (let i = 0; i < CASES; i++) {
    const config = randomConfig(r);
    try {
      counts[runOne(config)]++;
    } catch (e) {
      e.message = `case ${i} (PROPERTY_SEED=${SEED}), config ${JSON.stringify(config, (k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v))}: ${e.message}`;
      throw e;
    }
  }
  t.diagnostic(JSON.stringify(counts));
  assert.ok(counts.built > CASES / 5 && counts.invalid > CASES / 5, `a mix of valid and invalid configs: ${JSON.stringify(counts)}`);
  assert.equal(M.heapInUse(), heap, 'the heap is back where it started');
  // Still usable.
  const after = new M.Trainer({ preset: 'dense', samples: 256, batch_size: 32, units: 8, test_samples: 8 });
  assert.equal(after.step(2).step, 2);
  after.delete();
});
