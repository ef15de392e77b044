// The page's own settings (web/settings.js) against the module's tables: every setting the page
// names is a core field or marked page-only, every page default is a valid config, and the
// words for choice values name real choices. The page keeps no copy of a core fact.
import test from 'node:test';
import assert from 'node:assert/strict';
import { loadModule } from './module.mjs';
import { CHOICE_LABELS, PAGE_DEFAULTS, PAGE_FIELDS, PAGE_OPTIONS, parse, presetValues } from '../../web/settings.js';

const M = await loadModule();
const fields = new Map(M.configFields().map((f) => [f.name, f]));
const presets = new Map(M.presets().map((p) => [p.name, p]));

test('every page setting is a core field or marked page-only', () => {
  for (const name of Object.keys(PAGE_FIELDS)) assert.ok(fields.has(name), `PAGE_FIELDS.${name} is a core field`);
  for (const o of PAGE_OPTIONS) assert.ok(!fields.has(o.key), `page option ${o.key} is not also a core field`);
  for (const [name, words] of Object.entries(CHOICE_LABELS)) {
    assert.ok(fields.get(name)?.choices, `CHOICE_LABELS.${name} is a core field with choices`);
    for (const v of Object.keys(words)) assert.ok(fields.get(name).choices.includes(v), `${name}: ${v} is one of its choices`);
  }
});

test('page limits only tighten the core\'s, and page defaults are valid configs within them', () => {
  for (const [name, page] of Object.entries(PAGE_FIELDS))
    if (page.max !== undefined) assert.ok(page.max <= fields.get(name).max, `${name}: the page's max is within the core's`);
  for (const [preset, values] of Object.entries(PAGE_DEFAULTS)) {
    assert.ok(presets.has(preset), `PAGE_DEFAULTS.${preset} is a preset`);
    for (const [k, v] of Object.entries(values)) {
      assert.ok(fields.has(k), `${preset}.${k} is a core field`);
      assert.deepEqual(parse(fields.get(k), String(v)), { value: v }, `${preset}.${k} = ${v} passes the page's check`);
    }
    const e = M.estimate({ preset, ...values });
    assert.ok(e.total < e.limit, `${preset} with the page's defaults fits the memory limit`);
  }
  // Every preset starts valid on the page: its values (with the page's defaults) pass the page's checks.
  for (const p of presets.values())
    for (const [k, v] of Object.entries(presetValues(p))) {
      if (k === 'preset') continue;
      const f = fields.get(k);
      assert.deepEqual(parse(f, f.type === 'boolean' ? v : String(v)), { value: v }, `${p.name}.${k} = ${v} passes the page's check`);
    }
});
