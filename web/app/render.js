// Rendering the conversation: one <article> per message, re-rendered in place as its answer streams
// (markdown sanitised, tool calls, action boxes, notes, errors), each with its time; finished answers
// get Copy, and the last one Regenerate or Retry.
import { plainWords } from './api.js';
import { h } from './dom.js';
import { approvalBox, connectBox } from './action-boxes.js';
import { browserLoginAction } from './browser-login.js';
import { answerText, toolPartOf } from './answer-state.js';
import { renderMarkdown } from './markdown.js';
import { copyButton } from './copy.js';
import { timeElement } from './time.js';
import { renderToolPart } from './tool-part.js';

const EXAMPLES = ['Which Zoho CRM organisation am I connected to?', 'Find the contacts whose email ends with @example.com', 'List my open Desk tickets'];

/**
 * `root` gets the messages. `handlers`: busy(), isLast(message), decide(message, part, decision),
 * connect(code), rerun(message), send(text), useExample(text).
 */
export function createMessageView(root, handlers) {
  const views = new Map(); // message id → { el, partEls }

  function renderAll(messages) {
    root.replaceChildren();
    views.clear();
    if (messages.length === 0) root.append(welcome());
    for (const m of messages) render(m);
  }

  function welcome() {
    return h('div', { class: 'welcome' },
      h('h2', {}, 'Ask about your Zoho CRM and Desk'),
      h('p', { class: 'muted' }, 'The assistant calls Zoho for you and shows each call as it runs.'),
      h('div', { class: 'examples' }, EXAMPLES.map((text) => h('button', { type: 'button', class: 'example', onclick: () => handlers.useExample(text) }, text))));
  }

  function render(m) {
    let view = views.get(m.id);
    if (!view) {
      root.querySelector('.welcome')?.remove();
      view = { el: h('article', { class: `msg msg-${m.role}`, 'data-message-id': m.id, 'aria-label': m.role === 'user' ? 'You said' : 'Assistant' }), partEls: [] };
      views.set(m.id, view);
      root.append(view.el);
      if (m.role === 'user') {
        view.el.append(h('div', { class: 'bubble' }, m.content), h('div', { class: 'msg-meta' }, timeElement(h, m.at)));
        return;
      }
      view.el.append(h('div', { class: 'bubble' }), h('div', { class: 'msg-meta' }));
    }
    if (m.role === 'user') return;
    view.el.dataset.state = m.state;
    const bubble = view.el.firstChild;
    // Approval boxes are drawn inside their tool call, so a decision reads before the outcome.
    const shown = m.parts.filter((p) => !(p.kind === 'action' && p.code === 'approval_required' && toolPartOf(m, p.callId)));
    shown.forEach((part, i) => {
      let el = view.partEls[i];
      if (!el || el.dataset.kind !== part.kind) {
        const fresh = h('div', { 'data-kind': part.kind });
        if (el) el.replaceWith(fresh);
        else bubble.append(fresh);
        el = fresh;
        view.partEls[i] = el;
      }
      renderPart(m, part, el);
    });
    for (const el of view.partEls.splice(shown.length)) el.remove();
    if (m.state === 'streaming' && !shown.some((p) => p.kind === 'text' && p.text)) {
      const typing = h('div', { class: 'typing', 'aria-label': 'The assistant is working' }, h('span'), h('span'), h('span'));
      view.partEls.push(typing);
      bubble.append(typing);
    }
    view.el.lastChild.replaceChildren(...footer(m));
  }

  function renderPart(m, part, el) {
    if (part.kind === 'text') {
      el.className = 'md';
      el.replaceChildren(renderMarkdown(part.text));
    } else if (part.kind === 'tool') {
      const ask = m.parts.find((p) => p.kind === 'action' && p.code === 'approval_required' && p.callId === part.callId);
      const approval = ask ? approvalBox(ask, { busy: handlers.busy(), withParams: false, onDecide: (decision) => handlers.decide(m, ask, decision) }) : null;
      renderToolPart(part, el, { approval, decision: ask?.resolved });
    } else if (part.kind === 'action' && part.code === 'browser_login_required') {
      el.className = 'action';
      el.replaceChildren(browserLoginAction(part, {
        retry: () => (handlers.isLast(m) ? handlers.rerun(m) : handlers.send('I have signed in to Zoho in the browser; please try again.')),
      }));
    } else if (part.kind === 'action') {
      el.className = '';
      el.replaceChildren(connectBox(part, { busy: handlers.busy(), isLast: handlers.isLast(m), onConnect: handlers.connect, onAskAgain: () => handlers.rerun(m) }));
    } else if (part.kind === 'error') {
      const { text, detail } = plainWords(part);
      el.className = 'error-box';
      el.replaceChildren(h('strong', {}, text), h('div', { class: 'detail' }, detail));
    } else if (part.kind === 'note') {
      el.className = 'note';
      el.textContent = part.text;
    }
  }

  function footer(m) {
    if (m.state === 'streaming') return [];
    const last = handlers.isLast(m) && !handlers.busy();
    const text = answerText(m).trim();
    const broken = m.state === 'error' || m.state === 'stopped' || m.state === 'interrupted';
    return [
      timeElement(h, m.at),
      text ? copyButton(() => text, 'the answer', 'copy-answer') : null,
      last && broken ? h('button', { type: 'button', class: 'btn btn-primary btn-small retry', onclick: () => handlers.rerun(m) }, 'Retry') : null,
      last && !broken && m.finishReason !== 'approval_required' ? h('button', { type: 'button', class: 'btn btn-ghost btn-small regenerate', onclick: () => handlers.rerun(m) }, 'Regenerate') : null,
    ].filter(Boolean);
  }

  return { renderAll, render, has: (m) => views.has(m.id) };
}
