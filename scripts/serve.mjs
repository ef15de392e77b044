#!/usr/bin/env node
// A dependency-free static file server for dist/, bound to 127.0.0.1 only. It sends the
// headers docs/deployment.md recommends for any static host: a Content-Security-Policy,
// Cross-Origin-Resource-Policy and X-Content-Type-Options: nosniff.
//
//   node scripts/serve.mjs [--port 8080] [--root dist] [--csp POLICY | --csp none]
//
// For tests: import { serve } from './serve.mjs';
//   const { url, port, close } = await serve({ root: 'dist', port: 0 });   // 0: any free port
//   serve({ root, port: 0, csp: '...' })   // another policy; csp: null sends none
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HOST = '127.0.0.1';

export const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

// The recommended policy (docs/deployment.md explains each part). Nothing inline, no eval:
// the wasm module's glue is built with -sDYNAMIC_EXECUTION=0, and wasm compilation needs only
// 'wasm-unsafe-eval'. frame-ancestors *: any http(s) page may frame the widget (embed.html),
// which is what it is for; it holds no user data and has no action worth clickjacking.
export const RECOMMENDED_CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "worker-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "object-src 'none'",
  "base-uri 'none'",
  'frame-ancestors *',
].join('; ');

// Cross-Origin-Resource-Policy: same-origin for everything the page loads itself (its scripts,
// worker, module, .wasm and vendor files all come from its own origin, also inside an iframe
// on a blog), cross-origin for the files other origins load: embed-host.js (a <script> on
// the host page), attention-demo.js (the custom element, a module script on the host page),
// embed.html (the iframe's document; only checked when the host page is cross-origin
// isolated), boot.js (in a frame whose sandbox lacks allow-same-origin the document's origin
// is opaque, so every file is cross-origin to it: boot.js is the one that still loads there, to
// say why the demo cannot start), and the oEmbed responses. By file name, in any folder (dist/
// may sit in a sub-folder).
export const CROSS_ORIGIN_FILES = new Set(['embed-host.js', 'attention-demo.js', 'embed.html', 'boot.js']);
const isOembed = (relPath) => /(^|\/)(oembed\.json|oembed\/[^/]+\.json)$/.test(relPath);

// Access-Control-Allow-Origin: * for the files other origins read rather than run as a classic
// script: a module script from another origin is fetched with CORS (attention-demo.js), and so
// is an oEmbed response read by a consumer's browser. Both are public and carry no credentials.
export const CORS_FILES = new Set(['attention-demo.js']);

/** The security headers for a file, as a path below the root ('/embed.html'). */
export function securityHeaders(relPath, { csp = RECOMMENDED_CSP } = {}) {
  const name = path.posix.basename(relPath);
  const crossOrigin = CROSS_ORIGIN_FILES.has(name) || isOembed(relPath);
  return {
    ...(csp ? { 'Content-Security-Policy': csp } : {}),
    'Cross-Origin-Resource-Policy': crossOrigin ? 'cross-origin' : 'same-origin',
    ...(CORS_FILES.has(name) || isOembed(relPath) ? { 'Access-Control-Allow-Origin': '*' } : {}),
    'X-Content-Type-Options': 'nosniff',
  };
}

function send(res, status, body, headers = {}) {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

// The file a request path maps to, or null when it does not exist or lies outside the root.
function resolveFile(rootReal, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;                                // malformed percent-encoding
  }
  if (decoded.includes('\0')) return null;
  let file = path.resolve(rootReal, '.' + path.posix.normalize('/' + decoded));
  const inside = (p) => p === rootReal || p.startsWith(rootReal + path.sep);
  if (!inside(file)) return null;
  let stat;
  try {
    stat = fs.statSync(file);
    if (stat.isDirectory()) {
      file = path.join(file, 'index.html');
      stat = fs.statSync(file);
    }
    // Symbolic links must not lead out of the root either.
    const real = fs.realpathSync(file);
    if (!inside(real) || !stat.isFile()) return null;
  } catch {
    return null;
  }
  return { file, stat, relPath: '/' + path.relative(rootReal, file).split(path.sep).join('/') };
}

