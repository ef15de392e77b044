// <attention-demo>: the widget as a custom element, for a page that would rather write
//
//   <script type="module" src="https://your.host/attention/attention-demo.js"></script>
//   <attention-demo preset="lstm_before" views="attention,loss"></attention-demo>
//
// than an iframe. It makes one: a sandboxed iframe of embed.html, in the element's shadow root.
// Why an iframe and not the widget itself in a shadow root: the widget trains in a Web Worker
// on a WebAssembly module, and a page can start a worker only from its own origin, so on a
// blog's page the worker (and the .wasm) would have to come from the blog. In its own frame the
// widget keeps its origin, its Content-Security-Policy, its sandbox and its styles, whatever
// the host page does.
//
// Attributes: every attribute but the element's own (below) goes to the widget's URL as it is,
// so they mirror the URL parameters (preset, views, controls, text, autoplay, speed and every
// config field: samples, epochs, ...); a change reloads the widget. The element's own: title
// (the iframe's title), base (the folder holding embed.html; default: this module's folder),
// loading (default lazy), and the global ones (class, id, style, ...).
//
// Events, dispatched on the element (they do not bubble), each a CustomEvent whose detail is
// what the widget sent: ready (a model is built: preset, epochs, totalSteps), epoch (an epoch
// ended: epoch, epochs, step, loss, metric, attention_on_target, hit_rate and val_ ones), done
// (training stopped: status 'done' or 'diverged', message, the same numbers, and peak and
// answer for the attention), failed (the widget cannot run here: message). The element also
// takes its height from the widget's resize messages. It accepts a message only from its own
// iframe's window and that iframe's origin.
//
// One ES module, no imports: a host loads it cross-origin (it is served with CORS).
const PREFIX = 'attention-widget:';
const EVENTS = ['ready', 'epoch', 'done', 'failed'];
const OWN = new Set(['title', 'base', 'loading', 'class', 'id', 'style', 'slot', 'hidden', 'lang', 'dir', 'tabindex', 'part', 'is', 'inert', 'nonce']);
const own = (name) => OWN.has(name) || name.startsWith('aria-') || name.startsWith('data-') || name.startsWith('on');
const SANDBOX = 'allow-scripts allow-same-origin allow-popups';
const HERE = new URL('.', import.meta.url);

// :host's display through a constructed stylesheet (CSSOM, which a host's style-src does not
// govern); the iframe's own box as inline properties through the CSSOM too.
let sheet = null;
try {
  sheet = new CSSStyleSheet();
  sheet.replaceSync(':host { display: block; } :host([hidden]) { display: none; }');
} catch {
  sheet = null; // an older browser: the element is inline, the iframe still a block
}

class AttentionDemo extends HTMLElement {
  #frame = null;
  #origin = '';
  #observer = null;
  #onMessage = (event) => this.#message(event);

  connectedCallback() {
    if (!this.#frame) {
      const root = this.attachShadow({ mode: 'open' });
      if (sheet) root.adoptedStyleSheets = [sheet];
      const frame = document.createElement('iframe');
      frame.setAttribute('sandbox', SANDBOX);
      Object.assign(frame.style, { display: 'block', width: '100%', aspectRatio: '4 / 3', minHeight: '480px', border: '0' });
      root.append(frame);
      this.#frame = frame;
      this.#observer = new MutationObserver(() => this.#load());
    }
    this.#observer.observe(this, { attributes: true });
    window.addEventListener('message', this.#onMessage);
    this.#load();
  }

  disconnectedCallback() {
    this.#observer?.disconnect();
    window.removeEventListener('message', this.#onMessage);
  }

  /** The iframe (read only): for a page that wants to style or inspect it. */
  get frame() {
    return this.#frame;
  }

  #load() {
    const params = new URLSearchParams();
    for (const { name, value } of this.attributes) if (!own(name)) params.set(name, value);
    let base = new URL(this.getAttribute('base') || HERE, document.baseURI).href;
    if (!base.endsWith('/')) base += '/';
    const query = params.toString().replaceAll('%2C', ','); // views=attention,loss
    const url = new URL(`embed.html${query ? `?${query}` : ''}`, base);
    this.#origin = url.origin;
    const frame = this.#frame;
    frame.title = this.getAttribute('title') || 'Attention demo: a small network learning where to look';
    frame.loading = this.getAttribute('loading') || 'lazy';
    if (frame.src !== url.href) frame.src = url.href;
  }

  #message(event) {
    const frame = this.#frame;
    if (!frame || event.source !== frame.contentWindow || event.origin !== this.#origin) return;
    const data = event.data;
    if (!data || typeof data.type !== 'string' || !data.type.startsWith(PREFIX)) return;
    const kind = data.type.slice(PREFIX.length);
    if (kind === 'resize') {
      if (!Number.isFinite(data.height)) return;
      frame.style.aspectRatio = 'auto';
      frame.style.minHeight = '0';
      frame.style.height = `${Math.round(Math.min(Math.max(data.height, 120), 4000))}px`;
      return;
    }
    if (!EVENTS.includes(kind)) return;
    const { type, ...detail } = data;
    this.dispatchEvent(new CustomEvent(kind, { detail }));
  }
}

if (!customElements.get('attention-demo')) customElements.define('attention-demo', AttentionDemo);
