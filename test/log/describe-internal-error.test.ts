import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { describeInternalError } from '../../src/log.ts';
import { databaseForSuite, testDatabases } from '../support/databases.ts';

describe.each(testDatabases())('an internal error as it is logged ($name)', (testDb) => {
  const opened = databaseForSuite(testDb);

  it('names the failed statement and its cause but never the values bound to it', async () => {
    const secret = 'bound-value-that-must-not-be-logged';
    const error = await opened().db.execute(sql`select ${secret}::text as v from no_such_table`).then(() => undefined, (e: unknown) => e);
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
