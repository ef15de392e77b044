// The embed code, one function per flavour (plain HTML, a Markdown-friendly iframe, a Hugo
// shortcode, a Jekyll include, Quarto, WordPress, the custom element), all from one description
// of the widget. Pure functions of strings, no DOM: the page's embed builder, the oEmbed files
// of scripts/build-web.mjs and the tests share them.
//
// A widget: { base, params, title, resize }
//   base    the absolute URL of the folder holding embed.html (ends with /)
//   params  URLSearchParams of the widget (preset, fields, views, controls, ...)
//   title   the iframe's title, what a screen reader announces
//   resize  true: the snippet adds embed-host.js, which sets the iframe to its content's height;
//           false: the iframe keeps the fallback box below (no script)

// Without a script the iframe is 4:3 and at least 480 px tall: the compact widget fits in that
// at 700 px wide (525 px) and at 360 px (480 px). The oEmbed files state 700 x 525.
export const FALLBACK = Object.freeze({ width: 700, height: 525, minHeight: 480 });
export const FALLBACK_STYLE = `width:100%;max-width:${FALLBACK.width}px;aspect-ratio:4/3;min-height:${FALLBACK.minHeight}px;border:0`;

// allow-scripts: the demo runs; allow-same-origin: its worker and .wasm load from its own origin;
// allow-popups: its "Open the full page" link. Nothing else.
export const SANDBOX = 'allow-scripts allow-same-origin allow-popups';

export const FLAVOURS = [
  { name: 'html', label: 'HTML' },
  { name: 'markdown', label: 'Markdown (one line, no script)' },
  { name: 'hugo', label: 'Hugo shortcode' },
  { name: 'jekyll', label: 'Jekyll include' },
  { name: 'quarto', label: 'Quarto' },
  { name: 'wordpress', label: 'WordPress (Custom HTML block)' },
  { name: 'element', label: 'Custom element <attention-demo>' },
];

export const escapeAttr = (text) =>
  String(text).replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

// A shortcode's or include's argument is a double-quoted string: it must hold no double quote.
const argument = (text) => String(text).replaceAll('"', '\u201d');

export const embedURL = ({ base, params }) => {
  const query = params.toString().replaceAll('%2C', ','); // views=attention,loss reads better; a comma is fine in a query
  return new URL(`embed.html${query ? `?${query}` : ''}`, base).href;
};
export const hostScriptURL = ({ base }) => new URL('embed-host.js', base).href;
export const elementScriptURL = ({ base }) => new URL('attention-demo.js', base).href;

const iframe = (src, title, extra = '') =>
  `<iframe src="${escapeAttr(src)}" title="${escapeAttr(title)}"${extra} loading="lazy" sandbox="${SANDBOX}" style="${FALLBACK_STYLE}"></iframe>`;
const hostScript = (w) => (w.resize ? `\n<script src="${escapeAttr(hostScriptURL(w))}" async></script>` : '');

/** The iframe (and, to fit its content, the host script): what HTML, Quarto, WordPress and oEmbed carry. */
export function iframeHTML(w) {
  return iframe(embedURL(w), w.title) + hostScript(w);
}

const TEMPLATE = {
  // Go's html/template escapes each value for its place (the URL, the attribute).
  hugo: (w) => `<iframe src="{{ .Get "src" }}" title="{{ .Get "title" }}" loading="lazy" sandbox="${SANDBOX}" style="${FALLBACK_STYLE}"></iframe>${hostScript(w)}
`,
  // Liquid does not escape by itself: | escape.
  jekyll: (w) => `<iframe src="{{ include.src | escape }}" title="{{ include.title | escape }}" loading="lazy" sandbox="${SANDBOX}" style="${FALLBACK_STYLE}"></iframe>${hostScript(w)}
`,
};

/**
 * The code for one flavour: { code, template?: { path, text }, note }. `template` is a file the
 * site needs once (the shortcode or the include); `note` says where the code goes.
 */
export function snippet(flavour, w) {
  const src = embedURL(w);
  switch (flavour) {
    case 'html':
      return { code: iframeHTML(w), note: 'Paste it where the demo goes. The script line lets the demo grow to fit its content; without it the frame stays 4:3, at least 480 px tall.' };
    case 'markdown':
      // One line, no blank line, no indentation, no script: Markdown passes it through as raw
      // HTML. width and height stay if a sanitizer drops the style attribute.
      return {
        code: iframe(src, w.title, ` width="${FALLBACK.width}" height="${FALLBACK.height}"`),
        note: `On a line of its own, with a blank line before and after. It keeps a fixed ${FALLBACK.height} px height (no script). Your Markdown must allow raw HTML (Hugo: markup.goldmark.renderer.unsafe; GitHub and many platforms strip iframes).`,
      };
    case 'hugo':
      return {
        code: `{{< attention-demo src="${argument(src)}" title="${argument(w.title)}" >}}`,
        template: { path: 'layouts/shortcodes/attention-demo.html', text: TEMPLATE.hugo(w) },
        note: 'Save the template once as layouts/shortcodes/attention-demo.html; then the line above goes in any post.',
      };
    case 'jekyll':
      return {
        code: `{% include attention-demo.html src="${argument(src)}" title="${argument(w.title)}" %}`,
        template: { path: '_includes/attention-demo.html', text: TEMPLATE.jekyll(w) },
        note: 'Save the template once as _includes/attention-demo.html; then the line above goes in any post.',
      };
    case 'quarto':
      return { code: `\`\`\`{=html}\n${iframeHTML(w)}\n\`\`\``, note: 'A raw HTML block: it appears in HTML output (html, revealjs, dashboards) and is left out of PDF and Word.' };
    case 'wordpress':
      return {
        code: `<!-- wp:html -->\n${iframeHTML(w)}\n<!-- /wp:html -->`,
        note: 'Paste it in the code editor, or paste the lines between the comments into a Custom HTML block. WordPress keeps iframes and scripts only for users allowed unfiltered HTML (administrators and editors on a single site).',
      };
    case 'element': {
      const attrs = [...w.params].map(([k, v]) => ` ${k}="${escapeAttr(v)}"`).join('');
      return {
        code: `<script type="module" src="${escapeAttr(elementScriptURL(w))}"></script>\n<attention-demo${attrs} title="${escapeAttr(w.title)}"></attention-demo>`,
        note: 'The script once per page; then any number of <attention-demo> elements. Each makes a sandboxed iframe that fits its content, and fires ready, epoch and done events.',
      };
    }
    default:
      throw new Error(`unknown flavour ${flavour}`);
  }
}
