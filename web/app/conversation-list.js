// The conversation list: the user's conversations from the server (GET /api/conversations), the
// current one marked, each opened with a click and deleted after a confirmation.
import { getJson, plainWords, request } from './api.js';
import { h } from './dom.js';
import { timeElement } from './time.js';

/** `root` gets the list; `onOpen(id)`, `onDeleted(id)`. */
export function createConversationList(root, { onOpen, onDeleted }) {
  let items = [];
  let current;
  let note = '';

  function render() {
    if (items.length === 0) {
      root.replaceChildren(h('li', { class: 'conv-empty muted' }, note || 'Your conversations will be listed here.'));
      return;
    }
    root.replaceChildren(...items.map((c) => h('li', { class: 'conv-item' },
      h('button', { type: 'button', class: 'conv', 'aria-current': c.id === current ? 'page' : null, 'data-conversation-id': c.id, onclick: () => onOpen(c.id) },
        h('span', { class: 'conv-title' }, c.title),
        h('span', { class: 'conv-time' }, timeElement(h, c.updatedAt))),
      h('button', { type: 'button', class: 'btn btn-ghost conv-delete', title: 'Delete', onclick: () => remove(c) },
        h('span', { 'aria-hidden': 'true' }, '\u00d7'), h('span', { class: 'visually-hidden' }, `Delete conversation: ${c.title}`)))),
    ...(note ? [h('li', { class: 'conv-empty muted' }, note)] : []));
  }

  async function refresh() {
    try {
      items = (await getJson('/api/conversations')).conversations ?? [];
      note = '';
    } catch (error) {
      note = `Could not load the list. ${plainWords(error).text}`;
    }
    render();
  }

  async function remove(c) {
    if (!confirm(`Delete "${c.title}"? It is removed from this device and from the server.`)) return;
    try {
      await request(`/api/conversations/${encodeURIComponent(c.id)}`, { method: 'DELETE' });
    } catch (error) {
      if (error.status !== 404) {
        note = `Could not delete it. ${plainWords(error).text}`;
        render();
        return;
      }
    }
    items = items.filter((i) => i.id !== c.id);
    render();
    onDeleted(c.id);
  }

  return {
    refresh,
    /** Whether the server listed this conversation at the last refresh. */
    knows: (id) => items.some((i) => i.id === id && !i.local),
    /** Marks the open conversation; one the server does not list yet is shown first, titled by its first message. */
    setCurrent(id, title) {
      current = id;
      if (title && !items.some((i) => i.id === id)) items.unshift({ id, title, updatedAt: new Date().toISOString(), local: true });
      render();
    },
    clear() {
      items = [];
      current = undefined;
      render();
    },
  };
}
