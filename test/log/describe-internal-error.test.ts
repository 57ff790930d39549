import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openDatabase, type Database } from '../../src/db/database.ts';
import { describeInternalError } from '../../src/log.ts';
import { testDatabases } from '../support/databases.ts';

describe.each(testDatabases())('an internal error as it is logged ($name)', (testDb) => {
  let database: Database;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const created = testDb.create();
    drop = created.drop;
    database = await openDatabase(created.options);
  });
  afterAll(async () => {
    await database.close();
    await drop();
  });

  it('names the failed statement and its cause but never the values bound to it', async () => {
    const secret = 'bound-value-that-must-not-be-logged';
    const error = await database.db.execute(sql`select ${secret}::text as v from no_such_table`).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(String((error as Error).message)).toContain(secret); // drizzle's own message carries it
    const text = describeInternalError(error);
    expect(text).toContain('Failed query: select $1::text as v from no_such_table');
    expect(text).toContain('params: [not logged]');
    expect(text).toMatch(/caused by: .*no_such_table/);
    expect(text).not.toContain(secret);
    expect(text).toMatch(/\n {4}at /);
  });
});
