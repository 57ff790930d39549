import { sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { rateLimitHits } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import type { Logger } from '../log.ts';

export interface RateLimiter {
  /** Counts one request for `key`; throws RATE_LIMITED (429, Retry-After) past the limit. */
  hit(key: string): void;
  /** Writes pending counts to the database now (shutdown, tests). */
  sync(): Promise<void>;
}

interface WindowCount {
  windowStart: number;
  /** Requests this instance counted in the window. */
  local: number;
  /** How many of `local` the database already has. */
  synced: number;
  /** Requests other instances counted, as of the last sync. */
  others: number;
}

const WINDOW_MS = 60_000;

/**
 * A fixed one-minute window per key. Each instance counts in memory, so a request costs no
 * statement, and adds its counts to a shared row every `syncMs`, reading back what the other
 * instances counted: exact within one instance, and across instances to within one sync. Rows of
 * past windows are deleted by the first sync of each window.
 */
export function createRateLimiter(
  db: Db, perMinute: number, options: { now?: () => number; syncMs?: number; logger?: Logger } = {},
): RateLimiter {
  const now = options.now ?? Date.now;
  const syncMs = options.syncMs ?? 250;
  const counts = new Map<string, WindowCount>();
  let timer: NodeJS.Timeout | undefined;
  let syncing: Promise<void> = Promise.resolve();
  // Rows of windows before the last are deleted once per window, by the window's first sync, not by every sync.
  let prunedIn = -Infinity;

  function sync(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = undefined;
    syncing = syncing.then(async () => {
      const current = now() - (now() % WINDOW_MS);
      for (const [key, count] of counts) {
        if (count.windowStart < current) counts.delete(key);
        else if (count.local > count.synced) await push(key, count);
      }
      if (current > prunedIn) {
        prunedIn = current;
        await db.delete(rateLimitHits).where(sql`${rateLimitHits.windowStart} < ${current - WINDOW_MS}`);
      }
    }).catch((error) => options.logger?.warn('rate_limit.sync_failed', { message: (error as Error).message }));
    return syncing;
  }

  async function push(key: string, count: WindowCount): Promise<void> {
    const delta = count.local - count.synced;
    const syncedNow = count.local;
    const [row] = await db
      .insert(rateLimitHits)
      .values({ key, windowStart: count.windowStart, count: delta })
      .onConflictDoUpdate({ target: [rateLimitHits.key, rateLimitHits.windowStart], set: { count: sql`${rateLimitHits.count} + ${delta}` } })
      .returning({ count: rateLimitHits.count });
    count.synced = syncedNow;
    count.others = Math.max(0, (row?.count ?? syncedNow) - syncedNow);
  }

  return {
    hit(key) {
      const at = now();
      const windowStart = at - (at % WINDOW_MS);
      let count = counts.get(key);
      if (!count || count.windowStart !== windowStart) {
        count = { windowStart, local: 0, synced: 0, others: 0 };
        counts.set(key, count);
      }
      if (count.local + count.others >= perMinute) {
        const retryAfter = Math.max(1, Math.ceil((windowStart + WINDOW_MS - at) / 1000));
        throw new AppError('RATE_LIMITED', `Too many requests: at most ${perMinute} a minute. Try again in ${retryAfter} s.`, {
          retryAfter, details: { limit: perMinute, window: '1m' },
        });
      }
      count.local += 1;
      timer ??= setTimeout(() => void sync(), syncMs);
    },
    sync,
  };
}
