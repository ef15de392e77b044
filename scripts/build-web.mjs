#!/usr/bin/env node
// Assemble the static site in dist/: the page (web/), the wasm module (build/wasm/attention.mjs,
// which wraps attention_core.mjs + .wasm) and the front-end packages in dist/vendor/ with their licenses. Every path
// in the output is relative, so the folder works copied to any static host, except the oEmbed
// files (oembed.json, oembed/<preset>.json: one per preset of the module's table, see
// scripts/oembed.mjs), which oEmbed wants absolute: they name --site-url, the URL dist/ is
// served at (default http://127.0.0.1:8080/, what npm start serves).
//
// Usage: node scripts/build-web.mjs [--out dist] [--web web] [--wasm build/wasm] [--site-url URL]
// Run scripts/build.sh (the wasm build) first.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { pagePresets } from '../web/settings.js';
import { writeOembed } from './oembed.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// Module files beside the page, and the vendor files the page loads with classic <script> tags.
const MODULE_FILES = ['attention.mjs', 'export.mjs', 'attention_core.mjs', 'attention_core.wasm'];
const VENDOR = [
  // [package, file in the package, name in dist/vendor/, optional]
  ['chart.js', 'dist/chart.umd.js', 'chart.umd.js'],
  ['chart.js', 'dist/chart.umd.js.map', 'chart.umd.js.map', true],
  ['chartjs-chart-matrix', 'dist/chartjs-chart-matrix.min.js', 'chartjs-chart-matrix.min.js'],
  ['chartjs-chart-matrix', 'dist/chartjs-chart-matrix.min.js.map', 'chartjs-chart-matrix.min.js.map', true],
  ['gifenc', 'dist/gifenc.esm.js', 'gifenc.esm.js'],           // the map's GIF (an ES module)
  ['papaparse', 'papaparse.min.js', 'papaparse.min.js'],       // your own data: CSV
];
const LICENSE_NAMES = ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'LICENCE', 'LICENCE.md', 'license', 'license.md'];

function fail(msg) {
  console.error(`[build-web] error: ${msg}`);
  process.exit(1);
}

const DEFAULT_SITE_URL = 'http://127.0.0.1:8080/';

function parseArgs(argv) {
  const opts = { out: 'dist', web: 'web', wasm: 'build/wasm' };
  let siteUrl = null;
  for (let i = 0; i < argv.length; i++) {
    const m = /^--(out|web|wasm|site-url)(?:=(.*))?$/.exec(argv[i]);
    if (!m) fail(`unknown argument ${argv[i]} (usage: build-web.mjs [--out dist] [--web web] [--wasm build/wasm] [--site-url URL])`);
    const value = m[2] ?? argv[++i];
    if (!value) fail(`--${m[1]} needs a value`);
    if (m[1] === 'site-url') siteUrl = value;
    else opts[m[1]] = value;
  }
  for (const k of Object.keys(opts)) opts[k] = path.resolve(root, opts[k]);
  if (siteUrl !== null && !/^https?:\/\/[^/]/.test(siteUrl)) fail(`--site-url must be an absolute http(s) URL (got ${siteUrl})`);
  opts.siteUrl = siteUrl;
  return opts;
}

// Copy a tree, keeping subfolders; returns the number of files copied.
function copyTree(src, dest) {
  let n = 0;
  fs.mkdirSync(dest, { recursive: true });
  for (const e of fs.readdirSync(src, { withFileTypes: true })) {
    const s = path.join(src, e.name), d = path.join(dest, e.name);
    if (e.isDirectory()) n += copyTree(s, d);
    else if (e.isFile() || (e.isSymbolicLink() && fs.statSync(s).isFile())) {
      fs.copyFileSync(s, d);
      n++;
    }
  }
  return n;
}

const opts = parseArgs(process.argv.slice(2));
const rel = (p) => path.relative(root, p) || '.';
const t0 = performance.now();

// ---- check the inputs before touching the output ---------------------------------------------
for (const f of MODULE_FILES) {
  const p = path.join(opts.wasm, f);
  if (!fs.existsSync(p)) {
    fail(`${rel(p)} is missing: build the wasm module first (bash scripts/build.sh wasm, or npm run build)`);
  }
}
if (!fs.existsSync(path.join(opts.web, 'index.html'))) {
  fail(`${rel(path.join(opts.web, 'index.html'))} is missing: there is no page to build`);
}
const vendorSources = [];
for (const [pkg, file, name, optional] of VENDOR) {
  const p = path.join(root, 'node_modules', pkg, file);
  if (!fs.existsSync(p)) {
    if (optional) continue;
    fail(`${rel(p)} is missing: install the npm packages (bash scripts/setup.sh, or npm install)`);
  }
  vendorSources.push([p, name]);
}
const licenses = [];
for (const pkg of new Set(VENDOR.map(([pkg]) => pkg))) {
  const dir = path.join(root, 'node_modules', pkg);
  const lic = LICENSE_NAMES.find((n) => fs.existsSync(path.join(dir, n)));
  if (!lic) fail(`no license file found in ${rel(dir)}`);
  licenses.push([path.join(dir, lic), `${pkg}.${lic}`]);
}

// ---- write dist/ ------------------------------------------------------------------------------
if (opts.out === root || opts.out === opts.web || !opts.out.startsWith(root + path.sep)) {
  fail(`refusing to clean ${opts.out}: the output must be a folder inside the project`);
}
fs.rmSync(opts.out, { recursive: true, force: true });
const pageFiles = copyTree(opts.web, opts.out);
// embed.html: the same page in its compact embed mode (see web/main.js), so the markup is
// written once.
const page = fs.readFileSync(path.join(opts.web, 'index.html'), 'utf8');
if (!page.includes('<body>')) fail('web/index.html: expected a plain <body> tag to mark embed.html');
fs.writeFileSync(path.join(opts.out, 'embed.html'), page.replace('<body>', '<body data-mode="embed">'));
for (const f of MODULE_FILES) fs.copyFileSync(path.join(opts.wasm, f), path.join(opts.out, f));
const vendorDir = path.join(opts.out, 'vendor');
fs.mkdirSync(vendorDir, { recursive: true });
for (const [src, name] of [...vendorSources, ...licenses]) fs.copyFileSync(src, path.join(vendorDir, name));

// oEmbed: a response per preset of the module's table (read from the module, so a new preset
// gets its file), and the page's discovery link made absolute.
const { default: createModule } = await import(pathToFileURL(path.join(opts.wasm, 'attention.mjs')).href);
const M = await createModule({ wasmBinary: fs.readFileSync(path.join(opts.wasm, 'attention_core.wasm')) });
const oembedFiles = writeOembed(opts.out, { presets: pagePresets(M.presets(), M.tasks()), siteUrl: opts.siteUrl ?? DEFAULT_SITE_URL });

const bytes = (function size(dir) {
  let s = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    s += e.isDirectory() ? size(p) : fs.statSync(p).size;
  }
  return s;
})(opts.out);
console.log(
  `[build-web] ${rel(opts.out)}/: ${pageFiles} page files, ${MODULE_FILES.length} module files, ` +
  `${vendorSources.length + licenses.length} vendor files, ${oembedFiles.length} oEmbed files ` +
  `(${(bytes / 1024).toFixed(0)} KiB) in ${(performance.now() - t0).toFixed(0)} ms`);
if (!opts.siteUrl)
  console.log(`[build-web] the oEmbed files name ${DEFAULT_SITE_URL}; for a deployment: --site-url https://your.host/path/`);