function handler(rootReal, { csp }) {
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, 'Method Not Allowed\n', { Allow: 'GET, HEAD' });
      return;
    }
    const urlPath = (req.url || '/').split(/[?#]/, 1)[0];
    const found = urlPath.startsWith('/') ? resolveFile(rootReal, urlPath) : null;
    if (!found) {
      send(res, 404, 'Not Found\n');
      return;
    }
    const type = MIME_TYPES[path.extname(found.file).toLowerCase()] || 'application/octet-stream';
    res.writeHead(200, {
      'Content-Type': type,
      'Content-Length': found.stat.size,
      'Cache-Control': 'no-cache',
      'Last-Modified': found.stat.mtime.toUTCString(),
      ...securityHeaders(found.relPath, { csp }),
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const stream = fs.createReadStream(found.file);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  };
}

// A request whose URL and headers pass Node's limit (16 KB, http.maxHeaderSize) never reaches
// the handler: Node would answer a bare 431. The page's own limits make such a URL pointless
// (every setting fits in a few hundred bytes), so the limit stays, and the answer is still
// 431 but with a short page that says why and links to the page without its parameters, as
// the page's note does for other bad parameters. Other malformed requests keep Node's 400.
const TOO_LONG_PAGE = (href) => `<!doctype html>
<html lang="en"><meta charset="utf-8"><title>Link too long</title>
<body style="font:16px/1.5 system-ui,sans-serif;max-width:40em;margin:2em auto;padding:0 1em">
<h1>This link is too long</h1>
<p>The address is longer than the ${Math.round(http.maxHeaderSize / 1024)} KB this server reads, so it was not
opened. Every setting of the page fits in a link of a few hundred characters: this one holds
something else.</p>
<p><a href="${href}">Open the page with its default settings</a>, then choose them again.</p>
</body></html>
`;

function onClientError(err, socket) {
  if (!socket.writable) return;
  if (err.code !== 'HPE_HEADER_OVERFLOW') {
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    return;
  }
  // The path of the request line, if it is a plain one; the page's root otherwise.
  const line = err.rawPacket ? err.rawPacket.toString('latin1', 0, 2048) : '';
  const m = /^(?:GET|HEAD) (\/[A-Za-z0-9._\/-]{0,200})[?# ]/.exec(line);
  const href = m && !m[1].includes('..') ? m[1] : '/';
  const body = TOO_LONG_PAGE(href);
  socket.end([
    'HTTP/1.1 431 Request Header Fields Too Large',
    'Content-Type: text/html; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    "Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'",
    'X-Content-Type-Options: nosniff',
    'Cache-Control: no-cache',
    'Connection: close',
    '', body].join('\r\n'));
}

/**
 * Serve `root` on 127.0.0.1. Resolves to { url, port, close } once listening.
 * `csp`: the Content-Security-Policy sent with every file (default RECOMMENDED_CSP; null or ''
 * for none).
 */
export async function serve({ root, port = 0, csp = RECOMMENDED_CSP } = {}) {
  if (!root) throw new Error('serve: root is required');
  let rootReal;
  try {
    rootReal = fs.realpathSync(path.resolve(root));
  } catch {
    throw new Error(`serve: ${root} does not exist (run node scripts/build-web.mjs first)`);
  }
  if (!fs.statSync(rootReal).isDirectory()) throw new Error(`serve: ${root} is not a folder`);
  const server = http.createServer(handler(rootReal, { csp }));
  server.on('clientError', onClientError);
  const sockets = new Set();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actual = server.address().port;
  return {
    url: `http://${HOST}:${actual}/`,
    port: actual,
    server,
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();      // don't wait for keep-alive connections
    }),
  };
}

// ---- command line ------------------------------------------------------------------------------
const isMain = process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (isMain) {
  const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const usage = 'usage: node scripts/serve.mjs [--port 8080] [--root dist] [--csp POLICY | --csp none]';
  let port = 8080;
  let root = path.join(projectRoot, 'dist');
  let csp = RECOMMENDED_CSP;
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    const m = /^--(port|root|csp)(?:=(.*))?$/.exec(args[i]);
    if (args[i] === '--help' || args[i] === '-h') {
      console.log(usage);
      process.exit(0);
    }
    if (!m) {
      console.error(`serve: unknown argument ${args[i]}\n${usage}`);
      process.exit(2);
    }
    const value = m[2] ?? args[++i];
    if (value === undefined) {
      console.error(`serve: --${m[1]} needs a value\n${usage}`);
      process.exit(2);
    }
    if (m[1] === 'port') {
      port = Number(value);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        console.error(`serve: --port must be an integer 0..65535 (got ${value})`);
        process.exit(2);
      }
    } else if (m[1] === 'csp') {
      csp = value.trim() === 'none' ? null : value.trim();
    } else {
      root = path.resolve(process.cwd(), value);
    }
  }
  try {
    const s = await serve({ root, port, csp });
    console.log(`Serving on ${s.url}`);
    console.log(csp ? `Content-Security-Policy: ${csp}` : 'No Content-Security-Policy (--csp none)');
    const stop = () => s.close().then(() => process.exit(0));
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  } catch (e) {
    const msg = e.code === 'EADDRINUSE' ? `port ${port} is already in use (try --port 0 or another port)` : e.message;
    console.error(`serve: ${msg}`);
    process.exit(1);
  }
}
