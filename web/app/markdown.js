// Model text → safe HTML: marked renders markdown, DOMPurify removes anything executable; then
// tables get a scroller of their own and code blocks a header with their language and a copy button.
// Nothing from the model or from Zoho data can run script, load a remote image or frame a page
// (and the page's CSP would refuse it anyway: img-src 'self' data:).
import { Marked } from '/vendor/marked.esm.js';
import DOMPurify from '/vendor/purify.es.mjs';
import { copyButton } from './copy.js';
import { h } from './dom.js';

const marked = new Marked({
  gfm: true,
  breaks: true,
  async: false,
  renderer: {
    // An image in model output becomes a plain link: nothing is fetched unless the person clicks it.
    image({ href, text }) {
      const label = text ? `image: ${text}` : 'image';
      return `<a href="${escapeAttr(href ?? '')}">[${escapeHtml(label)}]</a>`;
    },
  },
});

DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A') {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer nofollow');
  }
});

const PURIFY = {
  FORBID_TAGS: ['img', 'picture', 'source', 'video', 'audio', 'track', 'iframe', 'object', 'embed', 'form', 'input',
    'button', 'textarea', 'select', 'style', 'link', 'meta', 'base', 'svg', 'math'],
  FORBID_ATTR: ['style', 'srcset', 'background', 'poster', 'formaction'],
  ALLOW_DATA_ATTR: false,
  RETURN_DOM_FRAGMENT: true,
};

/** A sanitised DocumentFragment of the markdown `text`, its tables and code blocks made readable on any screen. */
export function renderMarkdown(text) {
  const html = marked.parse(text ?? '');
  const fragment = DOMPurify.sanitize(html, PURIFY);
  for (const table of fragment.querySelectorAll('table')) {
    // Its own scroller: cells keep their words whole and a wide table scrolls sideways (focusable, for keyboards).
    const scroller = h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': 'Table' });
    table.before(scroller);
    scroller.append(table);
  }
  for (const pre of fragment.querySelectorAll('pre')) {
    const code = pre.querySelector('code');
    const language = /(?:^|\s)language-([\w+#.-]{1,30})/.exec(code?.className ?? '')?.[1];
    const block = h('div', { class: 'code-block' },
      h('div', { class: 'code-head' },
        h('span', { class: 'code-lang' }, language ?? 'text'),
        copyButton(() => pre.textContent, language ? `${language} code` : 'code')));
    pre.before(block);
    block.append(pre);
    pre.setAttribute('tabindex', '0');
  }
  return fragment;
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
const escapeAttr = escapeHtml;
