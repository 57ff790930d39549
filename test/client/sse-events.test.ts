import { describe, expect, it } from 'vitest';
import { readRunEvents } from '../../src/client/sse-events.ts';
import type { RunEvent } from '../../src/stream/events.ts';

/** A body that delivers `bytes` cut at the given offsets, as a network would. */
function bodyOf(bytes: Uint8Array, cuts: number[]): ReadableStream<Uint8Array> {
  const edges = [0, ...cuts, bytes.length];
  return new ReadableStream({
    start(controller) {
      for (let i = 0; i < edges.length - 1; i++) controller.enqueue(bytes.slice(edges[i], edges[i + 1]));
      controller.close();
    },
  });
}

const collect = async (events: AsyncIterable<RunEvent>) => {
  const seen: RunEvent[] = [];
  for await (const event of events) seen.push(event);
  return seen;
};

const STREAM = [
  ': ping\n\n',
  'event: status\r\ndata: {"message":"Calling Zoho tool: crm_get_org...","tool":"crm_get_org","callId":"c1"}\r\n\r\n',
  'event: sparkle\ndata: {"from":"a newer server"}\n\n',
  'data: {"unnamed":true}\n\n',
  'event: text\ndata: {"delta":"Grüße 𝄞 "}\n\n',
  ': ping\n\n',
  'event: text\ndata: {"delta":"fin"}\n\n',
  'event: done\ndata: {"finishReason":"stop","steps":1}\n\n',
].join('');

const EXPECTED: RunEvent[] = [
  { type: 'status', data: { message: 'Calling Zoho tool: crm_get_org...', tool: 'crm_get_org', callId: 'c1' } },
  { type: 'text', data: { delta: 'Grüße 𝄞 ' } },
  { type: 'text', data: { delta: 'fin' } },
  { type: 'done', data: { finishReason: 'stop', steps: 1 } },
];

describe('readRunEvents', () => {
  const bytes = new TextEncoder().encode(STREAM);
  const text = (s: string) => new TextEncoder().encode(STREAM.slice(0, STREAM.indexOf(s))).length;

  it('skips comments and unknown event types, with chunks cut mid-line and mid-character', async () => {
    const cuts = [
      text('atus\r\n'), // inside "event: st|atus"
      text('\ndata: {"message"'), // between \r and \n
      text('ü') + 1, // inside the two bytes of ü
      text('𝄞') + 1, // inside the four bytes of 𝄞
      text('𝄞') + 3,
      text('n"}\n\n'), // inside the last text's data
    ];
    expect(await collect(readRunEvents(bodyOf(bytes, cuts)))).toEqual(EXPECTED);
  });

  it('reads a body delivered one byte at a time', async () => {
    const everyByte = Array.from({ length: bytes.length - 1 }, (_, i) => i + 1);
    expect(await collect(readRunEvents(bodyOf(bytes, everyByte)))).toEqual(EXPECTED);
  });

  it('stops at the first done or error and reads nothing after it', async () => {
    const body = 'event: error\ndata: {"code":"LLM_ERROR","message":"The model failed."}\n\nevent: text\ndata: {"delta":"late"}\n\n';
    expect(await collect(readRunEvents(bodyOf(new TextEncoder().encode(body), [])))).toEqual([
      { type: 'error', data: { code: 'LLM_ERROR', message: 'The model failed.' } },
    ]);
  });

  it('throws STREAM_INTERRUPTED when the body ends without done or error', async () => {
    const body = 'event: text\ndata: {"delta":"half"}\n\n';
    const seen: RunEvent[] = [];
    const error = await (async () => {
      for await (const event of readRunEvents(bodyOf(new TextEncoder().encode(body), []))) seen.push(event);
    })().catch((e: unknown) => e);
    expect(seen).toHaveLength(1);
    expect(error).toMatchObject({ name: 'RuntimeClientError', code: 'STREAM_INTERRUPTED' });
  });

  it('throws INVALID_EVENT for a known event type whose data breaks the contract', async () => {
    const body = 'event: tool_result\ndata: {"callId":"c1","ok":"yes"}\n\n';
    await expect(collect(readRunEvents(bodyOf(new TextEncoder().encode(body), [])))).rejects.toMatchObject({
      code: 'INVALID_EVENT',
      message: expect.stringContaining('- tool:'),
    });
  });
});
