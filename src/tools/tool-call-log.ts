import { randomUUID } from 'node:crypto';
import type { Db } from '../db/database.ts';
import { toolCalls } from '../db/schema.ts';
import { redact, type Logger } from '../log.ts';

export interface ToolCallEntry {
  userId: string;
  tool: string;
  app: string;
  outcome: 'ok' | 'error';
  errorCode?: string;
  attempts: number;
  durationMs: number;
  params: unknown;
}

export type RecordToolCall = (entry: ToolCallEntry) => Promise<void>;

/**
 * Keeps a row per tool call: who, which tool, how it ended, how long. Params are stored with
 * secret-looking keys removed; a failure to write is logged, never fails the call.
 */
export function createToolCallLog(db: Db, logger: Logger): RecordToolCall {
  return async (entry) => {
    try {
      await db.insert(toolCalls).values({
        id: randomUUID(),
        appUserId: entry.userId,
        tool: entry.tool,
        app: entry.app,
        outcome: entry.outcome,
        errorCode: entry.errorCode ?? null,
        attempts: entry.attempts,
        durationMs: Math.round(entry.durationMs),
        params: redact(entry.params) ?? null,
      });
    } catch (error) {
      logger.error('tool_call_log.write_failed', { tool: entry.tool, message: (error as Error).message });
    }
  };
}
