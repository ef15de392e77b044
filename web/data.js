// Your own data: a CSV file read in the page (nothing leaves it), parsed with PapaParse, then
// checked and turned into the arrays the core trains on. The format (README, "Your own data"):
// a header row; one sample per row; the inputs as x_<i> (vectors) or x_<t>_<d> (sequences,
// time step t and feature d, numbered from 0, any column order); the target y; optionally the
// ground truth as mask_<p> (1 where the answer is, else 0), one per position. Every problem is
// a message naming the row and the column; nothing is half-loaded.

export const LIMITS = { bytes: 50_000_000, rows: 1_000_000, positions: 200, features: 256 };

const VECTOR = /^x_(\d+)$/, SEQUENCE = /^x_(\d+)_(\d+)$/, MASK = /^mask_(\d+)$/;

const mb = (n) => `${(n / 1e6).toFixed(1)} MB`;
const err = (message) => ({ error: message });

// File -> { data: { x, y, mask, shape, n, positions, binary }, preview } or { error }.
export async function readCSV(file) {
  if (file.size > LIMITS.bytes) return err(`${file.name} is ${mb(file.size)}; the limit is ${mb(LIMITS.bytes)}. Use fewer rows.`);
  if (file.size === 0) return err(`${file.name} is empty.`);
  const Papa = globalThis.Papa;
  if (!Papa) return err('The CSV reader did not load (vendor/papaparse.min.js).');
  const parsed = Papa.parse(await file.text(), { header: true, skipEmptyLines: 'greedy', dynamicTyping: false });
  const fatal = parsed.errors.find((e) => e.type === 'Delimiter' || e.type === 'Quotes');
  if (fatal) return err(`${fatal.row !== undefined ? `row ${fatal.row + 1}: ` : ''}${fatal.message}.`);
  const ragged = parsed.errors.find((e) => e.type === 'FieldMismatch');
  if (ragged) return err(`row ${ragged.row + 1}: ${ragged.message.replace(/^Too (few|many) fields: expected (\d+) fields but parsed (\d+)$/, (_, w, want, got) => `${got} values where the header has ${want} columns`)}.`);
  return fromTable(parsed.meta.fields ?? [], parsed.data);
}

