import { randomUUID } from 'node:crypto';
import { createBatchWriter } from '../batch-writer.ts';
import type { Db } from '../db/database.ts';
import { jsonRowsInsert } from '../db/json-rows-insert.ts';
import { chatRuns } from '../db/schema.ts';
import type { TokenUsage } from '../llm/token-usage.ts';
import type { Logger } from '../log.ts';

export interface RunLogEntry {
  runId: string;
  userId: string;
  conversationId?: string;
  model: string;
  steps: number;
  finishReason: string;
  usage: TokenUsage;
}

export interface RunLog {
  record(entry: RunLogEntry): void;
  flush(): Promise<void>;
}

const insertRows = jsonRowsInsert(chatRuns, [
  'id', 'runId', 'appUserId', 'conversationId', 'model', 'steps', 'finishReason', 'promptTokens', 'completionTokens', 'reasoningTokens', 'cachedTokens', 'cost',
]);

/**
 * A row per stream of a chat run (`chat_runs`): how many steps, how it ended, the tokens and cost
 * its completions reported. A run paused for approval has one row per stream; sum them by `run_id`.
 */
export function createRunLog(db: Db, logger: Logger): RunLog {
  const writer = createBatchWriter<typeof chatRuns.$inferInsert>((rows) => insertRows(db, rows), logger, 'run_log');
  return {
    record(e) {
      writer.add({
        id: randomUUID(), runId: e.runId, appUserId: e.userId, conversationId: e.conversationId ?? null, model: e.model, steps: e.steps,
        finishReason: e.finishReason, ...e.usage,
      });
    },
    flush: writer.flush,
  };
}
