// A browser tool's screenshot, inline in the chat. GET /api/browser/screenshots/:id needs the JWT,
// so the image is fetched with it and shown as a data: URL (the page's CSP allows data: images and
// nothing from elsewhere). One element per screenshot, reused across re-renders.
import { request } from './api.js';
import { h } from './dom.js';

const TOOL = 'browser_navigate_and_screenshot';
const shown = new Map(); // screenshot id → figure

/** The figure for a finished browser call's screenshot, or null for any other part. */
export function screenshotOf(part) {
  const result = part.tool === TOOL && part.outcome?.ok ? part.outcome.result : undefined;
  const shot = result?.screenshot;
  if (!shot || typeof shot.id !== 'string' || typeof shot.url !== 'string' || !shot.url.startsWith('/api/browser/screenshots/')) return null;
  let figure = shown.get(shot.id);
  if (!figure) {
    figure = build(shot, typeof result.title === 'string' ? result.title : '', typeof result.url === 'string' ? result.url : '');
    shown.set(shot.id, figure);
  }
  return figure;
}

function build(shot, title, pageUrl) {
  const img = h('img', { class: 'screenshot-img', alt: `Screenshot: ${title || pageUrl}`, width: shot.width, height: shot.height });
  // Styles through the CSSOM: the page's CSP refuses inline style attributes.
  Object.assign(img.style, { display: 'block', width: '100%', height: 'auto', maxWidth: '640px', border: '1px solid #8886', borderRadius: '6px', cursor: 'zoom-in' });
  img.addEventListener('click', () => {
    const big = img.style.maxWidth !== 'none';
    img.style.maxWidth = big ? 'none' : '640px';
    img.style.cursor = big ? 'zoom-out' : 'zoom-in';
  });
  const caption = h('figcaption', { class: 'muted' }, title || 'Screenshot', pageUrl ? ` (${pageUrl})` : '');
  const figure = h('figure', { class: 'screenshot', 'data-screenshot-id': shot.id }, img, caption);
  Object.assign(figure.style, { margin: '0.5rem 0' });
  void load(img, caption, shot.url);
  return figure;
}

async function load(img, caption, url) {
  try {
    const res = await request(url, { accept: 'image/jpeg, image/png' });
    const blob = await res.blob();
    img.src = await new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result);
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(blob);
    });
  } catch (error) {
    img.remove();
    caption.textContent = error?.status === 404 ? 'This screenshot has expired.' : 'The screenshot could not be loaded.';
  }
}
