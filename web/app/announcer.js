// The one live region: each finished answer is announced once (the message list itself is not
// live, so re-rendering an answer never re-reads it), and short confirmations ("Copied").

let region;
const announced = new Set();

export function setAnnouncer(el) {
  region = el;
}

/** Says `text` politely; with `onceFor`, only the first time for that id. */
export function announce(text, onceFor) {
  if (!region || !text) return;
  if (onceFor !== undefined) {
    if (announced.has(onceFor)) return;
    announced.add(onceFor);
  }
  // A change of text is what screen readers read: clear first, so the same words twice are read twice.
  region.textContent = '';
  setTimeout(() => { region.textContent = text.length > 400 ? `${text.slice(0, 400)}...` : text; }, 50);
}
