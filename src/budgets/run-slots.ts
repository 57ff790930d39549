import { randomUUID } from 'node:crypto';
import { and, eq, gt, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { activeRuns } from '../db/schema.ts';
import { AppError } from '../errors.ts';

export interface RunSlots {
  /** Takes one of the user's concurrent-run slots, or throws RATE_LIMITED; returns its release. */
  acquire(userId: string): Promise<() => Promise<void>>;
  /** Waits for the releases still in flight (at shutdown). */
  flush(): Promise<void>;
}

/** Expired slots are swept at most this often, off the request path (the count ignores them anyway). */
const SWEEP_EVERY_MS = 30_000;

/**
 * Caps concurrent chat runs per user across instances. A slot is a row that expires with the run's
 * time limit, so one left by a crashed instance frees itself.
 *
 * On the path: the insert and the count, two statements, in that order: each run counts itself and every
 * slot committed before its count, so two racing runs may both be refused but never both admitted over the
 * cap (a single insert-if-under-cap statement would admit both). Off the path: sweeping expired rows (the
 * count skips them already), and the release: its delete is sent at once but not awaited, since a crash
 * before it lands only leaves a row that expires by itself. This instance's next acquire for the same user
 * waits for that user's deletes in flight, so finishing a run and starting the next is never refused here.
 */
export function createRunSlots(db: Db, maxPerUser: number, slotTtlMs: number, now: () => number = Date.now): RunSlots {
  let lastSweep = -Infinity;
  const releasing = new Map<string, Set<Promise<unknown>>>();
  // Prepared once: drizzle builds their SQL here, not on every chat (its query building showed in the profile).
  const insertSlot = db
    .insert(activeRuns)
    .values({ id: sql.placeholder('id'), appUserId: sql.placeholder('userId'), expiresAt: sql.placeholder('expiresAt') })
    .prepare('run_slot_insert');
  const countSlots = db
    .select({ n: sql<number>`count(*)::int` })
    .from(activeRuns)
    .where(and(eq(activeRuns.appUserId, sql.placeholder('userId')), gt(activeRuns.expiresAt, sql.placeholder('now'))))
    .prepare('run_slot_count');
  const deleteSlot = db.delete(activeRuns).where(eq(activeRuns.id, sql.placeholder('id'))).prepare('run_slot_delete');

  const sweep = () => {
    if (now() - lastSweep < SWEEP_EVERY_MS) return;
    lastSweep = now();
    db.delete(activeRuns).where(lt(activeRuns.expiresAt, now())).catch(() => {
      lastSweep = -Infinity; // try again on the next acquire
    });
  };

  const release = (userId: string, id: string): Promise<void> => {
    const deleting = deleteSlot.execute({ id }).then(() => undefined);
    let inFlight = releasing.get(userId);
    if (!inFlight) releasing.set(userId, (inFlight = new Set()));
    inFlight.add(deleting);
    const settled = () => {
      inFlight.delete(deleting);
      if (inFlight.size === 0 && releasing.get(userId) === inFlight) releasing.delete(userId);
    };
    deleting.then(settled, settled);
    return deleting;
  };

  return {
    async acquire(userId) {
      sweep();
      const pending = releasing.get(userId);
      if (pending) await Promise.allSettled([...pending]);
      const id = randomUUID();
      await insertSlot.execute({ id, userId, expiresAt: now() + slotTtlMs });
      const [row] = await countSlots.execute({ userId, now: now() });
      if ((row?.n ?? 0) > maxPerUser) {
        await release(userId, id);
        throw new AppError('RATE_LIMITED', `You already have ${maxPerUser} chat runs in progress; wait for one to finish.`, {
          retryAfter: 5, details: { limit: maxPerUser, kind: 'concurrent_runs' },
        });
      }
      let released = false;
      return async () => {
        if (released) return;
        released = true;
        // Not awaited: see above. A failed delete leaves a row that expires with the run's time limit.
        release(userId, id).catch(() => {});
      };
    },
    async flush() {
      await Promise.allSettled([...releasing.values()].flatMap((set) => [...set]));
    },
  };
}
