// The chat side of the load generator: one scripted responder for the fake OpenRouter, a chat turn
// through the runtime, and the same completion fetched straight from the fake (the baseline).
import { randomUUID } from 'node:crypto';
import type { ScriptEntry } from '../../test/support/fake-openrouter/types.ts';
import { readSseTimed, type SseEvent } from './sse.ts';
import { nowMs } from './stats.ts';

export const STAMPED_CHUNKS = 200;
export const STAMP_GAP_MS = 1;
export const SHORT_CHUNKS = 10;
export const SHORT_GAP_MS = Number(process.env.BENCH_SHORT_GAP_MS ?? 2000);

/**
 * A chunk content whose value is the time it is serialized: the fake OpenRouter JSON.stringify()s each
 * chunk right before res.write(), after the chunk delay, so toJSON() stamps the moment of sending.
 */
const stamp = { toJSON: () => String(nowMs()) } as unknown as string;

/**
 * What the fake OpenRouter answers, chosen by the last message: `stamp` → 200 timestamp chunks 1 ms apart;
 * `tool` → one crm_get_org call; a `tool` message (the result) or `plain` → a two-chunk answer;
 * `short` → 10 chunks, SHORT_GAP_MS apart (the 1,000 concurrent streams).
 */
export function benchResponder(body: { messages?: Array<{ role: string; content?: unknown }> }): ScriptEntry {
  upstreamArrivals.push(nowMs());
  const last = body.messages?.at(-1);
  if (last?.role === 'tool' || last?.content === 'plain') return { text: ['The org is ', 'Zylker.'] };
  if (last?.content === 'tool') return { toolCalls: [{ name: 'crm_get_org', arguments: {} }] };
  if (last?.content === 'stamp') return [{ text: Array.from({ length: STAMPED_CHUNKS }, () => stamp) }, { chunkDelayMs: STAMP_GAP_MS }];
  if (last?.content === 'short') return [{ text: Array.from({ length: SHORT_CHUNKS }, (_, i) => `w${i} `) }, { chunkDelayMs: SHORT_GAP_MS }];
  return { error: { status: 400, message: `bench responder: unexpected ${JSON.stringify(last)}` } };
}

/** When each completion request reached the fake OpenRouter (its body read and parsed), same clock. */
export const upstreamArrivals: number[] = [];

export interface TimedStream {
  status: number;
  events: SseEvent[];
  /** nowMs() when the request was sent. */
  startedAt: number;
  /** Request sent -> last event read (the runtime's `done`, the upstream's `[DONE]`). */
  ms: number;
}

const finish = (status: number, events: SseEvent[], startedAt: number): TimedStream =>
  ({ status, events, startedAt, ms: (events.at(-1)?.receivedAt ?? nowMs()) - startedAt });

/** Which encoder answers: our own SSE events, or the AI SDK UI message stream (a DefaultChatTransport body). */
export type ChatProtocol = 'sse' | 'ui';

/** The body of one user message in each protocol; the UI one as DefaultChatTransport sends a first message. */
function chatBody(protocol: ChatProtocol, content: string): unknown {
  if (protocol === 'sse') return { messages: [{ role: 'user', content }] };
  return { id: randomUUID(), messages: [{ id: randomUUID(), role: 'user', parts: [{ type: 'text', text: content }] }], trigger: 'submit-message' };
}

/** POST /api/chat with one user message; reads the stream to its end (UI chunks arrive as event `message`). */
export async function chatTurn(
  runtimeUrl: string, jwt: string, content: string, onEvent?: (e: SseEvent) => void, protocol: ChatProtocol = 'sse',
): Promise<TimedStream> {
  const startedAt = nowMs();
  const res = await fetch(`${runtimeUrl}/api/chat`, {
    method: 'POST',
    headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify(chatBody(protocol, content)),
  });
  const events: SseEvent[] = [];
  if (res.status === 200) await readSseTimed(res, (e) => (events.push(e), onEvent?.(e)));
  else await res.arrayBuffer();
  return finish(res.status, events, startedAt);
}

/** The same completion request sent straight to the fake OpenRouter (the body the runtime sent, replayed). */
export async function directCompletion(baseURL: string, apiKey: string, body: unknown): Promise<TimedStream> {
  const startedAt = nowMs();
  const res = await fetch(`${baseURL}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify(body),
  });
  const events: SseEvent[] = [];
  if (res.status === 200) await readSseTimed(res, (e) => events.push(e));
  else await res.arrayBuffer();
  return finish(res.status, events, startedAt);
}

/** receive − send (ms) of every stamped text chunk: runtime `text` events, UI `text-delta` chunks, or upstream chunks. */
export function chunkLatencies(stream: TimedStream, from: 'runtime' | 'ui' | 'upstream'): number[] {
  const out: number[] = [];
  for (const e of stream.events) {
    if (e.data === '[DONE]') continue;
    const data = JSON.parse(e.data) as { type?: string; delta?: string; choices?: Array<{ delta?: { content?: string | null } }> };
    const text = from === 'runtime' ? (e.event === 'text' ? data.delta : undefined)
      : from === 'ui' ? (data.type === 'text-delta' ? data.delta : undefined)
        : data.choices?.[0]?.delta?.content;
    if (text) out.push(e.receivedAt - Number(text));
  }
  return out;
}

export const eventTypes = (s: TimedStream) => s.events.map((e) => e.event);

/** The type of each UI message stream chunk (`[DONE]` as itself). */
export const chunkTypes = (s: TimedStream) => s.events.map((e) => (e.data === '[DONE]' ? '[DONE]' : (JSON.parse(e.data) as { type: string }).type));
