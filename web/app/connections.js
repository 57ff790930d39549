// The Zoho connections panel: list (data centre, email, status), connect, reconnect, disconnect.
import { getJson, plainWords, request } from './api.js';
import { h } from './dom.js';

export const DATA_CENTRES = [
  ['com', 'United States'],
  ['eu', 'Europe'],
  ['in', 'India'],
  ['com.au', 'Australia'],
  ['jp', 'Japan'],
  ['ca', 'Canada'],
  ['com.cn', 'China'],
  ['sa', 'Saudi Arabia'],
  ['uk', 'United Kingdom'],
];
const DC_KEY = 'zoho-runtime.dc';
const dcName = (code) => {
  const dc = DATA_CENTRES.find(([c]) => c === code);
  return dc ? `${dc[1]} (${code})` : code;
};

/**
 * `root` gets the panel; `onChange(connections)` runs after each load, `onConnected(connection)`
 * once a connect round trip added or renewed one, `onClose()` from the panel's close control.
 * Connecting opens Zoho's consent page in a popup (the same window when popups are blocked); the list
 * reloads when the popup comes back to our callback page or is closed.
 */
export function createConnectionsPanel(root, { onChange, onConnected = () => {}, onClose }) {
  let connections = [];
  let loaded = false;
  let busy = false;
  let note = { text: '', kind: '' };
  let watcher;

  const dcSelect = h('select', { id: 'dc-select', name: 'dc' },
    DATA_CENTRES.map(([code, name]) => h('option', { value: code }, `${name} (${code})`)));
  dcSelect.value = localStorage.getItem(DC_KEY) ?? 'com';
  dcSelect.addEventListener('change', () => localStorage.setItem(DC_KEY, dcSelect.value));

  const list = h('ul', { class: 'conn-list' });
  const noteEl = h('p', { class: 'panel-note', role: 'status' });
  const connectButton = h('button', { class: 'btn btn-primary', type: 'submit', id: 'connect-zoho' }, 'Connect Zoho');
  root.replaceChildren(
    h('div', { class: 'panel-head' },
      h('h2', { id: 'connections-title' }, 'Zoho connections'),
      h('button', { class: 'btn btn-ghost btn-small', type: 'button', id: 'refresh-connections', title: 'Reload the list', onclick: () => refresh() }, 'Refresh'),
      onClose ? h('button', { class: 'btn btn-ghost btn-small close-sheet', type: 'button', 'aria-label': 'Close Zoho connections', onclick: onClose }, '\u00d7') : null),
    list,
    h('form', { class: 'connect-form', onsubmit: (e) => { e.preventDefault(); connect(dcSelect.value); } },
      h('label', { for: 'dc-select' }, 'Data centre'),
      h('div', { class: 'connect-row' }, dcSelect, connectButton)),
    noteEl,
  );

  function setNote(text, kind = '') {
    note = { text, kind };
    render();
  }

  function render() {
    connectButton.disabled = busy;
    noteEl.textContent = note.text;
    noteEl.className = `panel-note ${note.kind}`;
    if (!loaded) {
      list.replaceChildren(h('li', { class: 'conn-empty' }, 'Loading…'));
      return;
    }
    if (connections.length === 0) {
      list.replaceChildren(h('li', { class: 'conn-empty' }, 'No Zoho account connected yet. Choose your data centre and connect.'));
      return;
    }
    list.replaceChildren(...connections.map((c) => {
      const needs = c.status === 'needs_reconnect';
      return h('li', { class: `conn ${needs ? 'conn-needs' : ''}`, 'data-connection-id': c.id },
        h('div', { class: 'conn-main' },
          h('span', { class: 'conn-email', title: c.email ?? c.zohoUserId }, c.email ?? `Zoho user ${c.zohoUserId}`),
          h('span', { class: `badge ${needs ? 'badge-warn' : 'badge-ok'}` }, needs ? 'Needs reconnect' : 'Connected')),
        h('div', { class: 'conn-meta' },
          `Data centre: ${dcName(c.dc)}`,
          c.crmOrgId ? ` · CRM org ${c.crmOrgId}` : '',
          c.deskOrgId ? ` · Desk org ${c.deskOrgId}` : ''),
        h('div', { class: 'conn-actions' },
          needs ? h('button', { class: 'btn btn-primary btn-small', type: 'button', disabled: busy, onclick: () => connect(c.dc) }, 'Reconnect') : null,
          h('button', { class: 'btn btn-ghost btn-small btn-danger-text', type: 'button', disabled: busy, onclick: () => disconnect(c) }, 'Disconnect')));
    }));
  }

  async function refresh() {
    try {
      const body = await getJson('/api/connections');
      connections = body.connections ?? [];
      loaded = true;
      render();
      onChange(connections);
    } catch (error) {
      loaded = true;
      const { text } = plainWords(error);
      setNote(`Could not load connections. ${text}`, 'error');
    }
    return connections;
  }

  /** Starts the OAuth round trip for data centre `dc`. Call from a click: the popup must open synchronously. */
  async function connect(dc = dcSelect.value) {
    if (busy) return;
    busy = true;
    setNote('Opening Zoho…');
    // Opened before the first await, so popup blockers see the click that caused it.
    const popup = window.open('', 'zoho-connect', 'popup,width=540,height=720');
    try {
      const { authorizeUrl } = await getJson('/api/connections/zoho', { method: 'POST', json: { dc } });
      if (!popup || popup.closed) {
        location.assign(authorizeUrl); // popups blocked: go there in this window; Zoho brings the person back
        return;
      }
      popup.opener = null; // Zoho's page gets no handle on this one
      popup.location.href = authorizeUrl;
      setNote('Finish in the Zoho window. This list updates when you are done.');
      watch(popup);
    } catch (error) {
      popup?.close();
      const { text, detail } = plainWords(error);
      setNote(`Could not start connecting: ${text} ${detail}`, 'error');
    } finally {
      busy = false;
      render();
    }
  }

  /** Polls the popup: done when it is closed, or when it is back on our callback page (same origin again). */
  function watch(popup) {
    clearInterval(watcher);
    watcher = setInterval(async () => {
      let outcome;
      if (popup.closed) {
        outcome = { closed: true };
      } else {
        try {
          if (popup.location.pathname === '/auth/zoho/callback' && popup.document.readyState === 'complete') {
            outcome = { heading: popup.document.querySelector('h1')?.textContent ?? '', message: popup.document.querySelector('p')?.textContent ?? '' };
            popup.close();
          }
        } catch {
          // Still at Zoho (another origin): keep waiting.
        }
      }
      if (!outcome) return;
      clearInterval(watcher);
      const before = new Set(connections.map((c) => `${c.id}:${c.status}:${c.updatedAt}`));
      await refresh();
      const changed = connections.find((c) => !before.has(`${c.id}:${c.status}:${c.updatedAt}`));
      if (changed) {
        setNote(`Connected ${changed.email ?? `Zoho user ${changed.zohoUserId}`} (${dcName(changed.dc)}).`, 'ok');
        onConnected(changed);
      }
      else if (outcome.closed) setNote('The Zoho window was closed before connecting.');
      else setNote(`${outcome.heading}. ${outcome.message}`, 'error');
    }, 400);
  }

  async function disconnect(c) {
    const label = c.email ?? `Zoho user ${c.zohoUserId}`;
    if (!confirm(`Disconnect ${label}? The assistant will no longer reach this Zoho account.`)) return;
    busy = true;
    render();
    try {
      await request(`/api/connections/${encodeURIComponent(c.id)}`, { method: 'DELETE' });
      setNote(`Disconnected ${label}.`, 'ok');
    } catch (error) {
      const { text, detail } = plainWords(error);
      setNote(`Could not disconnect: ${text} ${detail}`, 'error');
    } finally {
      busy = false;
      await refresh();
    }
  }

  /** The data centre to use for a reconnect: the one of a connection that needs it, else the selected one. */
  function reconnectDc() {
    return connections.find((c) => c.status === 'needs_reconnect')?.dc ?? dcSelect.value;
  }

  window.addEventListener('focus', () => { if (loaded) void refresh(); });
  render();
  return { refresh, connect, reconnectDc, get connections() { return connections; } };
}
