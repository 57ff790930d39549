// The boxes that ask the person to act: approve or deny a write (inside its tool call), and
// connect or reconnect Zoho (dead once connected, offering to ask the question again).
import { plainWords } from './api.js';
import { h, prettyJson } from './dom.js';
import { keyFields } from './fields.js';

/**
 * What will happen, in words: the sentence, the key fields (names for ids the conversation named),
 * red for a delete with Deny first. Decided boxes are not shown (the call says the decision); a
 * cancelled one keeps its buttons, disabled, beside why. Inside its tool call (whose details show
 * the params) `withParams` is false.
 */
export function approvalBox(part, { busy, onDecide, withParams = true }) {
  if (part.resolved === 'approve' || part.resolved === 'deny') return null;
  const destructive = part.effect === 'destroy';
  const disabled = busy || !!part.resolved;
  const approve = h('button', { class: `btn ${destructive ? 'btn-danger' : 'btn-primary'} btn-small`, type: 'button', disabled,
    onclick: () => onDecide('approve') }, 'Approve');
  const deny = h('button', { class: 'btn btn-ghost btn-small', type: 'button', disabled, onclick: () => onDecide('deny') }, 'Deny');
  const fields = keyFields(part.params, part.names ?? {});
  const box = h('div', { class: `action action-approval${destructive ? ' action-danger' : ''}`, role: 'group', 'aria-label': 'Approval needed' },
    h('div', { class: 'action-text' }, destructive ? h('strong', {}, 'Permanent change. ') : null, part.message || `The assistant wants to run ${part.tool}.`),
    fields.length ? h('dl', { class: 'approval-fields' }, fields.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])) : null,
    withParams && part.params !== undefined ? h('details', {}, h('summary', {}, `${part.tool ?? 'Tool'} parameters`), h('pre', { tabindex: '0' }, prettyJson(part.params))) : null,
    h('div', { class: 'action-buttons' }, destructive ? [deny, approve] : [approve, deny],
      part.resolved === 'cancelled' ? h('span', { class: 'muted' }, 'Cancelled: you sent a new message, so this was not run.') : null));
  if (part.resolved) box.dataset.resolved = part.resolved;
  return box;
}

/** Connect or reconnect Zoho; once connected the button is dead and, on the last answer, "Ask again" re-runs the question. */
export function connectBox(part, { busy, isLast, onConnect, onAskAgain }) {
  const reconnect = part.code === 'ZOHO_RECONNECT_REQUIRED';
  const connectable = reconnect || part.code === 'ZOHO_NOT_CONNECTED';
  const done = part.resolved === 'connected';
  return h('div', { class: `action${done ? ' action-done' : ''}` },
    h('div', { class: 'action-text' }, done ? 'Zoho is connected now.' : part.message || plainWords(part).text),
    connectable
      ? h('div', { class: 'action-buttons' },
        h('button', { class: 'btn btn-primary btn-small', type: 'button', disabled: done, 'aria-disabled': done ? 'true' : null, onclick: () => onConnect(part.code) },
          reconnect ? 'Reconnect Zoho' : 'Connect Zoho'),
        done && isLast ? h('button', { class: 'btn btn-ghost btn-small ask-again', type: 'button', disabled: busy, onclick: onAskAgain }, 'Ask again') : null)
      : null);
}
