// Reference (2) of bench/compare: the same chat written by hand as small as it goes. node:http, global
// fetch, eventsource-parser; no SDK, no database, no auth, a fixed Zoho token; our SSE events
// (src/stream/events.ts). What the runtime's own work per chat would cost with nothing else around it.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createParser } from 'eventsource-parser';
import type { RunEvent } from '../../src/stream/events.ts';
import { addChunk, newCompletion, toolTurn, type Completion } from '../compare/completion-chunks.ts';
import { TOOL, TOOL_DEFINITION } from '../compare/scenario.ts';
import { searchRecords, type SearchParams } from '../compare/search-records.ts';
import { serveBenchChild } from '../support/child-ipc.ts';
import { readPeerEnv } from './peer-env.ts';

const env = readPeerEnv();
const MAX_STEPS = 5;

async function readJson(req: IncomingMessage): Promise<unknown> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return JSON.parse(Buffer.concat(parts).toString('utf8'));
}

/** One streamed completion; each text delta goes to `onText` as it arrives. */
async function complete(messages: unknown[], onText: (delta: string) => void, signal: AbortSignal): Promise<Completion> {
  const res = await fetch(`${env.llmBaseUrl}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${env.llmApiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: env.model, messages, tools: [TOOL_DEFINITION], stream: true }),
    signal,
  });
  if (!res.ok || !res.body) throw new Error(`OpenRouter answered ${res.status}: ${await res.text()}`);
  const c = newCompletion();
  let failure: unknown;
  const parser = createParser({
    onEvent(e) {
      if (e.data === '[DONE]' || failure) return;
      try {
        const delta = addChunk(c, e.data);
        if (delta) onText(delta);
      } catch (error) {
        failure = error;
      }
    },
  });
  const decoder = new TextDecoder();
  const reader = res.body.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) parser.feed(decoder.decode(r.value, { stream: true }));
  if (failure) throw failure;
  if (!c.finishReason) throw new Error('the stream ended without a finish reason');
  return c;
}

async function chat(req: IncomingMessage, res: ServerResponse): Promise<void> {
  let body: { messages?: Array<{ role: string; content: string }> };
  try {
    body = (await readJson(req)) as typeof body;
    if (!Array.isArray(body.messages) || body.messages.length === 0) throw new Error('messages: expected a non-empty array');
  } catch (error) {
    res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'INVALID_REQUEST', message: String(error) } }));
    return;
  }
  const controller = new AbortController();
  res.on('close', () => controller.abort());
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
  const send = (e: RunEvent) => res.write(`event: ${e.type}\ndata: ${JSON.stringify(e.data)}\n\n`);
  const messages: unknown[] = body.messages.map((m) => ({ role: m.role, content: m.content }));
  try {
    for (let step = 1; ; step++) {
      const c = await complete(messages, (delta) => send({ type: 'text', data: { delta } }), controller.signal);
      if (c.calls.length === 0 || step === MAX_STEPS) {
        send({ type: 'done', data: { finishReason: c.finishReason!, steps: step } });
        break;
      }
      const results = await Promise.all(c.calls.map(async (call) => {
        const params = JSON.parse(call.arguments || '{}') as SearchParams;
        send({ type: 'status', data: { message: `Calling Zoho tool: ${call.name}...`, tool: call.name, callId: call.id } });
        send({ type: 'tool_call', data: { callId: call.id, tool: call.name, params } });
        try {
          if (call.name !== TOOL) throw new Error(`unknown tool ${call.name}`);
          const result = await searchRecords(env.zohoUrl, env.zohoToken, params, controller.signal);
          send({ type: 'tool_result', data: { callId: call.id, tool: call.name, ok: true, result, attempts: 1 } });
          return result;
        } catch (error) {
          const failure = { code: 'ZOHO_UNAVAILABLE', message: String((error as Error)?.message ?? error) };
          send({ type: 'tool_result', data: { callId: call.id, tool: call.name, ok: false, error: failure, attempts: 1 } });
          return { error: failure };
        }
      }));
      messages.push(...toolTurn(c.calls, results));
    }
  } catch (error) {
    if (!controller.signal.aborted) send({ type: 'error', data: { code: 'LLM_ERROR', message: String((error as Error)?.message ?? error) } });
  }
  res.end();
}

const server = createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/api/chat') chat(req, res).catch(() => res.destroy());
  else res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"code":"NOT_FOUND","message":"no such route"}}');
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

serveBenchChild({
  name: 'hand-written',
  ready: { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` },
  close: () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
});
