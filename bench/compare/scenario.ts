// The one chat every column of bench/compare runs: the model calls crm_search_records once, the
// search goes to the fake Zoho, and the model answers in 20 chunks. The fake OpenRouter plays the
// model for all four columns through `compareResponder`, so they get the same upstream turns.
import type { ScriptEntry } from '../../test/support/fake-openrouter/types.ts';
import { nowMs } from '../support/stats.ts';
import type { Gate } from './gate.ts';

export const TOOL = 'crm_search_records';
export const TOOL_ARGS = { module: 'Leads', word: 'Smith' };
/** Only the seeded lead John Smith matches: his email must reach the model in the tool message. */
export const EXPECTED_IN_TOOL_RESULT = 'john.smith@example.com';
export const ANSWER_CHUNKS = 20;
export const ANSWER = Array.from({ length: ANSWER_CHUNKS }, (_, i) => (i === 0 ? 'Found ' : `w${i} `));

/**
 * What the user asks, which picks how the answer streams: `chat` at once; `hold` one chunk every
 * `holdGapMs` once the hold gate opens (the streams that are open together); `stamp` one chunk every
 * `stampGapMs` once the stamp gate opens, each chunk's text the moment the fake wrote it (chunk lag).
 */
export type Mode = 'chat' | 'hold' | 'stamp';

/** The model id each column sends: the fake's request log tells the columns apart by it. */
export const MODELS = {
  floor: 'bench/floor',
  aiSdk: 'bench/ai-sdk',
  hand: 'bench/hand-written',
  runtime: 'bench/runtime',
} as const;

/** The tool as the hand-written runtime and the floor offer it (JSON Schema, as OpenAI's wire wants). */
export const TOOL_DEFINITION = {
  type: 'function',
  function: {
    name: TOOL,
    description: 'Search records of one Zoho CRM module by criteria, email, phone or word.',
    parameters: {
      type: 'object',
      properties: {
        module: { type: 'string', description: 'Module API name, e.g. Leads, Contacts' },
        criteria: { type: 'string' },
        email: { type: 'string' },
        phone: { type: 'string' },
        word: { type: 'string' },
      },
      required: ['module'],
      additionalProperties: false,
    },
  },
} as const;

/** Its value is the time it is serialized: the fake JSON.stringify()s each chunk right before writing it. */
const stamp = { toJSON: () => String(nowMs()) } as unknown as string;

type Message = { role: string; content?: unknown };
const textOf = (content: unknown): string =>
  typeof content === 'string'
    ? content
    : Array.isArray(content)
      ? content.map((p: { text?: string }) => p?.text ?? '').join('')
      : '';

export interface Timing {
  holdGapMs: number;
  stampGapMs: number;
  /** Armed by the phase that opens many streams at once (../compare/gate.ts). */
  holdGate: Gate;
  stampGate: Gate;
}

export function compareResponder(timing: Timing) {
  return (body: { messages?: Message[] }): ScriptEntry => {
    const messages = body.messages ?? [];
    const mode = textOf(messages.find((m) => m.role === 'user')?.content);
    const last = messages.at(-1);
    if (last?.role !== 'tool') return { toolCalls: [{ name: TOOL, arguments: TOOL_ARGS }] };
    // The search result must have reached the model, whatever shape each column gives the tool message.
    if (!textOf(last.content).includes(EXPECTED_IN_TOOL_RESULT)) {
      return { error: { status: 400, message: `bench: the tool message lacks the search result: ${textOf(last.content).slice(0, 200)}` } };
    }
    if (mode === 'chat') return { text: ANSWER };
    if (mode === 'hold') return [{ text: ANSWER }, { chunkDelayMs: timing.holdGapMs, startAfter: timing.holdGate.arrive(timing.holdGapMs) }];
    if (mode === 'stamp') {
      const stamps = Array.from({ length: ANSWER_CHUNKS }, () => stamp);
      return [{ text: stamps }, { chunkDelayMs: timing.stampGapMs, startAfter: timing.stampGate.arrive(timing.stampGapMs) }];
    }
    return { error: { status: 400, message: `bench: unexpected user message ${JSON.stringify(mode)}` } };
  };
}
