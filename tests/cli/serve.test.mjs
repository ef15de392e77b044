// scripts/serve.mjs (npm start's server) on URLs past Node's 16 KB header limit: a 431 with a
// short page that says why and links to the page without its parameters, never a bare 431;
// the server keeps serving.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { serve } from '../../scripts/serve.mjs';

// One raw HTTP/1.1 request; resolves to { status, headers, body }.
function request(port, target) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    });
    let raw = '';
    socket.setEncoding('latin1');
    socket.on('data', (d) => { raw += d; });
    socket.on('error', reject);
    socket.on('close', () => {
      const [head, ...rest] = raw.split('\r\n\r\n');
      const [statusLine, ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') });
    });
  });
}

test('a URL past 16 KB gets a readable 431 page linking to the page itself', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'attention-serve-'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>page</title>');
  fs.writeFileSync(path.join(dir, 'embed.html'), '<!doctype html><title>embed</title>');
  const s = await serve({ root: dir, port: 0 });
  try {
    const long = `model=lstm&note=${'x'.repeat(20 * 1024)}`;
    for (const [target, href] of [[`/?${long}`, '/'], [`/embed.html?${long}`, '/embed.html'], [`/${'y'.repeat(20 * 1024)}`, '/']]) {
      const r = await request(s.port, target);
      assert.equal(r.status, 431, target.slice(0, 30));
      assert.match(r.headers['content-type'], /^text\/html/);
      assert.match(r.body, /This link is too long/);
      assert.match(r.body, new RegExp(`<a href="${href}">Open the page with its default settings</a>`));
      assert.equal(Number(r.headers['content-length']), Buffer.byteLength(r.body));
    }
    // Just under the limit, the page itself; and the server still serves.
    assert.equal((await request(s.port, `/?note=${'x'.repeat(15 * 1024)}`)).status, 200);
    const ok = await request(s.port, '/embed.html?model=dense');
    assert.equal(ok.status, 200);
    assert.match(ok.body, /<title>embed<\/title>/);
  } finally {
    await s.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
