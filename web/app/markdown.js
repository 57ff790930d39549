// Model text → safe HTML: marked renders markdown, DOMPurify removes anything executable.
// Nothing from the model or from Zoho data can run script, load a remote image or frame a page
// (and the page's CSP would refuse it anyway: img-src 'self' data:).
import { Marked } from '/vendor/marked.esm.js';
import DOMPurify from '/vendor/purify.es.mjs';

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

/** A sanitised DocumentFragment of the markdown `text`. */
export function renderMarkdown(text) {
  const html = marked.parse(text ?? '');
  return DOMPurify.sanitize(html, PURIFY);
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
const escapeAttr = escapeHtml;
