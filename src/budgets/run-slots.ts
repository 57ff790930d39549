import { randomUUID } from 'node:crypto';
import { and, eq, gt, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { activeRuns } from '../db/schema.ts';
import { AppError } from '../errors.ts';

export interface RunSlots {
  /** Takes one of the user's concurrent-run slots, or throws RATE_LIMITED; returns its release. */
  acquire(userId: string): Promise<() => Promise<void>>;
}

/**
 * Caps concurrent chat runs per user across instances. A slot is a row that expires with the run's
 * time limit, so one left by a crashed instance frees itself.
 */
export function createRunSlots(db: Db, maxPerUser: number, slotTtlMs: number, now: () => number = Date.now): RunSlots {
  return {
    async acquire(userId) {
      const id = randomUUID();
      await db.delete(activeRuns).where(lt(activeRuns.expiresAt, now()));
      await db.insert(activeRuns).values({ id, appUserId: userId, expiresAt: now() + slotTtlMs });
      const [row] = await db
        .select({ n: sql<number>`count(*)::int` })
        .from(activeRuns)
        .where(and(eq(activeRuns.appUserId, userId), gt(activeRuns.expiresAt, now())));
      const release = async () => void (await db.delete(activeRuns).where(eq(activeRuns.id, id)));
      if ((row?.n ?? 0) > maxPerUser) {
        await release();
        throw new AppError('RATE_LIMITED', `You already have ${maxPerUser} chat runs in progress; wait for one to finish.`, {
          retryAfter: 5, details: { limit: maxPerUser, kind: 'concurrent_runs' },
        });
      }
      return release;
    },
  };
}
