import type { RunEvent } from './events.ts';

/**
 * One chunk of the AI SDK UI message stream v1 (the `ai` package's `UIMessageChunk`), as far as
 * our events produce them. Kept structural so the server does not depend on the `ai` package.
 */
export type UiChunk = { type: string } & Record<string, unknown>;

/** The AI SDK's finish reasons; ours are finer and travel in `messageMetadata`. */
const FINISH_REASONS: Record<string, string> = {
  stop: 'stop', length: 'length', approval_required: 'tool-calls', approval_recorded: 'tool-calls',
};

/** Our error codes that mean the user denied a call: the AI SDK has its own part state for that. */
const DENIED = 'APPROVAL_DENIED';

/**
 * Maps our run events (one bus for both protocols) onto UI message stream chunks, as DESIGN.md
 * "AI SDK UI message stream" says. Stateful: it opens and closes the text blocks and steps the AI SDK
 * wants around deltas and tool parts, and ends the message exactly once (`finish`, `error` or
 * `abort`). `start()` and `encode()` return the chunks to write, in order.
 */
export function createUiMessageEncoder(messageId: string) {
  let stepOpen = false;
  let textId: string | undefined;
  let texts = 0;
  let ended = false;

  const closeText = (out: UiChunk[]) => {
    if (textId) out.push({ type: 'text-end', id: textId });
    textId = undefined;
  };
  const closeStep = (out: UiChunk[]) => {
    closeText(out);
    if (stepOpen) out.push({ type: 'finish-step' });
    stepOpen = false;
  };
  /**
   * Only a `step` event opens a step. Output before the first one stays in the message's last step:
   * a resumed approval's call result must, since the AI SDK looks a tool part up in the current step only.
   */
  const part = (out: UiChunk[], ...chunks: UiChunk[]) => {
    closeText(out);
    out.push(...chunks);
  };

  return {
    get ended() {
      return ended;
    },
    start: (): UiChunk[] => [{ type: 'start', messageId }],
    encode(event: RunEvent): UiChunk[] {
      const out: UiChunk[] = [];
      if (ended) return out;
      switch (event.type) {
        case 'step':
          closeStep(out);
          out.push({ type: 'start-step' });
          stepOpen = true;
          break;
        case 'text':
          if (!textId) {
            textId = `text-${++texts}`;
            out.push({ type: 'text-start', id: textId });
          }
          out.push({ type: 'text-delta', id: textId, delta: event.data.delta });
          break;
        case 'tool_call': {
          const { callId, tool, params } = event.data;
          part(out,
            { type: 'tool-input-start', toolCallId: callId, toolName: tool },
            { type: 'tool-input-available', toolCallId: callId, toolName: tool, input: params ?? {} });
          break;
        }
        case 'tool_result': {
          const { callId, ok, result, error } = event.data;
          if (ok) part(out, { type: 'tool-output-available', toolCallId: callId, output: result ?? null });
          else if (error?.code === DENIED) part(out, { type: 'tool-output-denied', toolCallId: callId });
          else part(out, { type: 'tool-output-error', toolCallId: callId, errorText: error ? `${error.code}: ${error.message}` : 'The call failed.' });
          break;
        }
        case 'status':
          part(out, { type: 'data-status', id: event.data.callId, data: event.data });
          break;
        case 'repair':
          part(out, { type: 'data-repair', id: event.data.callId, data: event.data });
          break;
        case 'action_required': {
          const { callId, code, params, tool } = event.data;
          const id = callId ? { id: callId } : {};
          if (code === 'approval_required' && callId && tool) {
            // The params of the approval are what will run (repairs made): the part's input becomes exactly
            // those, so the approval the client sends back names them (hash-checked on resume).
            part(out,
              { type: 'data-action-required', ...id, data: event.data },
              { type: 'tool-input-available', toolCallId: callId, toolName: tool, input: params ?? {} },
              { type: 'tool-approval-request', approvalId: callId, toolCallId: callId });
          } else {
            part(out, { type: 'data-action-required', ...id, data: event.data });
          }
          break;
        }
        case 'done': {
          closeStep(out);
          const { finishReason } = event.data;
          out.push({ type: 'finish', finishReason: FINISH_REASONS[finishReason] ?? 'other', messageMetadata: event.data });
          ended = true;
          break;
        }
        case 'error':
          closeStep(out);
          // A run cut off by its client (the AI SDK's stop()) is an abort, not a failure.
          // No `reason` on abort: AI SDK 5's strict chunk schema refuses fields it does not know.
          out.push(event.data.code === 'ABORTED' ? { type: 'abort' } : { type: 'error', errorText: `${event.data.code}: ${event.data.message}` });
          ended = true;
          break;
      }
      return out;
    },
  };
}

/** A chunk on the wire: one SSE `data:` line (no event name) per chunk. */
export const uiChunkLine = (chunk: UiChunk) => `data: ${JSON.stringify(chunk)}\n\n`;

/** The stream's last line, after the end chunk. */
export const UI_STREAM_DONE = 'data: [DONE]\n\n';
