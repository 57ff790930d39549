// Who is signed in: a JWT (HS256, `sub` = user id) kept in localStorage.
//
// Development: POST /auth/dev-login {"user"} answers {"token"} (the server offers it only outside production).
// Production: the host application hands the page a token, in one of two ways:
//   1. It opens the page at  https://<runtime>/#token=<jwt>  (the fragment never reaches a server;
//      the page stores the token and removes the fragment from the address bar and history).
//   2. It opens the page with window.open(...) and posts the token to it:
//        win.postMessage({ type: 'zoho-runtime-token', token: jwt }, 'https://<runtime>')
//      The page accepts this only from its opener (or parent frame) and only from its own origin or an
//      origin listed in <meta name="zoho-runtime-token-origins">. When it loads it posts
//      { type: 'zoho-runtime-ready' } to its opener so the host knows when to send; when the token is
//      rejected (expired) it posts { type: 'zoho-runtime-token-expired' } so the host can send a new one.
// The page's CSP has frame-ancestors 'none', so it cannot be framed: use a window or a tab.

const TOKEN_KEY = 'zoho-runtime.token';

/** The payload of a JWT, not verified (the server verifies); undefined when it is not a JWT. */
export function decodeToken(token) {
  try {
    const part = token.split('.')[1];
    if (!part) return undefined;
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(json, (c) => c.charCodeAt(0));
    const payload = JSON.parse(new TextDecoder().decode(bytes));
    return payload && typeof payload === 'object' ? payload : undefined;
  } catch {
    return undefined;
  }
}

function sessionOf(token) {
  const payload = decodeToken(token);
  if (!payload || typeof payload.sub !== 'string' || !payload.sub) return undefined;
  if (typeof payload.exp === 'number' && payload.exp * 1000 <= Date.now()) return undefined;
  return { token, user: payload.sub, expiresAt: typeof payload.exp === 'number' ? payload.exp * 1000 : undefined };
}

/** The stored session, or undefined (an expired or unreadable token is dropped). */
export function currentSession() {
  const token = localStorage.getItem(TOKEN_KEY);
  if (!token) return undefined;
  const session = sessionOf(token);
  if (!session) localStorage.removeItem(TOKEN_KEY);
  return session;
}

/** Stores a token if it looks usable; returns the session or undefined. */
export function saveToken(token) {
  if (typeof token !== 'string' || token.length > 4096) return undefined;
  const session = sessionOf(token);
  if (session) localStorage.setItem(TOKEN_KEY, token);
  return session;
}

export function clearToken() {
  localStorage.removeItem(TOKEN_KEY);
}

/** Development sign-in; throws an ApiError-like object when the server refuses. */
export async function devLogin(user) {
  const res = await fetch('/auth/dev-login', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ user }),
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw Object.assign(new Error(body?.error?.message ?? `The server answered ${res.status}.`), { code: body?.error?.code, status: res.status });
  const session = saveToken(body.token);
  if (!session) throw new Error('The server sent a token the page cannot read.');
  return session;
}

/** `#token=<jwt>` in the address: store it and take it out of the address bar and history. */
export function takeFragmentToken() {
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get('token');
  if (!token) return undefined;
  history.replaceState(null, '', location.pathname + location.search);
  return saveToken(token);
}

function allowedOrigins() {
  const extra = document.querySelector('meta[name="zoho-runtime-token-origins"]')?.getAttribute('content') ?? '';
  return [location.origin, ...extra.split(/\s+/).filter(Boolean)];
}

function hostWindow() {
  if (window.opener && window.opener !== window) return window.opener;
  if (window.parent && window.parent !== window) return window.parent;
  return undefined;
}

/** Tells the host window something, addressed to each allowed origin only. */
export function tellHost(message) {
  const host = hostWindow();
  if (!host) return;
  for (const origin of allowedOrigins()) {
    try {
      host.postMessage(message, origin);
    } catch {
      // A malformed origin in the meta tag: skip it.
    }
  }
}

/** Accepts `{type:'zoho-runtime-token', token}` from the opener/parent on an allowed origin. */
export function listenForHostToken(onSession) {
  const origins = allowedOrigins();
  window.addEventListener('message', (event) => {
    if (!origins.includes(event.origin)) return;
    const host = hostWindow();
    if (!host || event.source !== host) return;
    const data = event.data;
    if (!data || data.type !== 'zoho-runtime-token') return;
    const session = saveToken(data.token);
    if (session) onSession(session);
  });
  tellHost({ type: 'zoho-runtime-ready' });
}
