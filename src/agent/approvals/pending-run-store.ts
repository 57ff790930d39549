import { and, asc, eq, gt, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { Db } from '../../db/database.ts';
import { pendingRuns, pendingToolCalls } from '../../db/schema.ts';
import type { ToolEffect } from '../../tools/define-tool.ts';

export interface PausedCall {
  callId: string;
  /** The call's id in the model's transcript. */
  toolCallId: string;
  tool: string;
  params: unknown;
  paramsHash: string;
  summary: string;
  /** Set for calls already settled when the run paused (reads run at once). */
  decision?: 'auto';
  resultContent?: string;
  /** For the approval box only (not stored): what the call does, and names for the ids in its params. */
  effect?: ToolEffect;
  names?: Record<string, string>;
}

export interface PausedRun {
  id: string;
  userId: string;
  model: string;
  messages: ChatCompletionMessageParam[];
  steps: number;
  conversationId?: string;
  /** How many of `messages` the conversation's stored transcript holds already. */
  persisted: number;
}

/** A paused run a new message in its conversation cancelled, with its calls (for closing its transcript). */
export interface CancelledRun {
  run: PausedRun;
  calls: PendingCallRow[];
  /** Its time for approval had run out already. */
  expired: boolean;
}

/** Expired runs of a conversation are kept this long, so its next message can still close their calls with what they did. */
const CONVERSATION_GRACE_MS = 7 * 24 * 60 * 60_000;

export type PendingCallRow = typeof pendingToolCalls.$inferSelect;

/** Paused chat runs and their calls, in the database so any instance (or a restarted one) can resume them. */
export class PendingRunStore {
  constructor(private readonly db: Db, private readonly now: () => number = Date.now) {}

  async pause(run: PausedRun, calls: PausedCall[], ttlMs: number): Promise<void> {
    await this.removeExpired();
    await this.db.insert(pendingRuns).values({
      id: run.id, appUserId: run.userId, model: run.model, messages: run.messages, steps: run.steps,
      conversationId: run.conversationId ?? null, persisted: run.persisted, expiresAt: new Date(this.now() + ttlMs),
    });
    await this.addCalls(run, calls);
  }

  private async addCalls(run: { id: string; userId: string }, calls: PausedCall[], firstPosition = 0): Promise<void> {
    await this.db.insert(pendingToolCalls).values(calls.map((c, i) => ({
      callId: c.callId, toolCallId: c.toolCallId, runId: run.id, appUserId: run.userId, position: firstPosition + i, tool: c.tool, params: c.params ?? null,
      paramsHash: c.paramsHash, summary: c.summary, decision: c.decision ?? null, resultContent: c.resultContent ?? null,
      decidedAt: c.decision ? new Date(this.now()) : null,
    })));
  }

  /** The caller's undecided call, or undefined (unknown, another user's, decided, or its run expired). */
  async findUndecided(userId: string, callId: string): Promise<PendingCallRow | undefined> {
    const [row] = await this.db
      .select({ call: pendingToolCalls, expiresAt: pendingRuns.expiresAt, status: pendingRuns.status })
      .from(pendingToolCalls)
      .innerJoin(pendingRuns, eq(pendingRuns.id, pendingToolCalls.runId))
      .where(and(eq(pendingToolCalls.callId, callId), eq(pendingToolCalls.appUserId, userId), isNull(pendingToolCalls.decision)))
      .limit(1);
    if (!row || row.status !== 'paused' || row.expiresAt.getTime() <= this.now()) return undefined;
    return row.call;
  }

  /** The undecided calls of the conversation's runs still paused and unexpired: what a page can still approve or deny. */
  async openCalls(userId: string, conversationId: string): Promise<PendingCallRow[]> {
    const rows = await this.db
      .select({ call: pendingToolCalls })
      .from(pendingToolCalls)
      .innerJoin(pendingRuns, eq(pendingRuns.id, pendingToolCalls.runId))
      .where(and(
        eq(pendingRuns.appUserId, userId), eq(pendingRuns.conversationId, conversationId), eq(pendingRuns.status, 'paused'),
        gt(pendingRuns.expiresAt, new Date(this.now())), isNull(pendingToolCalls.decision),
      ))
      .orderBy(asc(pendingToolCalls.position));
    return rows.map((r) => r.call);
  }

  /**
   * Records a decision once: the update only matches an undecided call with these exact params whose
   * run is still paused and unexpired (not cancelled by a new message in its conversation).
   */
  async claimDecision(userId: string, callId: string, paramsHash: string, decision: 'approve' | 'deny'): Promise<PendingCallRow | undefined> {
    const live = this.db.select({ id: pendingRuns.id }).from(pendingRuns)
      .where(and(eq(pendingRuns.status, 'paused'), gt(pendingRuns.expiresAt, new Date(this.now()))));
    const [row] = await this.db
      .update(pendingToolCalls)
      .set({ decision, decidedAt: new Date(this.now()) })
      .where(and(
        eq(pendingToolCalls.callId, callId), eq(pendingToolCalls.appUserId, userId),
        eq(pendingToolCalls.paramsHash, paramsHash), isNull(pendingToolCalls.decision), inArray(pendingToolCalls.runId, live),
      ))
      .returning();
    return row;
  }

  /**
   * Puts a new call in a decided one's place (Zoho refused the approved params and the repaired
   * ones need approval): the old call is gone, so its decision cannot be used again.
   */
  async replaceCall(old: PendingCallRow, next: PausedCall): Promise<void> {
    await this.db.delete(pendingToolCalls).where(eq(pendingToolCalls.callId, old.callId));
    await this.addCalls({ id: old.runId, userId: old.appUserId }, [next], old.position);
  }

  /**
   * Cancels the user's paused runs in a conversation (a new message came in): they and their calls
   * are gone, so their approvals are refused from now on. Returns them, to close their transcript.
   */
  async cancelConversation(userId: string, conversationId: string): Promise<CancelledRun[]> {
    const runs = await this.db.delete(pendingRuns)
      .where(and(eq(pendingRuns.appUserId, userId), eq(pendingRuns.conversationId, conversationId), eq(pendingRuns.status, 'paused')))
      .returning();
    if (runs.length === 0) return [];
    const calls = await this.db.delete(pendingToolCalls).where(inArray(pendingToolCalls.runId, runs.map((r) => r.id))).returning();
    return runs.map((row) => ({
      run: toPausedRun(row),
      calls: calls.filter((c) => c.runId === row.id).sort((a, b) => a.position - b.position),
      expired: row.expiresAt.getTime() <= this.now(),
    }));
  }

  async settle(callId: string, resultContent: string): Promise<void> {
    await this.db.update(pendingToolCalls).set({ resultContent }).where(eq(pendingToolCalls.callId, callId));
  }

  /** The run with its calls in order, once every call is settled and nobody resumed it yet; claims it. */
  async claimIfComplete(runId: string): Promise<{ run: PausedRun; calls: PendingCallRow[] } | undefined> {
    const calls = await this.db.select().from(pendingToolCalls).where(eq(pendingToolCalls.runId, runId)).orderBy(asc(pendingToolCalls.position));
    if (calls.some((c) => c.resultContent === null)) return undefined;
    const [row] = await this.db
      .update(pendingRuns)
      .set({ status: 'resumed' })
      .where(and(eq(pendingRuns.id, runId), eq(pendingRuns.status, 'paused')))
      .returning();
    if (!row) return undefined;
    return { run: toPausedRun(row), calls };
  }

  /** A paused run's transcript (for naming the ids of a call offered for approval again). */
  async messagesOf(runId: string): Promise<ChatCompletionMessageParam[] | undefined> {
    const [row] = await this.db.select({ messages: pendingRuns.messages }).from(pendingRuns).where(eq(pendingRuns.id, runId));
    return row?.messages as ChatCompletionMessageParam[] | undefined;
  }

  async remove(runId: string): Promise<void> {
    await this.db.delete(pendingToolCalls).where(eq(pendingToolCalls.runId, runId));
    await this.db.delete(pendingRuns).where(eq(pendingRuns.id, runId));
  }

  /** Runs expired outside a conversation, or long ago inside one, with their calls. */
  private async removeExpired(): Promise<void> {
    const now = this.now();
    const expired = await this.db.delete(pendingRuns).where(or(
      and(isNull(pendingRuns.conversationId), lt(pendingRuns.expiresAt, new Date(now))),
      lt(pendingRuns.expiresAt, new Date(now - CONVERSATION_GRACE_MS)),
    )).returning({ id: pendingRuns.id });
    if (expired.length) await this.db.delete(pendingToolCalls).where(inArray(pendingToolCalls.runId, expired.map((r) => r.id)));
  }

  async countOpen(runId: string): Promise<number> {
    const [row] = await this.db.select({ n: sql<number>`count(*)::int` }).from(pendingToolCalls)
      .where(and(eq(pendingToolCalls.runId, runId), isNull(pendingToolCalls.resultContent)));
    return row?.n ?? 0;
  }
}

function toPausedRun(row: typeof pendingRuns.$inferSelect): PausedRun {
  return {
    id: row.id, userId: row.appUserId, model: row.model, messages: row.messages as ChatCompletionMessageParam[], steps: row.steps,
    conversationId: row.conversationId ?? undefined, persisted: row.persisted,
  };
}
