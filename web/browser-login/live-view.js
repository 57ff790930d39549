// The live view of a Zoho sign-in (a login handover, POST /api/browser/login): frames of the
// server's headless browser, and the user's clicks and keys sent to it. Its token comes in the URL
// fragment (never sent in a request line) and is dropped from the address bar at once. What the
// user types is sent to the page and kept nowhere: not in storage, not in the DOM, not in a log.
import { readEventStream } from '/app/sse.js';

const $ = (id) => document.getElementById(id);
const loginId = location.pathname.split('/').filter(Boolean)[1] ?? '';
// Kept for this tab only (a reload keeps working); gone when the tab closes.
const token = location.hash.slice(1) || sessionStorage.getItem(`browser-login:${loginId}`) || '';
if (token) sessionStorage.setItem(`browser-login:${loginId}`, token);
history.replaceState(null, '', location.pathname);

const screen = $('screen');
const surface = $('surface');
let viewport = { width: 1280, height: 800 };
let ended = false;
let expiresAt;

const NAMED_KEYS = new Set(['Enter', 'Tab', 'Backspace', 'Delete', 'Escape', 'ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End', 'PageUp', 'PageDown']);
const auth = { authorization: `Bearer ${token}` };

function setStatus(text) {
  $('status').textContent = text;
}

function finish(status, message) {
  ended = true;
  $('view').hidden = true;
  const box = $('outcome');
  box.hidden = false;
  box.className = `outcome ${status === 'done' ? 'ok' : 'bad'}`;
  $('outcome-text').textContent = message || (status === 'done' ? 'Signed in to Zoho. You can close this page.' : 'This sign-in has ended.');
  setStatus(status === 'done' ? 'Signed in' : 'Ended');
  screen.removeAttribute('src');
}

// ---- input: queued, merged, sent in order ----
let queue = [];
let sending = false;
function enqueue(event) {
  if (ended) return;
  const last = queue.at(-1);
  if (event.type === 'text' && last?.type === 'text' && last.text.length + event.text.length <= 512) last.text += event.text;
  else queue.push(event);
  if (!sending) void flush();
}
async function flush() {
  sending = true;
  try {
    while (queue.length && !ended) {
      const events = queue.splice(0, 100);
      const res = await fetch(`/browser-login/${encodeURIComponent(loginId)}/input`, {
        method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ events }),
      }).catch(() => undefined);
      if (!res || !res.ok) setStatus('Some input did not reach the page; try again.');
    }
  } finally {
    queue = [];
    sending = false;
  }
}

function pointAt(e) {
  const rect = screen.getBoundingClientRect();
  const clamp = (v, max) => Math.max(0, Math.min(max, v));
  return {
    x: clamp(((e.clientX - rect.left) / rect.width) * viewport.width, viewport.width),
    y: clamp(((e.clientY - rect.top) / rect.height) * viewport.height, viewport.height),
  };
}

surface.addEventListener('click', (e) => {
  surface.focus();
  enqueue({ type: 'click', ...pointAt(e), clickCount: Math.min(3, Math.max(1, e.detail || 1)) });
});
surface.addEventListener('contextmenu', (e) => {
  e.preventDefault();
  enqueue({ type: 'click', ...pointAt(e), button: 'right' });
});
let lastWheel = 0;
surface.addEventListener('wheel', (e) => {
  e.preventDefault();
  const now = Date.now();
  if (now - lastWheel < 50) return;
  lastWheel = now;
  enqueue({ type: 'wheel', ...pointAt(e), dx: Math.max(-5000, Math.min(5000, e.deltaX)), dy: Math.max(-5000, Math.min(5000, e.deltaY)) });
}, { passive: false });
surface.addEventListener('keydown', (e) => {
  if (e.isComposing) return;
  const mod = e.ctrlKey || e.metaKey;
  if (mod && e.key.toLowerCase() === 'v') return; // the paste event below takes it
  if (mod && e.key.toLowerCase() === 'a') {
    e.preventDefault();
    enqueue({ type: 'key', key: e.metaKey ? 'Meta+a' : 'Control+a' });
  } else if (e.key === 'Tab' && e.shiftKey) {
    e.preventDefault();
    enqueue({ type: 'key', key: 'Shift+Tab' });
  } else if (NAMED_KEYS.has(e.key)) {
    e.preventDefault();
    enqueue({ type: 'key', key: e.key });
  } else if (e.key.length === 1 && !mod && !e.altKey) {
    e.preventDefault();
    enqueue({ type: 'text', text: e.key });
  }
});
surface.addEventListener('compositionend', (e) => {
  if (e.data) enqueue({ type: 'text', text: e.data.slice(0, 512) });
});
surface.addEventListener('paste', (e) => {
  e.preventDefault();
  const text = e.clipboardData?.getData('text') ?? '';
  for (let i = 0; i < text.length && i < 4096; i += 512) enqueue({ type: 'text', text: text.slice(i, i + 512) });
});
$('type-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const box = $('type-box');
  const text = box.value;
  box.value = '';
  for (let i = 0; i < text.length; i += 512) enqueue({ type: 'text', text: text.slice(i, i + 512) });
});
$('send-enter').addEventListener('click', () => enqueue({ type: 'key', key: 'Enter' }));

// ---- frames and status ----
function onEvent({ type, data }) {
  if (type === 'frame' && typeof data.data === 'string') {
    viewport = { width: data.width || 1280, height: data.height || 800 };
    screen.src = `data:image/jpeg;base64,${data.data}`;
  } else if (type === 'status') {
    if (data.expiresAt) expiresAt = new Date(data.expiresAt);
    if (data.status === 'waiting') setStatus(data.message || 'Waiting for you to sign in.');
    else finish(data.status, data.message);
  }
}

async function follow() {
  for (let attempt = 0; attempt < 20 && !ended; attempt += 1) {
    try {
      const res = await fetch(`/browser-login/${encodeURIComponent(loginId)}/events`, { headers: { ...auth, accept: 'text/event-stream' } });
      if (res.status === 404) return finish('failed', 'This sign-in link is not valid. Start the sign-in again from the chat.');
      if (!res.ok) {
        const body = await res.json().catch(() => ({}));
        return finish('failed', body?.error?.message || `The server answered ${res.status}.`);
      }
      await readEventStream(res, onEvent);
    } catch {
      // the stream broke: try again below
    }
    if (!ended) {
      setStatus('Reconnecting...');
      await new Promise((r) => setTimeout(r, 1500));
    }
  }
}

setInterval(() => {
  if (ended || !expiresAt) return;
  const left = Math.max(0, Math.round((expiresAt.getTime() - Date.now()) / 1000));
  if (left < 120) setStatus(`Waiting for you to sign in (${left} s left).`);
}, 1000);

if (!loginId || !token) finish('failed', 'This sign-in link is incomplete. Start the sign-in again from the chat.');
else {
  surface.focus();
  void follow();
}
