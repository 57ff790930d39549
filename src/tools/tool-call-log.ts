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
  /** A browser call's URL (its audit line). */
  url?: string;
}

export interface ToolCallLog {
  record(entry: ToolCallEntry): void;
  /** Writes what is buffered (on shutdown, and in tests). */
  flush(): Promise<void>;
}

/**
 * Keeps a row per tool call: who, which tool, how it ended, how long. Params are stored with
 * secret-looking keys removed. Rows are written in batches (one insert per `flushMs` or
 * `maxBatch` rows) so the log costs no statement on a call's own path; a failed write is logged,
 * never fails a call.
 */
export function createToolCallLog(db: Db, logger: Logger, options: { flushMs?: number; maxBatch?: number } = {}): ToolCallLog {
  const flushMs = options.flushMs ?? 20;
  const maxBatch = options.maxBatch ?? 200;
  let buffer: Array<typeof toolCalls.$inferInsert> = [];
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();

  function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const rows = buffer;
    buffer = [];
    if (rows.length === 0) return writing;
    writing = writing.then(async () => {
      try {
        await db.insert(toolCalls).values(rows);
      } catch (error) {
        logger.error('tool_call_log.write_failed', { rows: rows.length, message: (error as Error).message });
      }
    });
    return writing;
  }

  return {
    record(entry) {
      buffer.push({
        id: randomUUID(),
        appUserId: entry.userId,
        tool: entry.tool,
        app: entry.app,
        outcome: entry.outcome,
        errorCode: entry.errorCode ?? null,
        attempts: entry.attempts,
        durationMs: Math.round(entry.durationMs),
        params: redact(entry.params) ?? null,
        url: entry.url ?? null,
      });
      if (buffer.length >= maxBatch) void flush();
      else timer ??= setTimeout(() => void flush(), flushMs);
    },
    flush,
  };
}
