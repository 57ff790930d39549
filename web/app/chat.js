// The chat: a conversation kept in localStorage, each answer streamed from POST /api/chat as SSE.
// The server keeps the model's transcript of the conversation (tool calls and results included) by
// its `conversationId`; the page sends that id and the text it shows, and a new message cancels the
// conversation's approvals still open (their buttons are disabled).
//
// How a client consumes the stream (DESIGN.md "SSE events"), as this file does:
//   status       → a live line "Calling Zoho tool: <name>..." for that callId
//   tool_call    → the call's params
//   repair       → a failed attempt and the repaired params about to be tried
//   tool_result  → ok + result, or error {code, message}; attempts
//   text         → {delta}: append to the answer, render markdown (sanitised)
//   action_required → a button: connect/reconnect Zoho, or approve/deny a write (code approval_required)
//   error | done → exactly one of them ends the stream
import { plainWords, request } from './api.js';
import { h, prettyJson } from './dom.js';
import { renderMarkdown } from './markdown.js';
import { readEventStream } from './sse.js';

const MAX_HISTORY = 200;
const MAX_CONTENT = 32_000;
const newId = () => (crypto.randomUUID?.() ?? `${Date.now()}-${Math.random()}`);

/**
 * `els`: { messages, composer, prompt, send, stop }. `actions.connect(code)` starts the Zoho
 * connect flow for an action_required button.
 */
