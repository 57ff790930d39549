import { randomUUID } from 'node:crypto';
import { createBatchWriter } from '../batch-writer.ts';
import type { Db } from '../db/database.ts';
import { jsonRowsInsert } from '../db/json-rows-insert.ts';
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
  callId?: string;
  runId?: string;
  /** A browser call's URL (its audit line). */
  url?: string;
}

export interface ToolCallLog {
  record(entry: ToolCallEntry): void;
  /** Writes what is buffered (on shutdown, and in tests). */
  flush(): Promise<void>;
}

const insertRows = jsonRowsInsert(toolCalls, ['id', 'appUserId', 'tool', 'app', 'outcome', 'errorCode', 'attempts', 'durationMs', 'params', 'callId', 'runId', 'url']);

/**
 * Keeps a row per tool call: who, which tool, how it ended, how long, under the call's id (and its
 * chat run's). Params are stored with secret-looking keys removed. Rows are written in batches
 * (src/batch-writer.ts) so the log costs no statement on a call's own path.
 */
export function createToolCallLog(db: Db, logger: Logger, options: { flushMs?: number; maxBatch?: number } = {}): ToolCallLog {
  const writer = createBatchWriter<typeof toolCalls.$inferInsert>((rows) => insertRows(db, rows), logger, 'tool_call_log', options);
  return {
    record(entry) {
      writer.add({
        id: randomUUID(),
        appUserId: entry.userId,
        tool: entry.tool,
        app: entry.app,
        outcome: entry.outcome,
        errorCode: entry.errorCode ?? null,
        attempts: entry.attempts,
        durationMs: Math.round(entry.durationMs),
        params: redact(entry.params) ?? null,
        callId: entry.callId ?? null,
        runId: entry.runId ?? null,
        url: entry.url ?? null,
      });
    },
    flush: writer.flush,
  };
}
