// What the fault tests share: a fake Zoho with two accounts, the real runtime on a fresh database of the
// given kind (rate limit out of the way: the load is the point), alice (zuid 70001) and bob (70002) connected.
import type { DatabaseOptions } from '../../src/db/database.ts';
import { startFakeZoho, type FakeZoho } from '../support/fake-zoho.ts';
import { connectThroughOAuth, startTestRuntime, type TestRuntime, type TestRuntimeOptions } from '../support/test-runtime.ts';

export interface ZohoRig {
  fake: FakeZoho;
  t: TestRuntime;
  close(): Promise<void>;
}

/** `db`: a test database (`testDatabases()[i].create()`), or options of one the test made (a throwaway cluster). */
export async function startZohoRig(
  db: { options: DatabaseOptions; drop?: () => Promise<void> }, options: Omit<TestRuntimeOptions, 'fake' | 'database'> = {},
): Promise<ZohoRig> {
  const fake = await startFakeZoho();
  fake.addUser({ zuid: '70001', email: 'ada@example.com', orgId: '9001' });
  fake.addUser({ zuid: '70002', email: 'bob@example.com', orgId: '9001' });
  const t = await startTestRuntime({ ...options, fake, database: db.options, env: { RATE_LIMIT_PER_MINUTE: '100000', ...options.env } });
  await connectThroughOAuth(t, fake, 'alice', '70001');
  await connectThroughOAuth(t, fake, 'bob', '70002');
  return {
    fake,
    t,
    async close() {
      await t.close();
      await db.drop?.();
      await fake.close();
    },
  };
}