export function createChat(els, actions) {
  let storageKey;
  let conversationId;
  let messages = [];
  let controller; // the running stream's AbortController
  const views = new Map(); // message id → { el, partEls: [] }
  let renderQueued = new Set();

  // ---- storage ----
  function load(user) {
    storageKey = `zoho-runtime.chat.${user}`;
    conversationId = localStorage.getItem(`${storageKey}.conversation`) ?? newConversation();
    try {
      messages = JSON.parse(localStorage.getItem(storageKey) ?? '[]');
      if (!Array.isArray(messages)) messages = [];
    } catch {
      messages = [];
    }
    for (const m of messages) {
      if (m.role === 'assistant' && m.state === 'streaming') {
        m.state = 'stopped';
        m.parts.push({ kind: 'note', text: 'This answer was interrupted when the page was closed or reloaded.' });
      }
    }
    views.clear();
    renderAll();
  }
  let saveTimer;
  function save(now = false) {
    clearTimeout(saveTimer);
    const write = () => {
      if (!storageKey) return;
      try {
        localStorage.setItem(storageKey, JSON.stringify(messages));
      } catch {
        // Storage full: keep only the recent half and try once more.
        messages = messages.slice(-Math.ceil(messages.length / 2));
        try { localStorage.setItem(storageKey, JSON.stringify(messages)); } catch { /* give up quietly */ }
      }
    };
    if (now) write();
    else saveTimer = setTimeout(write, 300);
  }
  function newConversation() {
    const id = newId();
    if (storageKey) localStorage.setItem(`${storageKey}.conversation`, id);
    return id;
  }
  function clear() {
    if (controller) controller.abort();
    conversationId = newConversation();
    messages = [];
    views.clear();
    save(true);
    renderAll();
  }

  // ---- what goes to the server ----
  function apiMessages() {
    const out = [];
    for (const m of messages) {
      if (m.role === 'user') out.push({ role: 'user', content: m.content.slice(0, MAX_CONTENT) });
      else {
        const text = answerText(m).trim();
        if (text) out.push({ role: 'assistant', content: text.slice(0, MAX_CONTENT) });
      }
    }
    return out.slice(-MAX_HISTORY);
  }
  const answerText = (m) => m.parts.filter((p) => p.kind === 'text').map((p) => p.text).join('\n\n');

  // ---- running a stream ----
  async function send(text) {
    if (controller || !text.trim()) return;
    cancelOpenApprovals();
    messages.push({ id: newId(), role: 'user', content: text.trim(), at: Date.now() });
    const answer = { id: newId(), role: 'assistant', parts: [], state: 'streaming', at: Date.now() };
    const body = { conversationId, messages: apiMessages() };
    messages.push(answer);
    renderAll();
    scrollToEnd(true);
    await runStream(answer, (signal) => request('/api/chat', { method: 'POST', json: body, accept: 'text/event-stream', signal }));
  }

  /** A new message cancels the conversation's undecided approvals on the server; the page shows it. */
  function cancelOpenApprovals() {
    for (const m of messages) {
      if (m.role !== 'assistant') continue;
      for (const part of m.parts) {
        if (part.kind !== 'action' || part.code !== 'approval_required' || part.resolved) continue;
        part.resolved = 'cancelled';
        const held = m.parts.find((p) => p.kind === 'tool' && p.callId === part.callId);
        if (held && !held.outcome) held.outcome = { ok: false, stopped: true, cancelled: true };
        queueRender(m);
      }
    }
  }

  async function decide(message, part, decision) {
    if (controller || part.resolved) return;
    part.resolved = decision;
    message.state = 'streaming';
    queueRender(message);
    await runStream(message, (signal) =>
      request('/api/chat/approvals', {
        method: 'POST',
        // paramsHash binds the decision to exactly the params shown here.
        json: { callId: part.callId, decision, ...(part.paramsHash ? { paramsHash: part.paramsHash } : {}) },
        accept: 'text/event-stream',
        signal,
      }));
  }

  async function runStream(message, start) {
    controller = new AbortController();
    const { signal } = controller;
    setBusy(true);
    let ended = false;
    try {
      const res = await start(signal);
      await readEventStream(res, (event) => {
        if (event.type === 'done' || event.type === 'error') ended = true;
        apply(message, event);
        queueRender(message);
        save();
      });
      if (!ended) fail(message, { code: 'STREAM_CUT', message: '' });
    } catch (error) {
      if (signal.aborted) {
        message.state = 'stopped';
        message.parts.push({ kind: 'note', text: 'Stopped.' });
        for (const p of message.parts) if (p.kind === 'tool' && !p.outcome && !p.awaiting) p.outcome = { ok: false, stopped: true };
      } else {
        fail(message, error);
      }
    } finally {
      controller = undefined;
      setBusy(false);
      queueRender(message);
      save(true);
    }
  }

  function fail(message, error) {
    message.state = 'error';
    message.parts.push({ kind: 'error', code: error?.code ?? 'INTERNAL', message: error?.message ?? '' });
  }

  function stop() {
    controller?.abort();
  }

  /** Folds one SSE event into the message. */
  function apply(message, { type, data }) {
    const tool = (callId, name) => {
      let part = message.parts.find((p) => p.kind === 'tool' && p.callId === callId);
      if (!part) {
        part = { kind: 'tool', callId, tool: name, repairs: [] };
        message.parts.push(part);
      }
      return part;
    };
    switch (type) {
      case 'text': {
        const last = message.parts.at(-1);
        if (last?.kind === 'text') last.text += data.delta ?? '';
        else message.parts.push({ kind: 'text', text: data.delta ?? '' });
        break;
      }
      case 'status': {
        const part = tool(data.callId, data.tool);
        part.message = data.message;
        part.awaiting = false;
        break;
      }
      case 'tool_call':
        tool(data.callId, data.tool).params = data.params;
        break;
      case 'repair': {
        const part = tool(data.callId, data.tool);
        part.repairs.push({ attempt: data.attempt, reason: data.reason, error: data.error, params: data.params });
        part.params = data.params;
        break;
      }
      case 'tool_result': {
        const part = tool(data.callId, data.tool);
        part.outcome = { ok: data.ok, result: data.result, error: data.error, attempts: data.attempts };
        part.awaiting = false;
        break;
      }
      case 'action_required': {
        const duplicate = data.code !== 'approval_required'
          && message.parts.some((p) => p.kind === 'action' && p.code === data.code);
        if (!duplicate) message.parts.push({ ...data, kind: 'action' });
        if (data.code === 'approval_required' && data.callId) {
          const held = message.parts.find((p) => p.kind === 'tool' && p.callId === data.callId);
          if (held && !held.outcome) held.awaiting = true;
        }
        break;
      }
      case 'error':
        fail(message, data);
        break;
      case 'done': {
        message.state = 'done';
        message.finishReason = data.finishReason;
        const notes = {
          length: 'The answer was cut off at the model\'s length limit.',
          max_steps: `Stopped after ${data.steps} steps without a final answer.`,
          time_limit: 'Stopped at the time limit of the run.',
          approval_recorded: 'Decision recorded. The answer goes on once the other pending actions are decided.',
        };
        const quiet = ['stop', 'approval_required'].includes(data.finishReason);
        const text = typeof data.message === 'string' && data.message ? data.message : notes[data.finishReason];
        if (!quiet && text) message.parts.push({ kind: 'note', text });
        break;
      }
      default:
        break; // unknown events are ignored, so the server can add some
    }
  }

  // ---- rendering ----
  function setBusy(busy) {
    els.send.hidden = busy;
    els.stop.hidden = !busy;
    els.messages.querySelectorAll('.action-approval:not([data-resolved]) button').forEach((b) => { b.disabled = busy; });
  }

  function queueRender(message) {
    if (renderQueued.size === 0) requestAnimationFrame(flush);
    renderQueued.add(message);
  }
  function flush() {
    const stick = nearEnd();
    for (const m of renderQueued) renderMessage(m);
    renderQueued = new Set();
    if (stick) scrollToEnd(true);
  }

  function renderAll() {
    els.messages.replaceChildren();
    views.clear();
    if (messages.length === 0) {
      els.messages.append(welcome());
      return;
    }
    for (const m of messages) renderMessage(m);
    scrollToEnd(true);
  }

  function welcome() {
    const examples = ['Which Zoho CRM organisation am I connected to?', 'Find the contacts whose email ends with @example.com', 'List my open Desk tickets'];
    return h('div', { class: 'welcome' },
      h('h2', {}, 'Ask about your Zoho CRM and Desk'),
      h('p', { class: 'muted' }, 'The assistant calls Zoho for you and shows each call as it runs.'),
      h('div', { class: 'examples' }, examples.map((text) =>
        h('button', { type: 'button', class: 'example', onclick: () => { els.prompt.value = text; els.prompt.focus(); autoGrow(); } }, text))));
  }

  function renderMessage(m) {
    let view = views.get(m.id);
    if (!view) {
      els.messages.querySelector('.welcome')?.remove();
      const el = h('article', { class: `msg msg-${m.role}`, 'data-message-id': m.id });
      view = { el, partEls: [] };
      views.set(m.id, view);
      els.messages.append(el);
      if (m.role === 'user') {
        el.append(h('div', { class: 'bubble' }, m.content));
        return;
      }
      el.append(h('div', { class: 'bubble' }));
    }
    if (m.role === 'user') return;
    const bubble = view.el.firstChild;
    view.el.dataset.state = m.state;
    m.parts.forEach((part, i) => {
      let el = view.partEls[i];
      if (!el) {
        el = h('div');
        view.partEls[i] = el;
        bubble.append(el);
      }
      renderPart(m, part, el);
    });
    let typing = bubble.querySelector(':scope > .typing');
    if (m.state === 'streaming') {
      if (!typing) typing = h('div', { class: 'typing', 'aria-label': 'Working' }, h('span'), h('span'), h('span'));
      bubble.append(typing); // keep it last
    } else typing?.remove();
  }

  function renderPart(message, part, el) {
    switch (part.kind) {
      case 'text':
        el.className = 'md';
        el.replaceChildren(renderMarkdown(part.text));
        break;
      case 'tool':
        renderTool(part, el);
        break;
      case 'action':
        renderAction(message, part, el);
        break;
      case 'error': {
        const { text, detail } = plainWords(part);
        el.className = 'error-box';
        el.setAttribute('role', 'alert');
        el.replaceChildren(h('strong', {}, text), ' ', h('span', { class: 'detail' }, detail));
        break;
      }
      case 'note':
        el.className = 'note';
        el.textContent = part.text;
        break;
      default:
        break;
    }
  }

  function renderTool(part, el) {
    const denied = part.outcome?.error?.code === 'APPROVAL_DENIED';
    const reasked = part.outcome?.error?.code === 'REPAIR_NEEDS_APPROVAL';
    const state = !part.outcome ? (part.awaiting ? 'waiting' : 'running')
      : part.outcome.stopped || denied || reasked ? 'stopped' : part.outcome.ok ? 'ok' : 'failed';
    const line = part.message
      ?? (denied || part.outcome?.cancelled ? `Zoho tool: ${part.tool}` : part.awaiting ? `Waiting for your approval: ${part.tool}` : `Preparing Zoho tool: ${part.tool}...`);
    const wasOpen = el.querySelector('details')?.open ?? false;
    el.className = `tool tool-${state}`;
    el.dataset.callId = part.callId;
    el.dataset.tool = part.tool;
    const children = [h('div', { class: 'tool-line' }, h('span', { class: 'tool-icon', 'aria-hidden': 'true' }), h('span', { class: 'tool-status' }, line))];
    for (const r of part.repairs) {
      children.push(h('div', { class: 'tool-repair' }, r.attempt > 0
        ? `Attempt ${r.attempt} failed: ${r.error}. Retrying with repaired parameters (${r.reason}).`
        : `Parameters repaired before running (${r.reason}): ${String(r.error).replace(/^\s*-\s*/, '')}`));
    }
    if (part.outcome) {
      const attempts = part.outcome.attempts;
      const suffix = attempts > 1 ? ` after ${attempts} attempts` : '';
      let text;
      if (state === 'ok') text = `Done${suffix}.`;
      else if (denied) text = 'Not run: you denied it.';
      else if (reasked) text = 'Not run: Zoho refused these parameters. The corrected call below needs your approval.';
      else if (part.outcome.cancelled) text = 'Not run: you sent a new message instead.';
      else if (state === 'stopped') text = 'Stopped.';
      else {
        const { text: plain } = plainWords(part.outcome.error);
        text = `Failed${suffix}: ${plain}${part.outcome.error?.message ? ` (${part.outcome.error.message})` : ''}`;
      }
      children.push(h('div', { class: 'tool-outcome' }, text));
    }
    const details = h('details', {},
      h('summary', {}, part.outcome ? 'Parameters and result' : 'Parameters'),
      h('div', { class: 'kv-label' }, 'Parameters'),
      h('pre', {}, prettyJson(part.params ?? {})),
      part.repairs.length ? [h('div', { class: 'kv-label' }, 'Repairs'), h('pre', {}, prettyJson(part.repairs))] : null,
      part.outcome && !part.outcome.stopped
        ? [h('div', { class: 'kv-label' }, part.outcome.ok ? 'Result' : 'Error'), h('pre', {}, prettyJson(part.outcome.ok ? part.outcome.result : part.outcome.error))]
        : null);
    details.open = wasOpen;
    children.push(details);
    el.replaceChildren(...children);
  }

  function renderAction(message, part, el) {
    el.className = 'action';
    if (part.code === 'approval_required') {
      renderApproval(message, part, el);
      return;
    }
    const reconnect = part.code === 'ZOHO_RECONNECT_REQUIRED';
    const connectable = reconnect || part.code === 'ZOHO_NOT_CONNECTED';
    el.replaceChildren(
      h('div', { class: 'action-text' }, part.message || plainWords(part).text),
      connectable
        ? h('div', { class: 'action-buttons' },
          h('button', { class: 'btn btn-primary btn-small', type: 'button', onclick: () => actions.connect(part.code) }, reconnect ? 'Reconnect Zoho' : 'Connect Zoho'))
        : null);
  }

  /** What will happen, in words: the sentence, the key fields (names for ids the conversation named), red for a delete. */
  function renderApproval(message, part, el) {
    const destructive = part.effect === 'destroy';
    el.classList.add('action-approval');
    el.classList.toggle('action-danger', destructive);
    if (part.resolved) el.dataset.resolved = part.resolved;
    const approve = h('button', { class: `btn ${destructive ? 'btn-danger' : 'btn-primary'} btn-small`, type: 'button', disabled: !!controller || !!part.resolved,
      onclick: () => decide(message, part, 'approve') }, 'Approve');
    const deny = h('button', { class: 'btn btn-ghost btn-small', type: 'button', disabled: !!controller || !!part.resolved,
      onclick: () => decide(message, part, 'deny') }, 'Deny');
    const decided = { approve: 'You approved this.', deny: 'You denied this.', cancelled: 'Cancelled: you sent a new message, so this was not run.' }[part.resolved];
    const fields = keyFields(part.params, part.names ?? {});
    el.replaceChildren(
      h('div', { class: 'action-text' }, destructive ? h('strong', {}, 'Permanent change. ') : null, part.message || `The assistant wants to run ${part.tool}.`),
      fields.length ? h('dl', { class: 'approval-fields' }, fields.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])) : null,
      part.params !== undefined ? h('details', {}, h('summary', {}, `${part.tool ?? 'Tool'} parameters`), h('pre', {}, prettyJson(part.params))) : null,
      // Deny first for a delete; a cancelled approval keeps its buttons, disabled, beside why.
      h('div', { class: 'action-buttons' }, !part.resolved || part.resolved === 'cancelled' ? (destructive ? [deny, approve] : [approve, deny]) : null,
        decided ? h('span', { class: 'muted' }, decided) : null));
  }

  function nearEnd() {
    const m = els.messages;
    return m.scrollHeight - m.scrollTop - m.clientHeight < 80;
  }
  function scrollToEnd(force = false) {
    if (force || nearEnd()) els.messages.scrollTop = els.messages.scrollHeight;
  }

  // ---- composer ----
  function autoGrow() {
    els.prompt.style.height = 'auto';
    els.prompt.style.height = `${Math.min(els.prompt.scrollHeight, 200)}px`;
  }
  els.prompt.addEventListener('input', autoGrow);
  els.prompt.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      els.composer.requestSubmit();
    }
  });
  els.composer.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = els.prompt.value;
    if (!text.trim() || controller) return;
    els.prompt.value = '';
    autoGrow();
    void send(text);
  });
  els.stop.addEventListener('click', stop);
  // Keep the newest message in view when the window changes size (a phone's keyboard, a rotation).
  let stuck = true;
  els.messages.addEventListener('scroll', () => { stuck = nearEnd(); }, { passive: true });
  window.addEventListener('resize', () => { if (stuck) scrollToEnd(true); });

  return { load, clear, stop, get busy() { return !!controller; } };
}

/** The params a person checks before approving, as [label, value]: a record's or changes' fields one by one. */
function keyFields(params, names) {
  const label = (key) => key.replace(/_/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());
  const shown = (value) => {
    if (typeof value === 'string') return names[value] ? `${names[value]} (${value})` : value;
    if (value && typeof value === 'object' && typeof value.id === 'string') return names[value.id] ? `${names[value.id]} (${value.id})` : value.id;
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  };
  const rows = [];
  for (const [key, value] of Object.entries(params && typeof params === 'object' ? params : {})) {
    if (value && typeof value === 'object' && !Array.isArray(value) && typeof value.id !== 'string') {
      for (const [inner, v] of Object.entries(value)) rows.push([label(inner), shown(v)]);
    } else rows.push([label(key), shown(value)]);
  }
  return rows.slice(0, 14);
}
