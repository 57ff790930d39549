import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asDatabaseOutage } from '../../src/db/database-errors.ts';
import { postgresAt, postgresUrl } from '../support/databases.ts';
import { startFakeZoho, type FakeZoho } from '../support/fake-zoho.ts';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

describe('a database outage', () => {
  it('is told apart from a bug by its driver code, through drizzle\'s cause chain', () => {
    const wrapped = new Error('Failed query', { cause: Object.assign(new Error('write CONNECTION_ENDED'), { code: 'CONNECTION_ENDED' }) });
    expect(asDatabaseOutage(wrapped)).toMatchObject({ code: 'DATABASE_UNAVAILABLE', retryAfter: 2 });
    const syntax = Object.assign(new Error('syntax error'), { code: '42601' });
    expect(asDatabaseOutage(syntax)).toBe(syntax);
  });

  describe.runIf(postgresUrl())('on PostgreSQL', () => {
    let fake: FakeZoho;
    let t: TestRuntime;
    let drop: () => Promise<void>;
    let state: string;

    beforeAll(async () => {
      fake = await startFakeZoho();
      const db = postgresAt(postgresUrl()!).create();
      drop = db.drop;
      t = await startTestRuntime({ fake, database: db.options });
      const start = await t.request('/api/connections/zoho', { method: 'POST', user: 'alice', body: '{}' });
      state = new URL(((await start.json()) as { authorizeUrl: string }).authorizeUrl).searchParams.get('state')!;
      await t.runtime.database.close();
    });
    afterAll(async () => {
      await drop();
      await fake.close();
    });

    it('answers API calls with 503 and Retry-After, not a 500', async () => {
      const res = await t.request('/api/connections', { user: 'alice' });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('2');
      expect(((await res.json()) as any).error.code).toBe('DATABASE_UNAVAILABLE');
      expect((await t.request('/health')).status).toBe(503);
      const callback = await t.request(`/auth/zoho/callback?${new URLSearchParams({ code: 'x', state })}`, { headers: { accept: 'application/json' } });
      expect(callback.status).toBe(503);
      expect(((await callback.json()) as any).error.code).toBe('DATABASE_UNAVAILABLE');
    });
  });
});
