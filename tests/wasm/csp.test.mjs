// The built module's JS glue generates no code at run time, so the page works under a
// Content-Security-Policy without 'unsafe-eval' (see docs/deployment.md). CMakeLists.txt links
// attention_wasm with -sDYNAMIC_EXECUTION=0 for that; without it Embind's glue calls
// `new Function` to build its call wrappers. tests/browser/csp.test.mjs checks the same in
// Chromium, under the policy itself.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { root } from './module.mjs';

const files = ['attention.mjs', 'export.mjs', 'attention_core.mjs'].map((f) => path.join(root, 'build/wasm', f));

// Each pattern: a construct that compiles a string as code. Identifiers that merely end in
// "Function" (craftInvokerFunction, embind__requireFunction) are not calls of Function itself.
const DYNAMIC_CODE = [
  ['new Function', /\bnew\s+Function\b/],
  ['Function(...)', /(?:^|[^\w$.])Function\s*\(/],
  ['eval(...)', /(?:^|[^\w$])eval\s*\(/],
  ['indirect eval', /\(\s*0\s*,\s*eval\s*\)/],
  ['setTimeout/setInterval with a string', /\bset(?:Timeout|Interval)\s*\(\s*["'`]/],
];

test('attention.mjs, export.mjs and attention_core.mjs contain no eval and no new Function (-sDYNAMIC_EXECUTION=0)', () => {
  const found = [];
  for (const file of files) {
    assert.ok(fs.existsSync(file), `${path.relative(root, file)} is missing: build the wasm module first`);
    const src = fs.readFileSync(file, 'utf8');
    for (const [name, re] of DYNAMIC_CODE) {
      const m = re.exec(src);
      if (m) found.push(`${path.basename(file)}: ${name} at offset ${m.index}: …${src.slice(Math.max(0, m.index - 40), m.index + 60)}…`);
    }
  }
  assert.deepEqual(found, [], `the module's glue generates code at run time (is -sDYNAMIC_EXECUTION=0 still set?):\n${found.join('\n')}`);
});

test('the check itself finds the glue of a module built without -sDYNAMIC_EXECUTION=0', () => {
  // A line of what Embind 3.1.6 emits by default, and names that must not count.
  const dynamic = 'var invokerFunction=new Function("throwBindingError","invoker",invokerFnBody)';
  assert.ok(DYNAMIC_CODE.some(([, re]) => re.test(dynamic)));
  assert.ok(DYNAMIC_CODE.some(([, re]) => re.test('x=Function("return this")()')));
  assert.ok(DYNAMIC_CODE.some(([, re]) => re.test('var r=eval(code)')));
  const harmless = 'invoker=embind__requireFunction(sig,ptr);f=craftInvokerFunction(a,b);o.evaluate(x);retrieval(y)';
  assert.ok(!DYNAMIC_CODE.some(([, re]) => re.test(harmless)));
});
