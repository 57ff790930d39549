// A real HTTP server on 127.0.0.1 that speaks OpenRouter's OpenAI-compatible chat-completions
// wire format at POST /api/v1/chat/completions. Point the `openai` SDK at `fake.baseURL`.
//
//   const fake = await startFakeOpenRouter();
//   fake.script({ text: ['Hel', 'lo'] }, [{ toolCalls: [{ name: 'x', arguments: {} }] }, { chunkDelayMs: 20 }]);
//   const client = new OpenAI({ apiKey: fake.apiKey, baseURL: fake.baseURL, maxRetries: 0 });
//
// Turns are consumed one per request that passes the auth and model checks. Note that the SDK
// retries 408/409/429/5xx by default, and each retry consumes the next scripted turn.
import { EventEmitter } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  FakeOpenRouter,
  RecordedCompletionRequest,
  ScriptEntry,
  ScriptedTurn,
  StartFakeOpenRouterOptions,
  TurnOptions,
} from './fake-openrouter/types.ts';
import {
  callIds,
  completionBody,
  completionErrorBody,
  errorBody,
  midStreamError,
  newGeneration,
  reasoningDetails,
  streamPayloads,
  textChunk,
  type Generation,
} from './fake-openrouter/wire.ts';
import { schemaProblems } from './fake-openrouter/schema-rules.ts';
import { createProviderMemory } from './fake-openrouter/transcript-checks.ts';

export type {
  FakeOpenRouter,
  RecordedCompletionRequest,
  ScriptedTurn,
  StartFakeOpenRouterOptions,
  TurnOptions,
} from './fake-openrouter/types.ts';

const COMPLETIONS_PATH = '/api/v1/chat/completions';
const PROCESSING_COMMENT = ': OPENROUTER PROCESSING\n\n';

type Entry = [ScriptedTurn, TurnOptions];
const normalize = (e: ScriptEntry): Entry => (Array.isArray(e) ? e : [e, {}]);
const sleep = (ms: number) => (ms > 0 ? new Promise<void>((r) => setTimeout(r, ms)) : Promise.resolve());

/** Per-response state: `closed` once the socket is gone; `serverDestroyed` if we killed it ourselves. */
interface ResState {
  closed: boolean;
  serverDestroyed: boolean;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function flattenHeaders(h: IncomingHttpHeaders): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]));
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed || res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/**
 * A `google/` model is served by Gemini, which refuses what its function declarations do not take
 * (schema-rules.ts): OpenRouter relays that as a 400 "Provider returned error" with Gemini's own
 * text in `metadata.raw`, before anything streams.
 */
function providerRefusal(body: any) {
  if (typeof body.model !== 'string' || !body.model.startsWith('google/') || !Array.isArray(body.tools)) return undefined;
  const problems = body.tools.flatMap((tool: any, i: number) =>
    schemaProblems('gemini', tool?.function?.parameters ?? {}).map((p) => p.message.replaceAll("'parameters", `'tools[0].function_declarations[${i}].parameters`)));
  if (problems.length === 0) return undefined;
  const raw = JSON.stringify({ error: { code: 400, message: problems.join('\n'), status: 'INVALID_ARGUMENT' } });
  return errorBody(400, 'Provider returned error', { raw, provider_name: 'Google AI Studio' });
}

