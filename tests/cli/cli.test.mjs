// The command-line tool (build/native/attention): every preset and field as a flag, in both
// GNU forms, the per-sample maps beside the ground truth, and bad flags refused by name.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'build/native/attention');
const run = (...args) => spawnSync(cli, args, { encoding: 'utf8' });
const fast = ['--samples', '1200', '--epochs', '1', '--units', '8', '--attention-units', '8'];

test('--help lists every field with its limits, and the presets and tasks', () => {
  const r = run('--help');
  assert.equal(r.status, 0);
  for (const flag of ['--task', '--cell', '--attention', '--placement', '--score', '--attention-units', '--samples',
    '--test-samples', '--seed', '--trace'])
    assert.ok(r.stdout.includes(flag), flag);
  assert.match(r.stdout, /--samples V .*\[1, 10000000\]/);
  assert.match(r.stdout, /--epochs V .*\[1, 100000\]/);
  assert.match(r.stdout, /--test-samples V .*\[1, 100000\]/);
  for (const name of ['find_max', 'add_two_numbers', 'attention_example', 'answer_in_sequence']) assert.ok(r.stdout.includes(name), name);
  assert.match(r.stdout, /at most 1000 MB/);
});

test('a later preset with another score trains and prints each sample\'s attention beside its ground truth', () => {
  for (const [preset, truths] of [['find_max', 1], ['add_two_numbers', 2]]) {
    const r = run('--preset', preset, '--score=bahdanau', ...fast);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^attention +Attention +\(None, 8\)/m);
    assert.match(r.stdout, /Epoch 1\/1 - loss: [\d.]+ - mae: [\d.]+ - on_target: [\d.]+ - hit_rate: [\d.]+ - val_loss/);
    assert.match(r.stdout, /Attention of 8 held-out samples, % per position; \[x\] is the ground truth:/);
    const rows = r.stdout.split('\n').filter((l) => /^sample +\d+ /.test(l));
    assert.equal(rows.length, 8);
    for (const row of rows) assert.equal(row.match(/\[/g).length, truths, row);
    assert.match(r.stdout, /val attention on target [\d.]+, hit rate [\d.]+/);
  }
});

test('--flag value and --flag=value are the same run', () => {
  const a = run('--preset', 'lstm_before', '--samples', '600', '--time-steps', '6', '--attention-column', '2', '--trace', '5');
  const b = run('--preset=lstm_before', '--samples=600', '--time-steps=6', '--attention-column=2', '--trace=5');
  assert.equal(a.status, 0, a.stderr);
  assert.equal(b.stdout, a.stdout);
  assert.equal(JSON.parse(a.stdout).batch_loss.length, 5);
});

test('a model without attention trains and says so', () => {
  const r = run('--preset', 'add_two_numbers', '--attention', 'none', ...fast);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /No attention in this model \(attention none\); final val_mae [\d.]+/);
});

test('bad flags are refused naming the flag, with exit status 2 and nothing trained', () => {
  for (const [args, message] of [
    [['--trace', ''], /^attention: trace: expected an integer \(got ''\)/],
    [['--trace=0'], /^attention: trace: must be at least 1 \(got '0'\)/],
    [['--trace=x'], /^attention: trace: expected an integer \(got 'x'\)/],
    [['--samples', '99999999999'], /^attention: samples: must be at most 10000000 \(got '99999999999'\)/],
    [['--samples=-5'], /^attention: samples: must be a positive integer \(got -5\)/],
    [['--samples='], /^attention: samples: expected an integer \(got ''\)/],
    [['--learning-rate', 'abc'], /^attention: learning_rate: expected a number \(got 'abc'\)/],
    [['--preset', 'find_max', '--cell', 'none'], /^attention: cell: none takes vectors/],
    [['--preset', 'find_max', '--score', 'dotted'], /^attention: score: unknown score 'dotted'/],
    [['--preset', 'find_max', '--score', 'dot'], /^attention: score: dot needs queries and keys of one size/],
    [['--preset', 'reverse', '--time-steps', '1'], /^attention: time_steps: task reverse needs at least 2/],
    [['--nope', '1'], /^attention: unknown flag '--nope'/],
    [['--samples'], /^attention: --samples needs a value/],
  ]) {
    const r = run(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: status ${r.status}`);
    assert.match(r.stderr, message, args.join(' '));
    assert.equal(r.stdout, '', args.join(' '));
  }
});

test('--data FILE trains on a CSV file in the page\'s format, and a bad file is refused naming the row and column', async () => {
  const fs = await import('node:fs');
  const os = await import('node:os');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attention-cli-'));
  try {
    // A vector task's data: 400 samples of 8 entries, the answer at entry 1, with its mask.
    const lines = ['x_0,x_1,x_2,x_3,x_4,x_5,x_6,x_7,y,' + Array.from({ length: 8 }, (_, p) => `mask_${p}`).join(',')];
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
    for (let i = 0; i < 400; i++) {
      const y = i % 2;
      const x = Array.from({ length: 8 }, (_, k) => (k === 1 ? y : rand().toFixed(4)));
      lines.push([...x, y, ...Array.from({ length: 8 }, (_, p) => Number(p === 1))].join(','));
    }
    const good = path.join(dir, 'good.csv');
    fs.writeFileSync(good, lines.join('\n'));
    const r = run('--preset', 'dense', '--data', good, '--epochs', '30', '--units', '8', '--quiet');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /argmax 1 \(target 1\)/);
    assert.match(r.stdout, /val attention on target [\d.]+, hit rate [\d.]+/);
    for (const [name, content, message] of [
      ['letters.csv', 'x_0,x_1,x_2,x_3,y\n1,2,3,4,0\n1,2,3,abc,1\n', /^attention: data: row 2, column x_3: 'abc' is not a number/],
      ['missing.csv', 'x_0,x_1,y\n1,2,0\n1,,1\n', /^attention: data: row 2, column x_1: the value is missing/],
      ['ragged.csv', 'x_0,x_1,y\n1,2,0\n1,2\n', /^attention: data: row 2: 2 values where the header has 3 columns/],
      ['constant.csv', 'x_0,x_1,y\n1,2,0.5\n3,4,0.5\n', /^attention: data: column y: every row has the same target \(0.5\)/],
      ['no-target.csv', 'x_0,x_1\n1,2\n', /^attention: data: there is no column y/],
      ['empty.csv', '', /^attention: data: '.*empty.csv' is empty/],
      ['mask.csv', 'x_0,x_1,y,mask_0,mask_1\n1,2,0,2,0\n3,4,1,0,1\n', /^attention: data: row 1, column mask_0: a mask is 0 or 1 \(got 2\)/],
    ]) {
      fs.writeFileSync(path.join(dir, name), content);
      const bad = run('--preset', 'dense', '--data', path.join(dir, name));
      assert.equal(bad.status, 2, name);
      assert.match(bad.stderr, message, name);
    }
    const seq = run('--preset', 'lstm_before', '--data', good);
    assert.equal(seq.status, 2);
    assert.match(seq.stderr, /^attention: data: the file holds vectors, and task answer_in_sequence takes sequences/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
