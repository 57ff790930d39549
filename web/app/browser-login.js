// What the chat shows for action_required `browser_login_required`: a button that starts a Zoho
// sign-in (POST /api/browser/login), opens its live view in a new tab, follows it
// (GET /api/browser/login/:loginId) and, once signed in, offers to ask again.
import { getJson } from './api.js';
import { h } from './dom.js';

const views = new WeakMap(); // action part → element, kept across re-renders

/** `retry()` sends the question again once the session is active. */
export function browserLoginAction(part, { retry }) {
  let el = views.get(part);
  if (el) return el;
  const text = h('div', { class: 'action-text' }, part.message || 'Sign in to Zoho in the browser to let the assistant see Zoho pages.');
  const button = h('button', { class: 'btn btn-primary btn-small', type: 'button' }, 'Sign in to Zoho');
  const buttons = h('div', { class: 'action-buttons' }, button);
  el = h('div', { class: 'browser-login' }, text, buttons);
  views.set(part, el);

  button.addEventListener('click', async () => {
    button.disabled = true;
    // Opened in the click itself so no pop-up blocker stops it; its address is set once known.
    const win = window.open('about:blank', '_blank');
    try {
      const login = await getJson('/api/browser/login', { method: 'POST', json: {} });
      if (win) {
        win.opener = null;
        win.location.href = login.viewUrl;
      }
      text.textContent = win ? 'Sign in to Zoho in the new tab.' : 'Open the sign-in page:';
      if (!win) buttons.replaceChildren(h('a', { href: login.viewUrl, target: '_blank', rel: 'noopener' }, 'Sign in to Zoho'));
      const outcome = await follow(login.loginId, Date.parse(login.expiresAt));
      if (outcome.status === 'done') {
        text.textContent = 'Signed in to Zoho.';
        buttons.replaceChildren(h('button', { class: 'btn btn-primary btn-small', type: 'button', onclick: () => retry() }, 'Ask again'));
      } else {
        text.textContent = outcome.message || 'The sign-in did not finish.';
        button.disabled = false;
        buttons.replaceChildren(button);
      }
    } catch (error) {
      win?.close();
      text.textContent = `Could not start the sign-in: ${error?.message || 'unknown error'}`;
      button.disabled = false;
    }
  });
  return el;
}

async function follow(loginId, expiresAt) {
  for (;;) {
    await new Promise((r) => setTimeout(r, 1500));
    try {
      const status = await getJson(`/api/browser/login/${encodeURIComponent(loginId)}`);
      if (status.status !== 'waiting') return status;
    } catch (error) {
      if (error?.status === 404) return { status: 'failed', message: 'The sign-in was not found.' };
    }
    if (Date.now() > expiresAt + 5000) return { status: 'expired', message: 'The sign-in was not finished in time.' };
  }
}
