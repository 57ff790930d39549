// Builders for OpenRouter's OpenAI-compatible chat-completions wire format.
import { randomBytes } from 'node:crypto';
import type { ScriptedReasoning, ScriptedUsage, StreamErrorTurn, TextTurn, ToolCallsTurn } from './types.ts';

const PROVIDER = 'FakeProvider';

/** One generation: shared id / created / model of every chunk of a response. */
export interface Generation {
  id: string;
  created: number;
  model: string;
}

export function newGeneration(model: unknown): Generation {
  const created = Math.floor(Date.now() / 1000);
  const id = `gen-${created}-${randomBytes(15).toString('base64url')}`;
  return { id, created, model: typeof model === 'string' ? model : 'openrouter/auto' };
}

export function errorBody(code: number, message: string, metadata?: Record<string, unknown>) {
  return { error: { code, message, ...(metadata ? { metadata } : {}) } };
}

export function toParts(text: string | string[] | undefined): string[] {
  if (text === undefined || text === '') return [];
  return Array.isArray(text) ? text : [text];
}

export function usageOf(usage: ScriptedUsage | undefined, defaultCompletion: number) {
  const prompt = usage?.prompt_tokens ?? 10;
  const completion = usage?.completion_tokens ?? defaultCompletion;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    cost: usage?.cost ?? 0,
    is_byok: false,
    prompt_tokens_details: { cached_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: usage?.reasoning_tokens ?? 0 },
  };
}

function base(g: Generation, object: 'chat.completion' | 'chat.completion.chunk') {
  return { id: g.id, provider: PROVIDER, model: g.model, object, created: g.created };
}

/** A `chat.completion.chunk`; `choice === null` gives `choices: []` (the usage chunk). */
function chunk(g: Generation, choice: Record<string, unknown> | null, extra: Record<string, unknown> = {}) {
  return { ...base(g, 'chat.completion.chunk'), choices: choice ? [{ index: 0, ...choice, logprobs: null }] : [], ...extra };
}

function delta(d: Record<string, unknown>, finish: string | null = null) {
  return { delta: { role: 'assistant', ...d }, finish_reason: finish, native_finish_reason: finish };
}

export const textChunk = (g: Generation, content: string) => chunk(g, delta({ content }));

interface NormalCall {
  id: string;
  name: string;
  args: string;
}

/** Each call's id as it will be sent ('' for none): given, or made up. */
export function callIds(calls: ToolCallsTurn['toolCalls']): ToolCallsTurn['toolCalls'] {
  return calls.map((c) => ({ ...c, id: c.id ?? `call_${randomBytes(12).toString('hex')}` }));
}

/** The blocks as the client should reassemble them: each with its `index`. */
export function reasoningDetails(reasoning: ScriptedReasoning | undefined): Array<Record<string, unknown>> | undefined {
  return reasoning?.details?.map((d, index) => ({ index, ...d }));
}

/** `delta.reasoning` halves, then each block in two fragments sharing type and index; the signature comes last. */
function reasoningChunks(g: Generation, reasoning: ScriptedReasoning | undefined): object[] {
  const out: object[] = [];
  const halves = (s: string) => [s.slice(0, Math.ceil(s.length / 2)), s.slice(Math.ceil(s.length / 2))];
  if (reasoning?.text) for (const part of halves(reasoning.text)) out.push(chunk(g, delta({ content: null, reasoning: part })));
  for (const detail of reasoningDetails(reasoning) ?? []) {
    const { signature, ...rest } = detail;
    const field = ['text', 'summary', 'data'].find((f) => typeof rest[f] === 'string');
    const [a, b] = field ? halves(rest[field] as string) : ['', ''];
    const first = field ? { ...rest, [field]: a } : rest;
    const second = { type: rest.type, index: rest.index, ...(field ? { [field]: b } : {}), ...(signature !== undefined ? { signature } : {}) };
    out.push(chunk(g, delta({ content: null, reasoning_details: [first] })), chunk(g, delta({ content: null, reasoning_details: [second] })));
  }
  return out;
}

