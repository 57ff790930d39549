// Public types of the fake OpenRouter server (re-exported by ../fake-openrouter.ts).

export interface ScriptedUsage {
  prompt_tokens: number;
  completion_tokens: number;
  reasoning_tokens?: number;
  cost?: number;
}

/**
 * Reasoning streamed before the answer: `text` as `delta.reasoning`, each of `details` as
 * `delta.reasoning_details` fragments (its text, summary or data in two halves, the signature with
 * the last), as OpenRouter streams them. With tool calls, the fake then requires `details` back,
 * unchanged, on the assistant message that carries those calls.
 */
export interface ScriptedReasoning {
  text?: string;
  details?: Array<Record<string, unknown>>;
}

/** A plain text answer. A string is ONE content chunk; pass an array for several chunks. */
export interface TextTurn {
  text: string | string[];
  finishReason?: 'stop' | 'length';
  usage?: ScriptedUsage;
  reasoning?: ScriptedReasoning;
}

/**
 * Tool calls (indexes 0..n-1). Each call's arguments JSON is split into fragments and the
 * fragments of parallel calls are interleaved, so a consumer must assemble by `index`.
 */
export interface ToolCallsTurn {
  /** `id` '' sends the call without an id (some providers do); omitted, the fake makes one up. */
  toolCalls: Array<{ id?: string; name: string; arguments: string | object }>;
  /** Optional content streamed before the tool calls. */
  text?: string;
  reasoning?: ScriptedReasoning;
  usage?: ScriptedUsage;
}

/** HTTP error before streaming: `{"error":{"code","message","metadata"?}}` with status `status`. */
export interface HttpErrorTurn {
  error: { status: number; message: string; code?: number; metadata?: Record<string, unknown> };
  headers?: Record<string, string>;
}

/** 200 + SSE, `afterText` chunks, then a chunk with top-level `error` and finish_reason 'error'. */
export interface StreamErrorTurn {
  /** `code` defaults to 502; OpenRouter documents `code: string | number` here. */
  streamError: { message: string; code?: number | string };
  afterText?: string[];
}

/** Sends these text chunks, then destroys the socket without finish chunk or [DONE]. */
export interface DropTurn {
  dropAfter: string[];
}

/** Sends these chunks, then never finishes (until the client disconnects or close()). */
export interface HangTurn {
  hangAfter?: string[];
}

export type ScriptedTurn = TextTurn | ToolCallsTurn | HttpErrorTurn | StreamErrorTurn | DropTurn | HangTurn;

export interface TurnOptions {
  /** Delay before every data chunk after the first (default: start option defaultChunkDelayMs ?? 0). */
  chunkDelayMs?: number;
  /** Delay before the first data chunk / the JSON or error response (default 0). */
  firstChunkDelayMs?: number;
  /** Streaming only: the first data chunk also waits for this (a benchmark lines up many streams). */
  startAfter?: Promise<unknown>;
}

export interface RecordedCompletionRequest {
  /** Parsed JSON request body (the raw string if it was not valid JSON). */
  body: any;
  headers: Record<string, string | undefined>;
  at: number;
  /** True once the client closed the connection before the response ended. */
  aborted: boolean;
}

export type ScriptEntry = ScriptedTurn | [ScriptedTurn, TurnOptions];

export interface FakeOpenRouter {
  url: string;
  baseURL: string;
  apiKey: string;
  requests: RecordedCompletionRequest[];
  /** Models answered with 400 "<id> is not a valid model ID". Mutable; reset() restores it. */
  unknownModels: Set<string>;
  script(...turns: ScriptEntry[]): void;
  /** `index` is the request's position in `requests`. Used only when the queue is empty. */
  respondWith(fn: (body: any, index: number) => ScriptEntry): void;
  waitForAbort(requestIndex: number, timeoutMs?: number): Promise<boolean>;
  reset(): void;
  close(): Promise<void>;
}

export interface StartFakeOpenRouterOptions {
  apiKey?: string;
  defaultChunkDelayMs?: number;
  /** Initial content of `unknownModels` (default ['no/such-model']). */
  unknownModels?: string[];
}
