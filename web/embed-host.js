// Optional script for pages that embed the attention demo (embed.html) in an iframe: it sets
// each demo's iframe to the height of its content.
//
// The demo posts { type: 'attention-widget:resize', height: <CSS pixels> } to its parent
// whenever its height changes. This script accepts the message only from a window that is
// one of this page's iframes (event.source) and only from that iframe's own origin, and
// applies nothing but a clamped height. Without this script the iframe keeps the fixed
// aspect ratio of its style attribute.
(() => {
  const TYPE = 'attention-widget:resize';
  window.addEventListener('message', (event) => {
    const data = event.data;
    if (!data || data.type !== TYPE || !Number.isFinite(data.height)) return;
    for (const frame of document.querySelectorAll('iframe')) {
      if (frame.contentWindow !== event.source) continue;
      if (new URL(frame.src, location.href).origin !== event.origin) return;
      frame.style.aspectRatio = 'auto';
      frame.style.height = `${Math.round(Math.min(Math.max(data.height, 120), 4000))}px`;
      return;
    }
  });
})();
