import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunSlots } from '../../src/budgets/run-slots.ts';
import { openDatabase, type Database } from '../../src/db/database.ts';
import { activeRuns } from '../../src/db/schema.ts';
import { testDatabases } from '../support/databases.ts';

describe.each(testDatabases())('run slots on $name', (kind) => {
  let database: Database;
  let drop: () => Promise<void>;
  let now = 1_800_000_000_000;
  const clock = () => now;
  const rows = (user: string) => database.db.select().from(activeRuns).where(eq(activeRuns.appUserId, user));
  const refused = (p: Promise<unknown>) => p.then(() => undefined, (e: any) => e.code);

  beforeAll(async () => {
    const created = kind.create();
    drop = created.drop;
    database = await openDatabase(created.options);
  });
  afterAll(async () => {
    await database.close();
    await drop();
  });

  it('admits the cap, refuses the next with RATE_LIMITED and leaves no row for it', async () => {
    const slots = createRunSlots(database.db, 2, 60_000, clock);
    await slots.acquire('ann');
    await slots.acquire('ann');
    expect(await refused(slots.acquire('ann'))).toBe('RATE_LIMITED');
    expect(await rows('ann')).toHaveLength(2);
  });

  it('counts the slots another instance holds', async () => {
    const one = createRunSlots(database.db, 1, 60_000, clock);
    const other = createRunSlots(database.db, 1, 60_000, clock);
    const release = await one.acquire('bob');
    expect(await refused(other.acquire('bob'))).toBe('RATE_LIMITED');
    await release();
    await one.flush();
    expect(await refused(other.acquire('bob'))).toBeUndefined();
  });

  it('returns from release at once, yet a run started right after on this instance is admitted', async () => {
    const slots = createRunSlots(database.db, 1, 60_000, clock);
    for (let i = 0; i < 5; i++) {
      const release = await slots.acquire('cat');
      await release();
    }
    await slots.flush();
    expect(await rows('cat')).toHaveLength(0);
  });

  it('ignores expired slots and sweeps them off the path', async () => {
    const slots = createRunSlots(database.db, 1, 1_000, clock);
    await slots.acquire('dan'); // a run whose instance died: never released
    now += 2_000;
    const release = await slots.acquire('dan'); // admitted: the expired slot does not count
    await release();
    now += 30_000; // the next sweep is due
    await slots.acquire('dan');
    await new Promise((r) => setTimeout(r, 200)); // the sweep is not awaited by acquire
    const left = await rows('dan');
    expect(left).toHaveLength(1);
    expect(left[0]!.expiresAt).toBeGreaterThan(now);
  });

  it('keeps the slots in an unlogged table: a slot commits without waiting for a WAL flush', async () => {
    const result = await database.db.execute(sql`select relpersistence from pg_class where oid = 'active_runs'::regclass`);
    const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Array<{ relpersistence: string }>;
    expect(rows[0]?.relpersistence).toBe('u');
  });
});
