// HTML of the fake Zoho web UI. Plain pages, no scripts but where a test page needs one.

const esc = (text: unknown) =>
  String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const STYLE = `<style>body{font-family:sans-serif;margin:0}header{background:#1565c0;color:#fff;padding:12px 20px}
main{padding:20px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:6px 10px;text-align:left}
form{display:grid;gap:10px;max-width:320px}input,button{font-size:16px;padding:8px}.error{color:#b00020}</style>`;

const page = (title: string, body: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>${STYLE}</head><body>${body}</body></html>`;

const banner = (app: string, email: string) => `<header><strong>Zoho ${esc(app)} (fake)</strong> - Signed in as ${esc(email)}</header>`;

/** Step one of the sign-in: email and password. */
export function signInPage(serviceUrl: string, error?: string): string {
  return page('Sign in - Zoho Accounts (fake)', `<main><h1>Sign in to Zoho</h1>${error ? `<p class="error" id="error">${esc(error)}</p>` : ''}
<form method="post" action="/signin"><input type="hidden" name="serviceurl" value="${esc(serviceUrl)}">
<label>Email address <input id="login_id" name="LOGIN_ID" type="email" autocomplete="username" autofocus></label>
<label>Password <input id="password" name="PASSWORD" type="password" autocomplete="current-password"></label>
<button id="signin" type="submit">Sign in</button></form></main>`);
}

/** Step two: the one-time code of the user's authenticator. */
export function otpPage(tx: string, error?: string): string {
  return page('Verify - Zoho Accounts (fake)', `<main><h1>Enter the verification code</h1>${error ? `<p class="error" id="error">${esc(error)}</p>` : ''}
<form method="post" action="/signin/otp"><input type="hidden" name="tx" value="${esc(tx)}">
<label>Verification code <input id="otp" name="OTP" inputmode="numeric" autocomplete="one-time-code" autofocus></label>
<button id="verify" type="submit">Verify</button></form></main>`);
}

export function crmHomePage(email: string): string {
  return page('Home - Zoho CRM', `${banner('CRM', email)}<main><h1>Welcome to Zoho CRM</h1><p>Your open leads and deals.</p></main>`);
}

/** A record page: the record's fields as the web UI shows them. */
export function recordPage(email: string, module: string, record: Record<string, unknown>): string {
  const name = [record.First_Name, record.Last_Name].filter(Boolean).join(' ') || String(record.Account_Name ?? record.Deal_Name ?? record.id);
  const rows = Object.entries(record)
    .filter(([, v]) => v !== null && typeof v !== 'object')
    .map(([k, v]) => `<tr><th>${esc(k.replace(/_/g, ' '))}</th><td>${esc(v)}</td></tr>`).join('');
  return page(`${name} - ${module} - Zoho CRM`, `${banner('CRM', email)}<main><p>${esc(module)}</p><h1 id="record-name">${esc(name)}</h1><table>${rows}</table></main>`);
}

export function deskHomePage(email: string): string {
  return page('Tickets - Zoho Desk', `${banner('Desk', email)}<main><h1>My open tickets</h1></main>`);
}

export function ticketPage(email: string, ticket: Record<string, unknown>): string {
  return page(`#${ticket.ticketNumber} ${ticket.subject} - Zoho Desk`, `${banner('Desk', email)}<main><h1>${esc(ticket.subject)}</h1>
<p>Ticket #${esc(ticket.ticketNumber)} - ${esc(ticket.status)}</p></main>`);
}

export function notFoundPage(email: string, app: string): string {
  return page(`Not found - Zoho ${app}`, `${banner(app, email)}<main><h1>This page does not exist</h1></main>`);
}

/** A page on the app host asking for a password (a sign-in form served without a redirect). */
export function appSignInFormPage(): string {
  return page('Session expired - Zoho CRM', `<main><h1>Your session has expired</h1><form><input type="password" name="p"><button>Sign in</button></form></main>`);
}

/** Requests to a foreign host every way a page can make them; each must be refused. */
export function foreignSubresourcePage(email: string, foreign: string): string {
  return page('Subresources - Zoho CRM', `${banner('CRM', email)}<main><h1>A page with foreign parts</h1>
<link rel="preconnect" href="${esc(foreign)}"><link rel="prefetch" href="${esc(foreign)}/prefetch.js">
<link rel="stylesheet" href="${esc(foreign)}/style.css"><script src="${esc(foreign)}/script.js"></script>
<img src="${esc(foreign)}/pixel.png" alt=""><iframe src="${esc(foreign)}/frame.html" title="x"></iframe>
<script src="/crm/tests/foreign-calls.js"></script></main>`);
}

/** The script of that page: fetch, beacon, WebSocket, a popup and WebRTC towards the foreign host. */
export function foreignCallsScript(foreign: string, stunPort: number): string {
  const f = JSON.stringify(foreign);
  return `fetch(${f} + '/fetch', { mode: 'no-cors' }).catch(() => {});
navigator.sendBeacon(${f} + '/beacon', 'x');
try { new WebSocket(${f}.replace('http', 'ws') + '/ws'); } catch {}
window.open(${f} + '/popup');
try {
  const pc = new RTCPeerConnection({ iceServers: [{ urls: 'stun:127.0.0.1:${stunPort}' }] });
  pc.createDataChannel('x');
  pc.createOffer().then((o) => pc.setLocalDescription(o)).catch(() => {});
} catch {}
`;
}

/** A page that tries to take the browser off the Zoho hosts by script, and to local files. */
export function scriptEscapePage(email: string, target: string): string {
  return page('Escape - Zoho CRM', `${banner('CRM', email)}<main><h1>Leaving</h1><script>location.href = ${JSON.stringify(target)};</script></main>`);
}
