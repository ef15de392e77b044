// Optional script for pages that embed the attention demo (embed.html) in an iframe: it sets
// each demo's iframe to the height of its content, and turns the demo's events into DOM events
// on its iframe.
//
// The demo posts { type: 'attention-widget:<kind>', ... } to its parent: resize ({ height } in
// CSS pixels, whenever its height changes, also while scrolled out of view), ready, epoch, done
// and failed (see attention-demo.js for their fields). This script accepts a message only from
// a window that is one of this page's iframes (event.source) and only from that iframe's own
// origin. It applies nothing but a clamped height, and dispatches the others as CustomEvents
// on the iframe (iframe.addEventListener('done', (e) => e.detail.peak)). Without this script
// the iframe keeps the fallback box of its style attribute (4:3, at least 480 px tall).
(() => {
  if (window.__attentionEmbedHost) return; // loaded twice: one listener is enough
  window.__attentionEmbedHost = true;
  const PREFIX = 'attention-widget:';
  const EVENTS = ['ready', 'epoch', 'done', 'failed'];
  window.addEventListener('message', (event) => {
    const data = event.data;
    if (!data || typeof data.type !== 'string' || !data.type.startsWith(PREFIX)) return;
    const kind = data.type.slice(PREFIX.length);
    for (const frame of document.querySelectorAll('iframe')) {
      if (frame.contentWindow !== event.source) continue;
      if (new URL(frame.src, location.href).origin !== event.origin) return;
      if (kind === 'resize' && Number.isFinite(data.height)) {
        frame.style.aspectRatio = 'auto';
        frame.style.minHeight = '0';
        frame.style.height = `${Math.round(Math.min(Math.max(data.height, 120), 4000))}px`;
      } else if (EVENTS.includes(kind)) {
        const { type, ...detail } = data;
        frame.dispatchEvent(new CustomEvent(kind, { detail }));
      }
      return;
    }
  });
})();