export async function startFakeOpenRouter(options: StartFakeOpenRouterOptions = {}): Promise<FakeOpenRouter> {
  const apiKey = options.apiKey ?? 'test-openrouter-key';
  const defaultChunkDelayMs = options.defaultChunkDelayMs ?? 0;
  const initialUnknownModels = options.unknownModels ?? ['no/such-model'];
  const unknownModels = new Set(initialUnknownModels);
  const requests: RecordedCompletionRequest[] = [];
  const queue: Entry[] = [];
  let responder: ((body: any, index: number) => ScriptEntry) | undefined;
  let closing = false;
  // What the provider remembers of the calls it sent (kept across reset(): ids are unique anyway).
  const memory = createProviderMemory();
  const changes = new EventEmitter();
  changes.setMaxListeners(0);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    if (req.method !== 'POST' || (req.url ?? '').split('?')[0] !== COMPLETIONS_PATH) {
      return sendJson(res, 404, errorBody(404, `fake-openrouter: no route for ${req.method} ${req.url}`));
    }
    let body: any;
    let badJson = false;
    try {
      body = raw ? JSON.parse(raw) : {};
    } catch {
      body = raw;
      badJson = true;
    }
    const record: RecordedCompletionRequest = { body, headers: flattenHeaders(req.headers), at: Date.now(), aborted: false };
    const index = requests.push(record) - 1;
    const state: ResState = { closed: false, serverDestroyed: false };
    res.on('close', () => {
      state.closed = true;
      if (!res.writableEnded && !state.serverDestroyed && !closing) record.aborted = true;
      changes.emit('change');
    });
    changes.emit('change');

    const auth = req.headers.authorization;
    if (!auth) return sendJson(res, 401, errorBody(401, 'No auth credentials found'));
    if (auth !== `Bearer ${apiKey}`) return sendJson(res, 401, errorBody(401, 'User not found.'));
    if (badJson || typeof body !== 'object' || body === null) {
      return sendJson(res, 400, errorBody(400, 'fake-openrouter: request body is not a JSON object'));
    }
    if (typeof body.model === 'string' && unknownModels.has(body.model)) {
      return sendJson(res, 400, errorBody(400, `${body.model} is not a valid model ID`));
    }
    const refusal = providerRefusal(body);
    if (refusal) return sendJson(res, 400, refusal);
    const transcriptError = memory.check(body.messages);
    if (transcriptError) return sendJson(res, 400, errorBody(400, transcriptError));
    const next = queue.shift() ?? (responder ? normalize(responder(body, index)) : undefined);
    if (!next) {
      const msg = `fake-openrouter: the test did not script a turn for request #${index} (queue empty, no respondWith)`;
      return sendJson(res, 500, errorBody(500, msg));
    }
    const [scripted, opts] = next;
    const turn: ScriptedTurn = 'toolCalls' in scripted ? { ...scripted, toolCalls: callIds(scripted.toolCalls) } : scripted;
    if ('toolCalls' in turn) memory.issue(turn.toolCalls.map((c) => c.id!), reasoningDetails(turn.reasoning));
    const timing = { first: opts.firstChunkDelayMs ?? 0, gap: opts.chunkDelayMs ?? defaultChunkDelayMs, startAfter: opts.startAfter };
    const g = newGeneration(body.model);
    if ('error' in turn) {
      await sleep(timing.first);
      const { status, code, message, metadata } = turn.error;
      return sendJson(res, status, errorBody(code ?? status, message, metadata), turn.headers);
    }
    if (body.stream === true) return playStream(res, state, turn, timing, g);
    return playJson(res, state, turn, timing.first, g);
  }

  async function playJson(res: ServerResponse, state: ResState, turn: ScriptedTurn, first: number, g: Generation) {
    await sleep(first);
    if (state.closed || 'error' in turn) return;
    const headers = { 'X-Generation-Id': g.id };
    if ('dropAfter' in turn) {
      state.serverDestroyed = true;
      res.destroy();
    } else if ('streamError' in turn) {
      sendJson(res, 200, completionErrorBody(g, turn), headers);
    } else if ('toolCalls' in turn || 'text' in turn) {
      sendJson(res, 200, completionBody(g, turn), headers);
    }
    // hang: never answer; the request stays open until the client disconnects or close().
  }

  async function playStream(
    res: ServerResponse,
    state: ResState,
    turn: ScriptedTurn,
    timing: { first: number; gap: number; startAfter?: Promise<unknown> },
    g: Generation,
  ) {
    if ('error' in turn) return;
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      'X-Generation-Id': g.id,
    });
    // Resolves once the bytes are handed to the kernel, so a following destroy() cannot eat them.
    const write = (s: string) => new Promise<void>((resolve) => res.write(s, () => resolve()));
    await write(PROCESSING_COMMENT);
    let sent = 0;
    /** Writes one `data:` event after the configured delay; false once the client is gone. */
    const emit = async (payload: object | string): Promise<boolean> => {
      if (sent === 0) await timing.startAfter;
      await sleep(sent++ === 0 ? timing.first : timing.gap);
      if (state.closed) return false;
      await write(`data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n\n`);
      return !state.closed;
    };
    const emitText = async (parts: string[]) => {
      for (const t of parts) if (!(await emit(textChunk(g, t)))) return false;
      return true;
    };

    if ('streamError' in turn) {
      if (!(await emitText(turn.afterText ?? []))) return;
      if (!(await emit(midStreamError(g, turn.streamError)))) return;
      res.end();
    } else if ('dropAfter' in turn) {
      if (!(await emitText(turn.dropAfter))) return;
      await sleep(timing.gap);
      state.serverDestroyed = true;
      res.destroy();
    } else if ('toolCalls' in turn || 'text' in turn) {
      for (const p of streamPayloads(g, turn)) if (!(await emit(p))) return;
      if (!state.closed) res.end('data: [DONE]\n\n');
    } else {
      await emitText(turn.hangAfter ?? []); // then never finish
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, errorBody(500, `fake-openrouter crashed: ${String(err)}`));
      else res.destroy();
    });
  });
  // Node's default (5 s) would close idle keep-alive sockets far sooner than OpenRouter's edge does; a
  // client starting its next step on a socket just closed then fails ("other side closed").
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    baseURL: `${url}/api/v1`,
    apiKey,
    requests,
    unknownModels,
    script(...turns) {
      queue.push(...turns.map(normalize));
    },
    respondWith(fn) {
      responder = fn;
    },
    waitForAbort(requestIndex, timeoutMs = 2000) {
      return new Promise<boolean>((resolve) => {
        const finish = (v: boolean) => {
          clearTimeout(timer);
          changes.off('change', check);
          resolve(v);
        };
        const check = () => {
          if (requests[requestIndex]?.aborted) finish(true);
        };
        const timer = setTimeout(() => finish(false), timeoutMs);
        changes.on('change', check);
        check();
      });
    },
    reset() {
      queue.length = 0;
      responder = undefined;
      requests.length = 0;
      unknownModels.clear();
      for (const m of initialUnknownModels) unknownModels.add(m);
    },
    async close() {
      if (!server.listening) return;
      closing = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