function normalizeCalls(calls: ToolCallsTurn['toolCalls']): NormalCall[] {
  return calls.map((c) => ({
    id: c.id ?? `call_${randomBytes(12).toString('hex')}`,
    name: c.name,
    args: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments),
  }));
}

/** Splits `s` into at most `n` consecutive pieces (always at least one, possibly ''). */
function splitInto(s: string, n: number): string[] {
  const size = Math.max(1, Math.ceil(s.length / n));
  const out: string[] = [];
  for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size));
  return out.length ? out : [''];
}

/** Data payloads of a successful streamed turn, in order, without the final [DONE]. */
export function streamPayloads(g: Generation, turn: TextTurn | ToolCallsTurn): object[] {
  const out: object[] = reasoningChunks(g, turn.reasoning);
  const text = toParts(turn.text);
  for (const t of text) out.push(textChunk(g, t));
  let finish: string;
  let completionTokens = text.length || 1;
  if ('toolCalls' in turn) {
    const calls = normalizeCalls(turn.toolCalls);
    const frags = calls.map((c) => splitInto(c.args, 3));
    const rounds = Math.max(0, ...frags.map((f) => f.length));
    // Round-robin: header0, frag0[0], header1, frag1[0], frag0[1], frag1[1], ...
    for (let r = 0; r < rounds; r++) {
      calls.forEach((c, index) => {
        if (r === 0) {
          const head = { index, ...(c.id ? { id: c.id } : {}), type: 'function', function: { name: c.name, arguments: '' } };
          out.push(chunk(g, delta({ content: null, tool_calls: [head] })));
        }
        const part = frags[index]![r];
        if (part) out.push(chunk(g, delta({ content: null, tool_calls: [{ index, function: { arguments: part } }] })));
      });
    }
    finish = 'tool_calls';
    completionTokens += calls.length;
  } else {
    finish = turn.finishReason ?? 'stop';
  }
  out.push(chunk(g, delta({ content: '' }, finish)));
  // OpenRouter always sends usage in the last SSE message (stream_options.include_usage is a no-op there).
  out.push(chunk(g, null, { usage: usageOf('usage' in turn ? turn.usage : undefined, completionTokens) }));
  return out;
}

/** OpenRouter's documented mid-stream error chunk: top-level `error`, finish_reason 'error'. */
export function midStreamError(g: Generation, err: StreamErrorTurn['streamError']) {
  return {
    ...base(g, 'chat.completion.chunk'),
    error: { code: err.code ?? 502, message: err.message },
    choices: [{ index: 0, delta: { content: '' }, finish_reason: 'error', native_finish_reason: 'error' }],
  };
}

/** Non-streaming `chat.completion` body. */
export function completionBody(g: Generation, turn: TextTurn | ToolCallsTurn) {
  const text = toParts(turn.text).join('');
  const isTool = 'toolCalls' in turn;
  const message = isTool
    ? {
        role: 'assistant',
        content: text || null,
        refusal: null,
        tool_calls: normalizeCalls(turn.toolCalls).map((c) => ({
          id: c.id,
          type: 'function',
          function: { name: c.name, arguments: c.args },
        })),
      }
    : { role: 'assistant', content: text, refusal: null };
  const finish = isTool ? 'tool_calls' : (turn.finishReason ?? 'stop');
  const usage = usageOf('usage' in turn ? turn.usage : undefined, Math.max(1, Math.ceil(text.length / 4)));
  return {
    ...base(g, 'chat.completion'),
    choices: [{ index: 0, logprobs: null, finish_reason: finish, native_finish_reason: finish, message }],
    usage,
  };
}

/** Non-streaming answer to a streamError turn: 200 with the error inside the choice. */
export function completionErrorBody(g: Generation, turn: StreamErrorTurn) {
  const content = (turn.afterText ?? []).join('');
  return {
    ...base(g, 'chat.completion'),
    choices: [
      {
        index: 0,
        logprobs: null,
        finish_reason: 'error',
        native_finish_reason: 'error',
        message: { role: 'assistant', content, refusal: null },
        error: { code: turn.streamError.code ?? 502, message: turn.streamError.message },
      },
    ],
    usage: usageOf(undefined, 1),
  };
}
