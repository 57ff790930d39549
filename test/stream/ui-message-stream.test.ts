import { describe, expect, it } from 'vitest';
import { asSchema, readUIMessageStream, uiMessageChunkSchema, type UIMessage, type UIMessageChunk } from 'ai';
import type { RunEvent } from '../../src/stream/events.ts';
import { createUiMessageEncoder, type UiChunk } from '../../src/stream/ui-message-stream.ts';

const chunkSchema = asSchema(uiMessageChunkSchema);

/** Encodes a run's events; every chunk must pass the `ai` package's own chunk schema. */
async function encode(events: RunEvent[], messageId = 'msg_1'): Promise<UiChunk[]> {
  const encoder = createUiMessageEncoder(messageId);
  const chunks = [...encoder.start(), ...events.flatMap((e) => encoder.encode(e))];
  for (const chunk of chunks) expect((await chunkSchema.validate!(chunk)).success, JSON.stringify(chunk)).toBe(true);
  return chunks;
}

/** What the AI SDK's own reader makes of the chunks. */
async function messageOf(chunks: UiChunk[], message?: UIMessage): Promise<UIMessage> {
  const stream = new ReadableStream<UIMessageChunk>({
    start(c) {
      for (const chunk of chunks) c.enqueue(chunk as UIMessageChunk);
      c.close();
    },
  });
  let last: UIMessage | undefined;
  for await (const m of readUIMessageStream({ stream, message, terminateOnError: true })) last = m;
  return last!;
}

const call = { callId: 'call_1', tool: 'crm_create_record' };

describe('the UI message stream encoder', () => {
  it('closes a text block before a tool part and a step before the next', async () => {
    const chunks = await encode([
      { type: 'step', data: { step: 1 } },
      { type: 'text', data: { delta: 'Looking' } },
      { type: 'tool_call', data: { ...call, tool: 'crm_get_org', params: {} } },
      { type: 'tool_result', data: { ...call, tool: 'crm_get_org', ok: true, result: { org: 1 }, attempts: 1 } },
      { type: 'step', data: { step: 2 } },
      { type: 'text', data: { delta: 'Done' } },
      { type: 'done', data: { finishReason: 'stop', steps: 2 } },
    ]);
    expect(chunks.map((c) => c.type)).toEqual([
      'start', 'start-step', 'text-start', 'text-delta', 'text-end', 'tool-input-start', 'tool-input-available', 'tool-output-available', 'finish-step',
      'start-step', 'text-start', 'text-delta', 'text-end', 'finish-step', 'finish',
    ]);
    expect(new Set(chunks.filter((c) => c.type === 'text-start').map((c) => c.id)).size).toBe(2);
    const message = await messageOf(chunks);
    expect(message.parts.map((p) => p.type)).toEqual(['step-start', 'text', 'tool-crm_get_org', 'step-start', 'text']);
  });

  it('asks for approval with the params that will run, and a resumed call lands on the asking message', async () => {
    const asking = await encode([
      { type: 'step', data: { step: 1 } },
      { type: 'tool_call', data: { ...call, params: { record: { Last_Name: 'lovelace ' } } } },
      {
        type: 'action_required',
        data: { code: 'approval_required', message: 'Create a lead.', ...call, params: { record: { Last_Name: 'Lovelace' } }, paramsHash: 'h', runId: 'r' },
      },
      { type: 'done', data: { finishReason: 'approval_required', steps: 1, runId: 'r' } },
    ]);
    expect(asking.slice(-4)).toEqual([
      { type: 'tool-input-available', toolCallId: 'call_1', toolName: 'crm_create_record', input: { record: { Last_Name: 'Lovelace' } } },
      { type: 'tool-approval-request', approvalId: 'call_1', toolCallId: 'call_1' },
      { type: 'finish-step' },
      expect.objectContaining({ type: 'finish', finishReason: 'tool-calls' }),
    ]);
    const paused = await messageOf(asking);
    expect(paused.parts.find((p) => p.type === 'tool-crm_create_record')).toMatchObject({
      state: 'approval-requested', input: { record: { Last_Name: 'Lovelace' } }, approval: { id: 'call_1' },
    });
    // The next request: no `step` comes before the approved call's result, so it finds its part in the last step.
    const resumed = await encode([
      { type: 'status', data: { message: 'Calling Zoho tool: crm_create_record...', ...call } },
      { type: 'tool_result', data: { ...call, ok: true, result: { id: '9' }, attempts: 1 } },
      { type: 'step', data: { step: 2 } },
      { type: 'text', data: { delta: 'Created.' } },
      { type: 'done', data: { finishReason: 'stop', steps: 2 } },
    ], paused.id);
    const approved = structuredClone(paused);
    const part = approved.parts.find((p) => p.type === 'tool-crm_create_record') as any;
    Object.assign(part, { state: 'approval-responded', approval: { id: 'call_1', approved: true } });
    const final = await messageOf(resumed, approved);
    expect(final.id).toBe(paused.id);
    expect(final.parts.find((p) => p.type === 'tool-crm_create_record')).toMatchObject({ state: 'output-available', output: { id: '9' } });
    expect(final.parts.find((p) => p.type === 'data-status')).toMatchObject({ id: 'call_1' });
  });

  it('maps a denial to output-denied, a failure to output-error with its code', async () => {
    const chunks = await encode([
      { type: 'tool_result', data: { ...call, ok: false, error: { code: 'APPROVAL_DENIED', message: 'no' }, attempts: 0 } },
      { type: 'tool_result', data: { callId: 'call_2', tool: 'crm_get_org', ok: false, error: { code: 'ZOHO_UNAVAILABLE', message: 'down' }, attempts: 3 } },
      { type: 'done', data: { finishReason: 'stop', steps: 1 } },
    ]);
    expect(chunks[1]).toEqual({ type: 'tool-output-denied', toolCallId: 'call_1' });
    expect(chunks[2]).toEqual({ type: 'tool-output-error', toolCallId: 'call_2', errorText: 'ZOHO_UNAVAILABLE: down' });
  });

  it('ends exactly once: an error is `error`, a client gone is `abort`, nothing after the end', async () => {
    const failed = await encode([
      { type: 'step', data: { step: 1 } },
      { type: 'text', data: { delta: 'Hm' } },
      { type: 'error', data: { code: 'LLM_ERROR', message: 'upstream failed' } },
      { type: 'done', data: { finishReason: 'stop', steps: 1 } },
    ]);
    expect(failed.slice(-3)).toEqual([{ type: 'text-end', id: 'text-1' }, { type: 'finish-step' }, { type: 'error', errorText: 'LLM_ERROR: upstream failed' }]);
    const aborted = await encode([{ type: 'error', data: { code: 'ABORTED', message: 'The client went away.' } }, { type: 'text', data: { delta: 'late' } }]);
    expect(aborted.slice(1)).toEqual([{ type: 'abort' }]);
  });

  it('carries connect prompts and repairs as data parts keyed by the call', async () => {
    const chunks = await encode([
      { type: 'action_required', data: { code: 'zoho_not_connected', message: 'Connect Zoho Desk.', url: '/api/connections/zoho', method: 'POST' } },
      { type: 'repair', data: { ...call, attempt: 1, reason: 'INVALID_PARAMS', error: 'bad', params: {} } },
      { type: 'done', data: { finishReason: 'stop', steps: 1 } },
    ]);
    expect(chunks[1]).toMatchObject({ type: 'data-action-required', data: { code: 'zoho_not_connected' } });
    expect(chunks[1]).not.toHaveProperty('id');
    expect(chunks[2]).toMatchObject({ type: 'data-repair', id: 'call_1' });
  });
});
