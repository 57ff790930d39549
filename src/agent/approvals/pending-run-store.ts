import { and, asc, eq, isNull, lt, sql } from 'drizzle-orm';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { Db } from '../../db/database.ts';
import { pendingRuns, pendingToolCalls } from '../../db/schema.ts';

export interface PausedCall {
  callId: string;
  tool: string;
  params: unknown;
  paramsHash: string;
  summary: string;
  /** Set for calls already settled when the run paused (reads run at once). */
  decision?: 'auto';
  resultContent?: string;
}

export interface PausedRun {
  id: string;
  userId: string;
  model: string;
  messages: ChatCompletionMessageParam[];
  steps: number;
}

export type PendingCallRow = typeof pendingToolCalls.$inferSelect;

/** Paused chat runs and their calls, in the database so any instance (or a restarted one) can resume them. */
export class PendingRunStore {
  constructor(private readonly db: Db, private readonly now: () => number = Date.now) {}

  async pause(run: PausedRun, calls: PausedCall[], ttlMs: number): Promise<void> {
    await this.db.delete(pendingRuns).where(lt(pendingRuns.expiresAt, new Date(this.now())));
    await this.db.insert(pendingRuns).values({
      id: run.id, appUserId: run.userId, model: run.model, messages: run.messages, steps: run.steps,
      expiresAt: new Date(this.now() + ttlMs),
    });
    await this.db.insert(pendingToolCalls).values(calls.map((c, position) => ({
      callId: c.callId, runId: run.id, appUserId: run.userId, position, tool: c.tool, params: c.params ?? null,
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

  /** Records a decision once: the update only matches an undecided call with these exact params. */
  async claimDecision(userId: string, callId: string, paramsHash: string, decision: 'approve' | 'deny'): Promise<PendingCallRow | undefined> {
    const [row] = await this.db
      .update(pendingToolCalls)
      .set({ decision, decidedAt: new Date(this.now()) })
      .where(and(
        eq(pendingToolCalls.callId, callId), eq(pendingToolCalls.appUserId, userId),
        eq(pendingToolCalls.paramsHash, paramsHash), isNull(pendingToolCalls.decision),
      ))
      .returning();
    return row;
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
    return { run: { id: row.id, userId: row.appUserId, model: row.model, messages: row.messages as ChatCompletionMessageParam[], steps: row.steps }, calls };
  }

  async remove(runId: string): Promise<void> {
    await this.db.delete(pendingToolCalls).where(eq(pendingToolCalls.runId, runId));
    await this.db.delete(pendingRuns).where(eq(pendingRuns.id, runId));
  }

  async countOpen(runId: string): Promise<number> {
    const [row] = await this.db.select({ n: sql<number>`count(*)::int` }).from(pendingToolCalls)
      .where(and(eq(pendingToolCalls.runId, runId), isNull(pendingToolCalls.resultContent)));
    return row?.n ?? 0;
  }
}
