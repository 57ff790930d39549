import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { TestDatabase } from './databases.ts';
import { startFakeZoho, type FakeZoho, type FakeZohoUser } from './fake-zoho.ts';
import { startTestRuntime, type TestRuntime } from './test-runtime.ts';

export interface SharedRuntime {
  fake: FakeZoho;
  t: TestRuntime;
  /** An app user of its own for the current test (`<prefix>-<n>`). */
  user: string;
}

/**
 * One fake Zoho with `users` and one runtime on a fresh database for a whole describe block (a
 * runtime per test costs seconds); before each test the fake's log is cleared and a new app user
 * is named, so tests share no state. Call it in the describe; read the fields inside the tests.
 */
export function sharedRuntime(database: TestDatabase, users: FakeZohoUser[], prefix: string): SharedRuntime {
  const shared = {} as SharedRuntime;
  let drop: () => Promise<void> = async () => {};
  let n = 0;
  beforeAll(async () => {
    shared.fake = await startFakeZoho();
    for (const u of users) shared.fake.addUser(u);
    const db = database.create();
    drop = db.drop;
    shared.t = await startTestRuntime({ fake: shared.fake, database: db.options });
    // A worker's first runtime also builds the migrated PGlite template: on a loaded shared machine that
    // alone has taken over a minute, so this hook gets more than the default 60 s.
  }, 180_000);
  afterAll(async () => {
    await shared.t?.close();
    await drop();
    await shared.fake?.close();
  });
  beforeEach(() => {
    shared.fake.reset();
    shared.user = `${prefix}-${++n}`;
  });
  return shared;
}
