// The chat: the open conversation's messages, and what changes them (send, Retry/Regenerate, an
// approval's decision, Stop, opening another conversation, New chat). The server keeps each
// conversation's transcript by its conversationId; this browser caches the richer display state
// (storage.js). Streaming is stream.js, the events' meaning answer-state.js, drawing render.js.
import { getJson } from './api.js';
import { announceAnswer } from './announcer.js';
import {
  applyEvent, cancelOpenApprovals, endAnswer, failAnswer, historyForServer, newAnswer, newId, resetForRerun, titleOf,
} from './answer-state.js';
import { createMessageView } from './render.js';
import { fromServerView } from './server-view.js';
import { createChatStorage } from './storage.js';
import { streamRun } from './stream.js';

/**
 * `els`: { messages }; `parts`: { composer, scroller, list }; `actions.connect(code)` starts the
 * Zoho connect flow for a Connect button.
 */
export function createChat(els, { composer, scroller, list }, actions) {
  let storage;
  let conversationId;
  let messages = [];
  let controller; // the running stream's AbortController
  let runs = 0;
  const pending = new Set();

  const view = createMessageView(els.messages, {
    busy: () => !!controller,
    isLast: (m) => messages.at(-1) === m,
    decide: (m, part, decision) => void decide(m, part, decision),
    connect: (code) => actions.connect(code),
    rerun: (m) => void rerun(m),
    send: (text) => void send(text),
    useExample: (text) => composer.setText(text),
  });

  // ---- drawing, batched per frame ----
  function queueRender(m) {
    if (pending.size === 0) requestAnimationFrame(flush);
    pending.add(m);
  }
  function flush() {
    const after = scroller.beforeChange();
    for (const m of pending) if (messages.includes(m)) view.render(m);
    pending.clear();
    after();
  }
  function showAll() {
    view.renderAll(messages);
    scroller.toEnd();
  }

  // ---- the cache ----
  let saveTimer;
  let unsaved;
  function save(now = false, id = conversationId, list = messages) {
    clearTimeout(saveTimer);
    unsaved = () => {
      unsaved = undefined;
      if (storage && list.length) storage.save(id, list);
    };
    if (now) unsaved();
    else saveTimer = setTimeout(unsaved, 300);
  }
  // A reload or a closed tab mid-answer: what streamed so far is kept, still "streaming", so the
  // next load shows it as interrupted (not as a broken connection: leaving cuts the fetch too).
  let leaving = false;
  window.addEventListener('beforeunload', () => { leaving = true; });
  window.addEventListener('pagehide', () => { leaving = true; unsaved?.(); });

  // ---- opening conversations ----
  function load(user) {
    storage = createChatStorage(user);
    open(storage.currentId() ?? newId());
  }

  /** Shows a conversation: this browser's cache at once, the server's copy when the cache lacks turns. */
  function open(id) {
    if (controller) controller.abort();
    conversationId = id;
    storage.setCurrentId(id);
    messages = storage.load(id) ?? [];
    for (const m of messages) {
      if (m.role === 'assistant' && m.state === 'streaming') endAnswer(m, 'interrupted', 'This answer was interrupted when the page was closed or reloaded.');
    }
    showAll();
    list.setCurrent(id, titleOf(messages));
    void catchUp();
  }

  /** Takes the server's copy of the open conversation when this browser's lacks turns (only one the server lists). */
  async function catchUp() {
    const id = conversationId;
    if (!list.knows(id)) return;
    let server;
    try {
      server = await getJson(`/api/conversations/${encodeURIComponent(id)}`);
    } catch {
      return; // not on the server (a new chat, or deleted elsewhere), or unreachable: the cache is what there is
    }
    const users = (list) => list.filter((m) => m.role === 'user').length;
    if (id !== conversationId || controller || (messages.length > 0 && users(server.messages ?? []) <= users(messages))) return;
    messages = fromServerView(server);
    save(true);
    showAll();
  }

  function newChat() {
    open(newId());
    list.setCurrent(conversationId);
  }

  // ---- runs ----
  async function send(text) {
    if (controller || !text.trim()) return;
    for (const m of cancelOpenApprovals(messages)) queueRender(m);
    const previous = messages.at(-1); // its Regenerate goes: only the last answer has one
    if (previous) queueRender(previous);
    messages.push({ id: newId(), role: 'user', content: text.trim(), at: Date.now() });
    const body = { conversationId, messages: historyForServer(messages) };
    const answer = newAnswer();
    messages.push(answer);
    flushNow(messages.at(-2), answer);
    save(true);
    list.setCurrent(conversationId, titleOf(messages));
    await run(answer, '/api/chat', body);
  }

  /** Retry, Regenerate, Ask again: the last answer is run again for the same question. */
  async function rerun(answer) {
    if (controller || messages.at(-1) !== answer) return;
    resetForRerun(answer);
    flushNow(answer);
    composer.focus();
    await run(answer, '/api/chat', { conversationId, messages: historyForServer(messages.slice(0, -1)), regenerate: true });
  }

  async function decide(message, part, decision) {
    if (controller || part.resolved) return;
    part.resolved = decision;
    message.state = 'streaming';
    composer.focus();
    // paramsHash binds the decision to exactly the params shown.
    await run(message, '/api/chat/approvals', { callId: part.callId, decision, ...(part.paramsHash ? { paramsHash: part.paramsHash } : {}) });
  }

  async function run(message, path, body) {
    controller = new AbortController();
    const { signal } = controller;
    const id = conversationId;
    const list_ = messages;
    const runNo = ++runs;
    setBusy(true);
    try {
      const { ended } = await streamRun(path, body, (event) => {
        applyEvent(message, event);
        if (id === conversationId) queueRender(message);
        save(false, id, list_);
      }, signal);
      if (!ended && !leaving) failAnswer(message, { code: 'STREAM_CUT', message: '' });
    } catch (error) {
      if (signal.aborted) endAnswer(message, 'stopped', 'Stopped.');
      else if (!leaving) failAnswer(message, error);
    } finally {
      if (controller?.signal === signal) controller = undefined;
      save(true, id, list_);
      composer.setBusy(!!controller);
      if (id === conversationId) {
        setBusy(false);
        announceAnswer(message, `${message.id}#${runNo}`);
      }
      void list.refresh().then(() => list.setCurrent(conversationId, titleOf(messages)));
    }
  }

  function flushNow(...changed) {
    for (const m of changed) pending.add(m);
    flush();
    scroller.toEnd();
  }

  /** The last answer's buttons and every open approval depend on whether a run is going. */
  function setBusy(busy) {
    composer.setBusy(busy);
    for (const m of messages) {
      if (m.role === 'assistant' && (m === messages.at(-1) || m.parts.some((p) => p.kind === 'action' && !p.resolved))) queueRender(m);
    }
  }

  /** Connect buttons go dead once Zoho is connected (their answers offer "Ask again"). */
  function showConnections(connections) {
    const active = connections.some((c) => c.status === 'active');
    const needs = connections.some((c) => c.status === 'needs_reconnect');
    for (const m of messages) {
      if (m.role !== 'assistant') continue;
      for (const p of m.parts) {
        if (p.kind !== 'action' || p.resolved) continue;
        if ((p.code === 'ZOHO_NOT_CONNECTED' && active) || (p.code === 'ZOHO_RECONNECT_REQUIRED' && active && !needs)) {
          p.resolved = 'connected';
          queueRender(m);
        }
      }
    }
    save(true);
  }

  function stop() {
    controller?.abort();
  }

  /** Sign-out: nothing runs, nothing is shown, nothing more is written. */
  function close() {
    stop();
    clearTimeout(saveTimer);
    unsaved = undefined;
    storage = undefined;
    messages = [];
    view.renderAll([]);
  }

  return {
    load, open, newChat, send, stop, close, showConnections, catchUp,
    get busy() { return !!controller; },
    get conversationId() { return conversationId; },
  };
}
