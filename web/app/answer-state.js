// One answer's state, folded from the SSE events of DESIGN.md (no DOM here):
//   status       → the call is running (its message stays "Calling Zoho tool: <name>...")
//   tool_call    → the call's params, and `summary`, the tool's own sentence, when the server sends one
//   repair       → a failed attempt and the repaired params about to be tried
//   tool_result  → ok + result, or error {code, message}; attempts
//   text         → {delta}: appended to the answer's text
//   action_required → connect/reconnect Zoho, or approve/deny a write (code approval_required)
//   error | done → exactly one of them ends the stream
// Unknown events are ignored, so the server can add some.

const MAX_HISTORY = 200;
const MAX_CONTENT = 32_000;

export const newId = () => (crypto.randomUUID?.() ?? `${Date.now()}-${Math.random()}`);

const DONE_NOTES = {
  length: 'The answer was cut off at the model\'s length limit.',
  max_steps: (data) => `Stopped after ${data.steps} steps without a final answer.`,
  time_limit: 'Stopped at the time limit of the run.',
  approval_recorded: 'Decision recorded. The answer goes on once the other pending actions are decided.',
};

export function newAnswer() {
  return { id: newId(), role: 'assistant', parts: [], state: 'streaming', at: Date.now() };
}

export const toolPartOf = (message, callId) => message.parts.find((p) => p.kind === 'tool' && p.callId === callId);
export const answerText = (message) => message.parts.filter((p) => p.kind === 'text').map((p) => p.text).join('\n\n');

/** Folds one SSE event into the answer. */
export function applyEvent(message, { type, data }) {
  const tool = (callId, name) => {
    let part = toolPartOf(message, callId);
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
    case 'tool_call': {
      const part = tool(data.callId, data.tool);
      part.params = data.params;
      if (typeof data.summary === 'string') part.summary = data.summary;
      break;
    }
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
      const duplicate = data.code !== 'approval_required' && message.parts.some((p) => p.kind === 'action' && p.code === data.code);
      if (!duplicate) message.parts.push({ ...data, kind: 'action' });
      if (data.code === 'approval_required' && data.callId) {
        const held = toolPartOf(message, data.callId);
        if (held && !held.outcome) held.awaiting = true;
      }
      break;
    }
    case 'error':
      failAnswer(message, data);
      break;
    case 'done': {
      message.state = 'done';
      message.finishReason = data.finishReason;
      const note = typeof data.message === 'string' && data.message ? data.message : DONE_NOTES[data.finishReason];
      const text = typeof note === 'function' ? note(data) : note;
      if (!['stop', 'approval_required'].includes(data.finishReason) && text) message.parts.push({ kind: 'note', text });
      break;
    }
    default:
      break;
  }
}

/** A run that failed (an `error` event, a refused request, a broken stream); its running calls were cut off with it. */
export function failAnswer(message, error) {
  message.state = 'error';
  message.parts.push({ kind: 'error', code: error?.code ?? 'INTERNAL', message: error?.message ?? '' });
  settleRunning(message);
}

/** An answer that ended without `done` or `error` (Stop, a reload) says so. */
export function endAnswer(message, state, note) {
  message.state = state;
  message.parts.push({ kind: 'note', text: note });
  settleRunning(message);
}

/**
 * Every call still running is settled as cut off, so no spinner turns for ever (the server answers
 * such a call ABORTED for the model). Calls waiting for approval stay: the server still holds them.
 */
function settleRunning(message) {
  for (const p of message.parts) if (p.kind === 'tool' && !p.outcome && !p.awaiting) p.outcome = { ok: false, stopped: true };
}

/** A new message cancels the conversation's undecided approvals on the server; the answers show it. */
export function cancelOpenApprovals(messages) {
  const changed = [];
  for (const m of messages) {
    if (m.role !== 'assistant') continue;
    for (const part of m.parts) {
      if (part.kind !== 'action' || part.code !== 'approval_required' || part.resolved) continue;
      part.resolved = 'cancelled';
      const held = toolPartOf(m, part.callId);
      if (held && !held.outcome) held.outcome = { ok: false, stopped: true, cancelled: true };
      changed.push(m);
    }
  }
  return changed;
}

/**
 * Readies the last answer to be re-run (Retry, Regenerate, Ask again): like the server, it keeps the
 * turn's tool calls and what came before the last of them, and drops the text, notes and errors after.
 */
export function resetForRerun(message) {
  const lastTool = message.parts.findLastIndex((p) => p.kind === 'tool');
  message.parts = message.parts.slice(0, lastTool + 1).filter((p) => p.kind !== 'note' && p.kind !== 'error');
  message.state = 'streaming';
  message.finishReason = undefined;
  message.at = Date.now();
}

/** What POST /api/chat gets as `messages`: the text of each turn (the server keeps the tool calls by conversationId). */
export function historyForServer(messages) {
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

/** A conversation's title until the server's list has it: its first message, in one line. */
export function titleOf(messages) {
  const first = messages.find((m) => m.role === 'user')?.content?.replace(/\s+/g, ' ').trim();
  if (!first) return undefined;
  return first.length > 80 ? `${first.slice(0, 77)}...` : first;
}
