// What the client saw of one chat, whichever column served it, and the check every chat must pass:
// answered 200, the answer's text whole and in order, exactly one tool result, exactly one final event.
import { ANSWER, ANSWER_CHUNKS, type Mode } from './scenario.ts';

export interface ChatResult {
  status: number;
  /** Text deltas in arrival order, and when each one's bytes were read (nowMs clock). */
  texts: string[];
  textAt: number[];
  toolResults: number;
  /** `done` (our events), `finish` (the AI SDK's), or the floor's own end of the answer. */
  finals: number;
  /** `error` events, failed tool results, anything unexpected. */
  problems: string[];
  startedAt: number;
  /** Request sent -> last event read. */
  ms: number;
}

export const emptyResult = (startedAt: number): ChatResult =>
  ({ status: 0, texts: [], textAt: [], toolResults: 0, finals: 0, problems: [], startedAt, ms: 0 });

/** Undefined when the chat is whole; otherwise what is wrong with it. */
export function chatProblem(r: ChatResult, mode: Mode): string | undefined {
  if (r.status !== 200) return `status ${r.status}${r.problems[0] ? `: ${r.problems[0]}` : ''}`;
  if (r.problems.length) return r.problems.join('; ');
  if (r.toolResults !== 1) return `${r.toolResults} tool results`;
  if (r.finals !== 1) return `${r.finals} final events`;
  if (r.texts.length !== ANSWER_CHUNKS) return `${r.texts.length} text chunks, not ${ANSWER_CHUNKS}`;
  if (mode === 'stamp') {
    const stamps = r.texts.map(Number);
    if (stamps.some((s, i) => !Number.isFinite(s) || (i > 0 && s < stamps[i - 1]!))) return 'stamped text out of order';
  } else if (r.texts.join('') !== ANSWER.join('')) {
    return `text ${JSON.stringify(r.texts.join('').slice(0, 80))} is not the answer`;
  }
  return undefined;
}

/** Receive time − send time of every stamped chunk of a `stamp` chat, ms. */
export const chunkLags = (r: ChatResult): number[] => r.texts.map((t, i) => r.textAt[i]! - Number(t));
