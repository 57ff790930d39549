// The client side of bench/compare: one chat against each column, all with Node's fetch and the same
// SSE reader (../support/sse.ts), each reduced to a ChatResult. The floor makes the three upstream
// requests itself; the others post one request and read the server's stream.
import { readSseTimed, type SseEvent } from '../support/sse.ts';
import { nowMs } from '../support/stats.ts';
import { emptyResult, type ChatResult } from './chat-result.ts';
import { addChunk, newCompletion, toolTurn, type Completion } from './completion-chunks.ts';
import { MODELS, TOOL_DEFINITION, type Mode } from './scenario.ts';
import { searchRecords } from './search-records.ts';

/** Called once, when the chat's first text arrives (the 1,000-stream phase counts streams mid-way). */
export type OnFirstText = () => void;

function addText(r: ChatResult, delta: string, at: number, onFirstText?: OnFirstText): void {
  r.texts.push(delta);
  r.textAt.push(at);
  if (r.texts.length === 1) onFirstText?.();
}

async function post(url: string, headers: Record<string, string>, body: unknown): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify(body),
  });
}

/** Reads the stream into `r` with `onEvent`; a non-200 answer becomes a problem. */
async function readInto(r: ChatResult, res: Response, onEvent: (e: SseEvent) => void): Promise<ChatResult> {
  r.status = res.status;
  if (res.status !== 200) r.problems.push((await res.text()).slice(0, 300));
  else await readSseTimed(res, (e) => ((r.ms = e.receivedAt - r.startedAt), onEvent(e)));
  return r;
}

/** `POST /api/chat` in our own shape, answered with our SSE events (the runtime, the hand-written runtime). */
export async function ourEventsChat(url: string, headers: Record<string, string>, mode: Mode, onFirstText?: OnFirstText): Promise<ChatResult> {
  const r = emptyResult(nowMs());
  const res = await post(`${url}/api/chat`, headers, { messages: [{ role: 'user', content: mode }] });
  return readInto(r, res, (e) => {
    const data = JSON.parse(e.data);
    if (e.event === 'text') addText(r, data.delta, e.receivedAt, onFirstText);
    else if (e.event === 'tool_result') {
      r.toolResults++;
      if (!data.ok) r.problems.push(`tool failed: ${JSON.stringify(data.error)}`);
    } else if (e.event === 'done') {
      r.finals++;
      if (data.finishReason !== 'stop') r.problems.push(`finishReason ${data.finishReason}`);
    } else if (e.event === 'error') r.problems.push(`error ${data.code}: ${data.message}`);
  });
}

/** `POST /api/chat` with `useChat`'s body, answered with the AI SDK UI message stream. */
export async function aiSdkChat(url: string, mode: Mode, onFirstText?: OnFirstText): Promise<ChatResult> {
  const r = emptyResult(nowMs());
  const message = { id: `u-${r.startedAt}`, role: 'user', parts: [{ type: 'text', text: mode }] };
  const res = await post(`${url}/api/chat`, {}, { id: `chat-${r.startedAt}`, messages: [message], trigger: 'submit-message' });
  return readInto(r, res, (e) => {
    if (e.data === '[DONE]') return;
    const data = JSON.parse(e.data);
    if (data.type === 'text-delta') addText(r, data.delta, e.receivedAt, onFirstText);
    else if (data.type === 'tool-output-available') r.toolResults++;
    else if (data.type === 'tool-output-error') r.problems.push(`tool failed: ${data.errorText}`);
    else if (data.type === 'finish') r.finals++;
    else if (data.type === 'error') r.problems.push(`error: ${data.errorText}`);
  });
}

export interface FloorTarget {
  llmBaseUrl: string;
  llmApiKey: string;
  zohoUrl: string;
  zohoToken: string;
}

/** One streamed completion straight from the fake OpenRouter. */
async function completion(t: FloorTarget, r: ChatResult, messages: unknown[], onText: (delta: string, at: number) => void): Promise<Completion> {
  const res = await post(`${t.llmBaseUrl}/chat/completions`, { authorization: `Bearer ${t.llmApiKey}` }, {
    model: MODELS.floor, messages, tools: [TOOL_DEFINITION], stream: true,
  });
  if (res.status !== 200) throw new Error(`OpenRouter answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  const c = newCompletion();
  await readSseTimed(res, (e) => {
    r.ms = e.receivedAt - r.startedAt;
    if (e.data === '[DONE]') return;
    const delta = addChunk(c, e.data);
    if (delta) onText(delta, e.receivedAt);
  });
  return c;
}

/** The floor: the client does the chat itself (completion, Zoho search, completion), no server between. */
export async function floorChat(t: FloorTarget, mode: Mode, onFirstText?: OnFirstText): Promise<ChatResult> {
  const r = emptyResult(nowMs());
  const onText = (delta: string, at: number) => addText(r, delta, at, onFirstText);
  const messages: unknown[] = [{ role: 'user', content: mode }];
  const first = await completion(t, r, messages, onText);
  const call = first.calls[0];
  if (first.calls.length !== 1 || !call) throw new Error(`the model made ${first.calls.length} tool calls`);
  const result = await searchRecords(t.zohoUrl, t.zohoToken, JSON.parse(call.arguments));
  r.toolResults++;
  messages.push(...toolTurn(first.calls, [result]));
  const second = await completion(t, r, messages, onText);
  r.status = 200;
  if (second.finishReason === 'stop') r.finals++;
  else r.problems.push(`finishReason ${second.finishReason}`);
  return r;
}
