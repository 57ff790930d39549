// Boot and wiring: sign-in (development form, or a token from the host app), then the
// conversation list, the chat and the Zoho connections sheet; sign-out clears this browser's data.
import { configureApi } from './api.js';
import { setAnnouncer } from './announcer.js';
import { clearToken, currentSession, devLogin, listenForHostToken, takeFragmentToken, tellHost } from './auth.js';
import { createChat } from './chat.js';
import { createComposer } from './composer.js';
import { createConnectionsPanel } from './connections.js';
import { createConversationList } from './conversation-list.js';
import { screenshotOf } from './screenshot.js';
import { createScroller } from './scroller.js';
import { closeTopSheet, createSheet } from './sheet.js';
import { clearLocalData } from './storage.js';
import { registerResultRenderer } from './tool-part.js';

const $ = (id) => document.getElementById(id);
const devLoginOn = document.body.dataset.devLogin === 'on';
const phone = window.matchMedia('(max-width: 760px)');
let session;

configureApi({
  token: () => session?.token,
  unauthorized: () => {
    if (!session) return;
    signOut(devLoginOn ? 'Your sign-in has expired. Please sign in again.' : 'Your sign-in has expired. Reopen this page from your application.');
    tellHost({ type: 'zoho-runtime-token-expired' });
  },
});
setAnnouncer($('announcer'));
registerResultRenderer('browser_navigate_and_screenshot', screenshotOf);

const behind = () => [$('topbar'), $('sidebar'), $('chat')];
const backdrop = $('backdrop');
const connectionsSheet = createSheet($('connections'), {
  backdrop, behind, onToggle: (open) => $('zoho-status').setAttribute('aria-expanded', String(open)),
});
const sidebarSheet = createSheet($('sidebar'), {
  backdrop, behind: () => [$('topbar'), $('chat')], onToggle: (open) => $('toggle-sidebar').setAttribute('aria-expanded', String(open)),
});

const connections = createConnectionsPanel($('connections'), {
  onChange: showZohoState,
  onConnected: () => connectionsSheet.hide(),
  onClose: () => connectionsSheet.hide(),
});
const composer = createComposer(
  { composer: $('composer'), prompt: $('prompt'), send: $('send'), stop: $('stop') },
  { onSend: (text) => void chat.send(text), onStop: () => chat.stop() },
);
const list = createConversationList($('conversation-list'), {
  onOpen: (id) => {
    sidebarSheet.hide();
    if (id === chat.conversationId) return composer.focus();
    if (chat.busy && !confirm('Stop the running answer and open that conversation?')) return;
    chat.open(id);
    composer.focus();
  },
  onDeleted: (id) => {
    if (id === chat.conversationId) chat.newChat();
  },
});
const chat = createChat({ messages: $('messages') }, { composer, scroller: createScroller($('messages'), $('jump-latest')), list }, {
  connect(code) {
    void connections.connect(code === 'ZOHO_RECONNECT_REQUIRED' ? connections.reconnectDc() : undefined);
  },
});

function start(next) {
  session = next;
  $('signin').hidden = true;
  $('workspace').hidden = false;
  $('session-actions').hidden = false;
  $('toggle-sidebar').hidden = false;
  for (const chip of [$('user-chip'), $('user-chip-phone')]) {
    chip.textContent = session.user;
    chip.title = session.expiresAt ? `Signed in until ${new Date(session.expiresAt).toLocaleString()}` : 'Signed in';
  }
  chat.load(session.user);
  void list.refresh().then(() => chat.catchUp());
  void connections.refresh();
  composer.focus();
}

/** Sign-out: the token, every cached conversation and preference of this page go from this browser. */
function signOut(message = '') {
  chat.close();
  session = undefined;
  clearToken();
  clearLocalData();
  list.clear();
  connectionsSheet.hide();
  sidebarSheet.hide();
  $('workspace').hidden = true;
  $('session-actions').hidden = true;
  $('toggle-sidebar').hidden = true;
  showSignIn(message);
}

function showSignIn(message = '') {
  $('signin').hidden = false;
  $('signin-dev').hidden = !devLoginOn;
  $('signin-host').hidden = devLoginOn;
  $('signin-error').textContent = message;
  if (devLoginOn) $('signin-user').focus();
}

function showZohoState(all) {
  const needs = all.some((c) => c.status === 'needs_reconnect');
  const active = all.find((c) => c.status === 'active');
  $('zoho-dot').className = `dot ${needs ? 'dot-warn' : active ? 'dot-ok' : 'dot-off'}`;
  const full = needs ? 'Zoho needs reconnecting' : active ? `Zoho: ${active.email ?? 'connected'}` : 'Connect Zoho';
  $('zoho-status-text').textContent = phone.matches ? 'Zoho' : full;
  $('zoho-status').title = needs ? 'A Zoho connection needs reconnecting' : active ? `Zoho is connected (${active.email ?? active.zohoUserId})` : 'Zoho is not connected';
  chat.showConnections(all);
}
phone.addEventListener('change', () => showZohoState(connections.connections));

$('zoho-status').addEventListener('click', () => connectionsSheet.toggle());
$('toggle-sidebar').addEventListener('click', () => sidebarSheet.toggle());
$('close-sidebar').addEventListener('click', () => sidebarSheet.hide());
$('new-chat').addEventListener('click', () => {
  if (chat.busy && !confirm('Stop the running answer and start a new chat?')) return;
  chat.newChat();
  composer.focus();
});
for (const id of ['sign-out', 'sign-out-phone']) $(id).addEventListener('click', () => signOut());
document.addEventListener('keydown', (e) => {
  if (e.key !== 'Escape' || e.defaultPrevented) return;
  if (closeTopSheet() || (session && chat.busy && (chat.stop(), true))) e.preventDefault();
});

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
