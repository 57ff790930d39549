import type { Logger } from './log.ts';

export interface BatchWriter<T> {
  add(row: T): void;
  /** Writes what is buffered (on shutdown, and in tests). */
  flush(): Promise<void>;
}

/**
 * Buffers rows and writes them in batches (one `write` per `flushMs` or `maxBatch` rows), so a log
 * costs no statement on a request's own path; a failed write is logged under `name`, never thrown.
 */
export function createBatchWriter<T>(
  write: (rows: T[]) => Promise<unknown>, logger: Logger, name: string, options: { flushMs?: number; maxBatch?: number } = {},
): BatchWriter<T> {
  const flushMs = options.flushMs ?? 20;
  const maxBatch = options.maxBatch ?? 200;
  let buffer: T[] = [];
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
        await write(rows);
      } catch (error) {
        logger.error(`${name}.write_failed`, { rows: rows.length, message: (error as Error).message });
      }
    });
    return writing;
  }

  return {
    add(row) {
      buffer.push(row);
      if (buffer.length >= maxBatch) void flush();
      else timer ??= setTimeout(() => void flush(), flushMs);
    },
    flush,
  };
}
