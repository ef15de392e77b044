// Runs before the page's modules, as a classic script: it works where modules cannot load
// (a page opened from file://, a frame whose sandbox lacks allow-same-origin), and says so in
// words instead of "Loading the model…" forever. In the widget (embed.html) it also shows a
// link to the full page and hides the controls that cannot work; style.css may not have loaded
// there, so it hides them with the hidden attribute. main.js takes over from here when it runs.
(() => {
  // The full page of this widget: its URL without the embed's own parameters.
  const fullPage = () => {
    const query = new URLSearchParams(location.search);
    for (const k of ['views', 'controls', 'text', 'autoplay', 'initialWidth', 'childId', 'parentTitle', 'parentUrl']) query.delete(k);
    const q = query.toString();
    return new URL(`index.html${q ? `?${q}` : ''}`, location.href).href;
  };
  const say = (text, final = true) => {
    const show = () => {
      const notice = document.getElementById('notice');
      const status = document.getElementById('status');
      if (notice) {
        notice.hidden = false;
        notice.textContent = text;
      }
      if (status) status.textContent = text;
      if (document.body.dataset.mode === 'embed' && notice && final) {
        const link = document.createElement('a');
        link.href = fullPage();
        link.target = '_blank';
        link.rel = 'noopener';
        link.textContent = 'Open the full page ↗';
        notice.append(' ', link);
        document.body.dataset.failed = 'true';
        for (const part of document.querySelectorAll('body > .skip, body > header, body > main, body > footer')) part.hidden = true;
      }
    };
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', show);
    else show();
  };
  if (location.protocol === 'file:') {
    say('This page was opened from a file. Browsers run its training engine (a Web Worker and WebAssembly) only from a web server: run `npm start` and open http://127.0.0.1:8080, or put the dist/ folder on any static host.');
    return;
  }
  // A sandboxed frame without allow-same-origin has an opaque origin: the page's modules,
  // its worker and its .wasm cannot load from the server.
  if (self.origin === 'null') {
    say('This demo is in a frame whose sandbox lacks allow-same-origin, so it cannot load its training engine (a Web Worker and WebAssembly from its own site). Open the full page instead, or ask the site to add allow-same-origin to the iframe\'s sandbox.');
    return;
  }
  // If the modules never start (blocked by a policy, a very old browser), say so after a while.
  setTimeout(() => {
    if (!document.body?.dataset.started && !document.getElementById('notice')?.textContent)
      say('The demo has not started after 20 seconds. If this persists: the browser may block its scripts, Web Workers or WebAssembly (a Content-Security-Policy, an extension, or an old browser). Reloading may help.', false);
  }, 20000);
})();
