import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../src/budgets/rate-limiter.ts';
import { openDatabase, type Database } from '../../src/db/database.ts';
import { rateLimitHits } from '../../src/db/schema.ts';
import { testDatabases } from '../support/databases.ts';

describe.each(testDatabases())('rate limiter on $name', (kind) => {
  let database: Database;
  let drop: () => Promise<void>;
  let now = 1_800_000_000_000;
  const clock = () => now;

  beforeAll(async () => {
    const created = kind.create();
    drop = created.drop;
    database = await openDatabase(created.options);
  });
  afterAll(async () => {
    await database.close();
    await drop();
  });

  const refusals = (hit: () => void, n: number) => {
    let refused = 0;
    for (let i = 0; i < n; i++) {
      try {
        hit();
      } catch (error) {
        expect((error as any).code).toBe('RATE_LIMITED');
        refused += 1;
      }
    }
    return refused;
  };

  it('allows the limit per minute in one instance, then refuses with Retry-After', () => {
    const limiter = createRateLimiter(database.db, 3, { now: clock });
    expect(refusals(() => limiter.hit('tools:ann'), 3)).toBe(0);
    const error = (() => { try { limiter.hit('tools:ann'); } catch (e) { return e as any; } })();
    expect(error).toMatchObject({ code: 'RATE_LIMITED', retryAfter: 60 });
    expect(refusals(() => limiter.hit('tools:bea'), 3)).toBe(0);
  });

  it('opens again in the next window', () => {
    const limiter = createRateLimiter(database.db, 2, { now: clock });
    refusals(() => limiter.hit('tools:cai'), 5);
    now += 60_000;
    expect(refusals(() => limiter.hit('tools:cai'), 2)).toBe(0);
  });

  it('shares counts between instances through the database after a sync', async () => {
    const a = createRateLimiter(database.db, 5, { now: clock });
    const b = createRateLimiter(database.db, 5, { now: clock });
    expect(refusals(() => a.hit('tools:dan'), 4)).toBe(0);
    await a.sync();
    b.hit('tools:dan');
    await b.sync();
    expect(() => b.hit('tools:dan')).toThrow();
    const rows = await database.db.select().from(rateLimitHits);
    expect(rows.find((r) => r.key === 'tools:dan')!.count).toBe(5);
  });

  it('deletes the rows of past windows by the first sync of a window, not by every sync', async () => {
    const limiter = createRateLimiter(database.db, 5, { now: clock });
    const keys = async () => (await database.db.select().from(rateLimitHits)).map((r) => r.key);
    limiter.hit('tools:eve');
    await limiter.sync();
    now += 120_000; // two windows later: eve's row is past
    limiter.hit('tools:fay');
    await limiter.sync();
    expect(await keys()).not.toContain('tools:eve');
    await database.db.insert(rateLimitHits).values({ key: 'tools:old', windowStart: now - 180_000, count: 1 });
    limiter.hit('tools:fay');
    await limiter.sync(); // the same window: no delete
    expect(await keys()).toContain('tools:old');
    now += 60_000;
    limiter.hit('tools:fay');
    await limiter.sync(); // the next window's first sync
    expect(await keys()).not.toContain('tools:old');
  });
});
