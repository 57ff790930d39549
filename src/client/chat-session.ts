import type { RunEvent } from '../stream/events.ts';
import type { createEventPrinter } from './event-printer.ts';
import type { ChatMessage, RuntimeClient } from './runtime-client.ts';
import { RuntimeClientError } from './runtime-client-error.ts';

export type Outcome = 'done' | 'error' | 'aborted';
type Printer = ReturnType<typeof createEventPrinter>;

/** A write the runtime held for the user's decision (`action_required`, code `approval_required`). */
interface PendingApproval {
  callId: string;
  paramsHash?: string;
}

export interface TurnOptions {
  signal: AbortSignal;
  /** The session's conversation: the server keeps its transcript (tool calls and results) between turns. */
  conversationId?: string;
  /** Asks the user a question; `undefined` when nobody can answer (no terminal) or the turn was stopped. */
  ask?: (question: string, signal: AbortSignal) => Promise<string | undefined>;
}

/**
 * One user turn at the terminal: the chat stream, then, for each write the runtime holds for
 * approval, the user's yes/no and the resumed run. A refused request or a broken stream is
 * printed in plain words, never thrown.
 */
export async function runTurn(client: RuntimeClient, messages: ChatMessage[], printer: Printer, options: TurnOptions): Promise<Outcome> {
  const { signal, ask, conversationId } = options;
  let { outcome, approvals } = await printRun(client.chat({ messages, conversationId }, { signal }), printer, signal);
  while (outcome === 'done' && ask && approvals.length > 0) {
    const next = approvals.shift()!;
    const answer = await ask('Approve? [y/N] ', signal);
    if (answer === undefined || signal.aborted) break;
    const decision = /^y(es)?$/i.test(answer.trim()) ? 'approve' : 'deny';
    const resumed = await printRun(client.decideApproval(next.callId, decision, { signal, paramsHash: next.paramsHash }), printer, signal);
    outcome = resumed.outcome;
    approvals.push(...resumed.approvals);
  }
  if (signal.aborted) {
    printer.note('(stopped)');
    return 'aborted';
  }
  return outcome;
}

async function printRun(events: AsyncIterable<RunEvent>, printer: Printer, signal: AbortSignal) {
  const approvals: PendingApproval[] = [];
  try {
    for await (const event of events) {
      printer.print(event);
      if (event.type === 'action_required' && event.data.code === 'approval_required' && typeof event.data.callId === 'string') {
        approvals.push({ callId: event.data.callId, paramsHash: typeof event.data.paramsHash === 'string' ? event.data.paramsHash : undefined });
      }
      if (event.type === 'done' || event.type === 'error') return { outcome: event.type, approvals };
    }
  } catch (error) {
    printer.note(describeFailure(error), true);
    return { outcome: 'error' as const, approvals };
  }
  return { outcome: signal.aborted ? ('aborted' as const) : ('error' as const), approvals };
}

/** An exception as one line a person can act on. */
export function describeFailure(error: unknown): string {
  if (!(error instanceof RuntimeClientError)) return `Error: ${(error as Error)?.message ?? String(error)}`;
  const hint = {
    UNAUTHORIZED: ' Check RUNTIME_TOKEN (a JWT signed with the server\'s AUTH_JWT_SECRET).',
    NETWORK_ERROR: ' Is the runtime running? Set RUNTIME_URL if it listens elsewhere.',
  }[error.code] ?? '';
  return `Error: ${error.message} [${error.code}]${hint}`;
}
