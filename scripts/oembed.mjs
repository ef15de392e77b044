// oEmbed (https://oembed.com) for a static host: one response per preset, as files, and the
// discovery tag of the page pointing at the default one. scripts/build-web.mjs writes them; the
// tests write them again for their own server's URL.
//
//   dist/oembed/<preset>.json   the widget of that preset (every preset of the module's table)
//   dist/oembed.json            the default preset's (the page without ?preset=), which the
//                               page's <link rel="alternate" type="application/json+oembed">
//                               names; main.js points the link at the current preset's file
//
// Each is a "rich" response: version, type, html (the iframe snippet of web/snippets.js, with
// the host script), width and height (the snippet's fallback box, 700 x 525), title,
// provider_name, provider_url. oEmbed wants absolute URLs, so the files name the site's URL.
import fs from 'node:fs';
import path from 'node:path';
import { FALLBACK, iframeHTML } from '../web/snippets.js';

export const PROVIDER_NAME = 'Attention playground';
export const CACHE_AGE = 86400; // s: the files change only with a new build

/** The oEmbed response for one preset (a row of M.presets()) of the site at `siteUrl` (ends with /). */
export function oembedResponse(preset, siteUrl) {
  const params = new URLSearchParams({ preset: preset.name });
  return {
    version: '1.0',
    type: 'rich',
    title: `Watch attention learn: ${preset.label}`,
    provider_name: PROVIDER_NAME,
    provider_url: siteUrl,
    cache_age: CACHE_AGE,
    html: iframeHTML({ base: siteUrl, params, title: `Attention demo (${preset.label})`, resize: true }),
    width: FALLBACK.width,
    height: FALLBACK.height,
  };
}

/**
 * Write oembed/<preset>.json and oembed.json into `dir` (a built dist/), and make the discovery
 * link of its index.html and embed.html absolute. Returns the files written, relative to `dir`.
 */
export function writeOembed(dir, { presets, siteUrl }) {
  const site = new URL(siteUrl).href.replace(/\/?$/, '/');
  fs.mkdirSync(path.join(dir, 'oembed'), { recursive: true });
  const written = [];
  for (const p of presets) {
    const file = path.join('oembed', `${p.name}.json`);
    fs.writeFileSync(path.join(dir, file), `${JSON.stringify(oembedResponse(p, site), null, 2)}\n`);
    written.push(file);
  }
  fs.writeFileSync(path.join(dir, 'oembed.json'), `${JSON.stringify(oembedResponse(presets[0], site), null, 2)}\n`);
  written.push('oembed.json');
  for (const page of ['index.html', 'embed.html']) {
    const file = path.join(dir, page);
    if (!fs.existsSync(file)) continue;
    const html = fs.readFileSync(file, 'utf8');
    const tag = /(<link rel="alternate" type="application\/json\+oembed" href=")[^"]*(")/;
    if (!tag.test(html)) throw new Error(`${page}: no <link rel="alternate" type="application/json+oembed"> to point at oembed.json`);
    fs.writeFileSync(file, html.replace(tag, `$1${site}oembed.json$2`));
  }
  return written;
}
