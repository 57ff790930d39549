import { sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { rateLimitHits } from '../db/schema.ts';
import { AppError } from '../errors.ts';

export interface RateLimiter {
  /** Counts one request for `key`; throws RATE_LIMITED (429, Retry-After) past the limit. */
  hit(key: string): Promise<void>;
}

/**
 * A fixed one-minute window per key, counted in the database so every instance shares it.
 * One upsert per request; old windows are dropped now and then.
 */
export function createRateLimiter(db: Db, perMinute: number, now: () => number = Date.now): RateLimiter {
  const windowMs = 60_000;
  let lastSweep = 0;
  return {
    async hit(key) {
      const at = now();
      const windowStart = at - (at % windowMs);
      if (at - lastSweep > windowMs) {
        lastSweep = at;
        await db.delete(rateLimitHits).where(sql`${rateLimitHits.windowStart} < ${windowStart - windowMs}`);
      }
      const [row] = await db
        .insert(rateLimitHits)
        .values({ key, windowStart, count: 1 })
        .onConflictDoUpdate({ target: [rateLimitHits.key, rateLimitHits.windowStart], set: { count: sql`${rateLimitHits.count} + 1` } })
        .returning({ count: rateLimitHits.count });
      if ((row?.count ?? 0) > perMinute) {
        const retryAfter = Math.max(1, Math.ceil((windowStart + windowMs - at) / 1000));
        throw new AppError('RATE_LIMITED', `Too many requests: at most ${perMinute} a minute. Try again in ${retryAfter} s.`, {
          retryAfter, details: { limit: perMinute, window: '1m' },
        });
      }
    },
  };
}
