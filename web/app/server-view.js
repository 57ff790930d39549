// A conversation as the server keeps it (GET /api/conversations/:id) turned into the page's own
// messages: for one opened on another device, or after this browser's data was cleared.
import { newId } from './answer-state.js';

export function fromServerView(view) {
  return (view.messages ?? []).map((m) => {
    const at = Date.parse(m.createdAt) || undefined;
    if (m.role === 'user') return { id: newId(), role: 'user', content: m.text ?? '', at };
    return {
      id: newId(),
      role: 'assistant',
      state: 'done',
      at,
      parts: (m.parts ?? []).map((p) => (p.type === 'text' ? { kind: 'text', text: p.text } : toolPart(p))),
    };
  });
}

function toolPart(p) {
  const part = { kind: 'tool', callId: p.toolCallId, tool: p.tool, params: p.params, summary: p.summary, repairs: [] };
  if (p.state === 'done') part.outcome = { ok: true, result: p.result };
  else if (p.state === 'failed') part.outcome = { ok: false, error: p.error };
  else part.outcome = { ok: false, stopped: true, elsewhere: true }; // waiting for a decision this page never saw
  return part;
}
