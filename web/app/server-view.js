// A conversation as the server keeps it (GET /api/conversations/:id) turned into the page's own
// messages: for one opened on another device, or after this browser's data was cleared.
import { newId } from './answer-state.js';

export function fromServerView(view) {
  const out = [];
  for (const m of view.messages ?? []) {
    // A question the server holds no answer to (the run failed before the model replied) says so.
    if (m.role === 'user' && out.at(-1)?.role === 'user') out.push(unanswered(out.at(-1).at));
    out.push(fromServer(m));
  }
  return out;
}

const unanswered = (at) => ({
  id: newId(), role: 'assistant', state: 'error', at,
  parts: [{ kind: 'note', text: 'No answer was kept for this message: the run ended before the assistant replied.' }],
});

function fromServer(m) {
  const at = Date.parse(m.createdAt) || undefined;
  if (m.role === 'user') return { id: newId(), role: 'user', content: m.text ?? '', at };
  const parts = (m.parts ?? []).flatMap((p) => (p.type === 'text' ? [{ kind: 'text', text: p.text }] : toolParts(p)));
  const waiting = parts.some((p) => p.awaiting);
  return { id: newId(), role: 'assistant', state: 'done', at, parts, ...(waiting ? { finishReason: 'approval_required' } : {}) };
}

/** A call, and for one still waiting for a decision the approval box to decide it here. */
function toolParts(p) {
  const part = { kind: 'tool', callId: p.approval?.callId ?? p.toolCallId, tool: p.tool, params: p.params, summary: p.summary, repairs: [] };
  if (p.state === 'done') return [{ ...part, outcome: { ok: true, result: p.result } }];
  if (p.state === 'failed') return [{ ...part, outcome: { ok: false, error: p.error } }];
  if (!p.approval) return [{ ...part, outcome: { ok: false, error: { code: 'NOT_RUN', message: '' } } }]; // its time for a decision ran out
  const { callId, paramsHash, message, effect, names } = p.approval;
  return [{ ...part, awaiting: true }, { kind: 'action', code: 'approval_required', callId, tool: p.tool, params: p.params, paramsHash, message, effect, names }];
}
