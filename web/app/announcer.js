// The one live region: each finished answer is announced once (the message list itself is not
// live, so re-rendering an answer never re-reads it), and short confirmations ("Copied").
import { plainWords } from './api.js';
import { answerText } from './answer-state.js';

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

/** How a run of an answer ended, said once per `key` (an answer and its run). */
export function announceAnswer(message, key) {
  const error = message.parts.findLast((p) => p.kind === 'error');
  const ask = message.finishReason === 'approval_required' ? message.parts.findLast((p) => p.kind === 'action' && !p.resolved) : undefined;
  const text = message.state === 'error' ? `The answer failed: ${plainWords(error).text}`
    : message.state === 'stopped' ? 'Stopped.'
      : ask ? `Approval needed: ${ask.message}`
        : `The assistant answered: ${answerText(message).trim() || 'done.'}`;
  announce(text, key);
}