// header: column names; rows: objects of strings by column name.
export function fromTable(header, rows) {
  if (!rows.length) return err('The file has a header but no rows.');
  if (rows.length > LIMITS.rows) return err(`The file has ${rows.length} rows; the limit is ${LIMITS.rows}.`);
  const seen = new Set();
  for (const h of header) {
    if (seen.has(h)) return err(`Column ${h} appears twice in the header.`);
    seen.add(h);
  }
  if (!seen.has('y')) return err('There is no column y (the target).');
  const vector = header.filter((h) => VECTOR.test(h)), sequence = header.filter((h) => SEQUENCE.test(h));
  if (vector.length && sequence.length) return err('The inputs mix x_<i> (vectors) and x_<t>_<d> (sequences) columns: use one kind.');
  if (!vector.length && !sequence.length) return err('There are no input columns: name them x_0, x_1, ... (vectors) or x_0_0, x_0_1, ... (time step, feature).');
  const unknown = header.filter((h) => h !== 'y' && !VECTOR.test(h) && !SEQUENCE.test(h) && !MASK.test(h));
  if (unknown.length) return err(`Column ${unknown[0]} is not one of x_..., y, mask_... (see the format below).`);
  // The shape: every index from 0 to the largest present, each column once.
  let T = 0, D;
  if (vector.length) {
    D = 1 + Math.max(...vector.map((h) => Number(VECTOR.exec(h)[1])));
    for (let i = 0; i < D; i++) if (!seen.has(`x_${i}`)) return err(`Column x_${i} is missing (there is an x_${D - 1}).`);
  } else {
    T = 1 + Math.max(...sequence.map((h) => Number(SEQUENCE.exec(h)[1])));
    D = 1 + Math.max(...sequence.map((h) => Number(SEQUENCE.exec(h)[2])));
    for (let t = 0; t < T; t++)
      for (let d = 0; d < D; d++) if (!seen.has(`x_${t}_${d}`)) return err(`Column x_${t}_${d} is missing (the inputs are ${T} steps of ${D} features).`);
  }
  const P = T || D;
  if (P > LIMITS.positions && T) return err(`The inputs have ${T} time steps; the page's limit is ${LIMITS.positions}.`);
  if (D > LIMITS.features) return err(`The inputs have ${D} features; the page's limit is ${LIMITS.features}.`);
  const masks = header.filter((h) => MASK.test(h));
  if (masks.length) {
    for (let p = 0; p < P; p++) if (!seen.has(`mask_${p}`)) return err(`Column mask_${p} is missing: the mask needs one column per ${T ? 'time step' : 'input'} (0 to ${P - 1}).`);
    if (masks.length !== P) return err(`There are ${masks.length} mask columns for ${P} positions.`);
  }
  const n = rows.length, size = (T || 1) * D;
  const x = new Float32Array(n * size), y = new Float32Array(n), mask = masks.length ? new Float32Array(n * P) : null;
  const number = (row, r, column) => {
    const text = row[column];
    if (text === undefined || text === null || String(text).trim() === '') return { error: `row ${r + 1}, column ${column}: the value is missing.` };
    const v = Number(String(text).trim());
    if (!Number.isFinite(v)) return { error: `row ${r + 1}, column ${column}: '${String(text).slice(0, 20)}' is not a number.` };
    return { v };
  };
  const columns = vector.length ? Array.from({ length: D }, (_, i) => `x_${i}`) : Array.from({ length: T * D }, (_, k) => `x_${Math.floor(k / D)}_${k % D}`);
  for (let r = 0; r < n; r++) {
    const row = rows[r];
    for (let k = 0; k < size; k++) {
      const c = number(row, r, columns[k]);
      if (c.error) return err(c.error);
      x[r * size + k] = c.v;
    }
    const t = number(row, r, 'y');
    if (t.error) return err(t.error);
    y[r] = t.v;
    if (mask)
      for (let p = 0; p < P; p++) {
        const m = number(row, r, `mask_${p}`);
        if (m.error) return err(m.error);
        if (m.v !== 0 && m.v !== 1) return err(`row ${r + 1}, column mask_${p}: a mask is 0 or 1 (got ${m.v}).`);
        mask[r * P + p] = m.v;
      }
  }
  if (y.every((v) => v === y[0])) return err(`Column y: every row has the same target (${y[0]}), so there is nothing to learn.`);
  const binary = y.every((v) => v === 0 || v === 1);
  const shape = T ? [n, T, D] : [n, D];
  return {
    data: { x, y, mask, shape, n, T, D, positions: P, binary },
    preview: { header, rows: rows.slice(0, 5).map((row) => header.map((h) => row[h])) },
  };
}

// The presets whose models can train on data of this kind (vectors or sequences, 0/1 targets
// or values, the features a task requires; not the token and translation tasks, whose targets
// are sequences), with the config that fits the data.
export function fittingPresets(data, presets, tasks) {
  const byName = new Map(tasks.map((t) => [t.name, t]));
  return presets.flatMap((p) => {
    const task = byName.get(p.config.task);
    if (task.head !== 'sigmoid' && task.head !== 'linear') return []; // a file has one target per sample, not a sequence of tokens
    if (task.sequence !== Boolean(data.T)) return [];
    if ((task.head === 'sigmoid') !== data.binary) return [];
    if (task.fixed_input_dim && task.fixed_input_dim !== data.D) return [];
    if (data.T && data.T < task.min_time_steps) return [];
    const train = Math.floor(data.n * (1 - p.config.validation_split));
    const config = {
      ...p.config, preset: p.name, samples: data.n, input_dim: data.D,
      test_samples: Math.min(p.config.test_samples, data.n), batch_size: Math.max(1, Math.min(p.config.batch_size, train)),
    };
    if (data.T) config.time_steps = data.T;
    if (task.answer_position) config.attention_column = Math.min(p.config.attention_column, data.positions - 1);
    return [{ preset: p, config }];
  });
}
