// Boot: sign-in (development form, or a token from the host app), then the connections panel and the chat.
import { configureApi } from './api.js';
import { clearToken, currentSession, devLogin, listenForHostToken, takeFragmentToken, tellHost } from './auth.js';
import { createChat } from './chat.js';
import { createConnectionsPanel } from './connections.js';

const $ = (id) => document.getElementById(id);
const devLoginOn = document.body.dataset.devLogin === 'on';
let session;

configureApi({
  token: () => session?.token,
  unauthorized: () => {
    if (!session) return;
    signOut(devLoginOn ? 'Your sign-in has expired. Please sign in again.' : 'Your sign-in has expired. Reopen this page from your application.');
    tellHost({ type: 'zoho-runtime-token-expired' });
  },
});

const connections = createConnectionsPanel($('connections'), { onChange: showZohoState });
const chat = createChat(
  { messages: $('messages'), composer: $('composer'), prompt: $('prompt'), send: $('send'), stop: $('stop') },
  {
    connect(code) {
      if (window.matchMedia('(max-width: 760px)').matches) setConnectionsOpen(true);
      void connections.connect(code === 'ZOHO_RECONNECT_REQUIRED' ? connections.reconnectDc() : undefined);
    },
  },
);

function start(next) {
  session = next;
  $('signin').hidden = true;
  $('workspace').hidden = false;
  $('session-actions').hidden = false;
  $('user-chip').textContent = session.user;
  $('user-chip').title = session.expiresAt ? `Signed in until ${new Date(session.expiresAt).toLocaleString()}` : 'Signed in';
  chat.load(session.user);
  void connections.refresh();
  $('prompt').focus();
}

function signOut(message = '') {
  chat.stop();
  session = undefined;
  clearToken();
  $('workspace').hidden = true;
  $('session-actions').hidden = true;
  showSignIn(message);
}

function showSignIn(message = '') {
  $('signin').hidden = false;
  $('signin-dev').hidden = !devLoginOn;
  $('signin-host').hidden = devLoginOn;
  $('signin-error').textContent = message;
  if (devLoginOn) $('signin-user').focus();
}

function showZohoState(list) {
  const dot = $('zoho-dot');
  const needs = list.some((c) => c.status === 'needs_reconnect');
  const active = list.some((c) => c.status === 'active');
  dot.className = `dot ${needs ? 'dot-warn' : active ? 'dot-ok' : 'dot-off'}`;
  $('toggle-connections').title = needs ? 'A Zoho connection needs reconnecting' : active ? 'Zoho is connected' : 'Zoho is not connected';
}

function setConnectionsOpen(open) {
  document.body.classList.toggle('show-connections', open);
  $('toggle-connections').setAttribute('aria-expanded', String(open));
}

$('toggle-connections').addEventListener('click', () => setConnectionsOpen(!document.body.classList.contains('show-connections')));
$('new-chat').addEventListener('click', () => {
  if (chat.busy && !confirm('Stop the running answer and start a new chat?')) return;
  chat.clear();
  $('prompt').focus();
});
$('sign-out').addEventListener('click', () => signOut());

$('signin-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const user = $('signin-user').value.trim();
  if (!/^[\w.@-]{1,64}$/.test(user)) {
    $('signin-error').textContent = 'Use 1 to 64 letters, digits, or _ . @ -';
    return;
  }
  $('signin-error').textContent = '';
  try {
    start(await devLogin(user));
  } catch (error) {
    $('signin-error').textContent = error.status === 404
      ? 'Development sign-in is off on this server.'
      : `Could not sign in: ${error.message}`;
  }
});

listenForHostToken((next) => start(next));
const initial = takeFragmentToken() ?? currentSession();
if (initial) start(initial);
else showSignIn();
