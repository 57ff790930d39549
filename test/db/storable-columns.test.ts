import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { toolCalls } from '../../src/db/schema.ts';
import { toStorableJson } from '../../src/db/storable-columns.ts';
import { createMemoryLogger } from '../../src/log.ts';
import { createToolCallLog } from '../../src/tools/tool-call-log.ts';
import { databaseForSuite, testDatabases } from '../support/databases.ts';

describe('JSON the database can keep', () => {
  it('replaces a NUL and a lone surrogate, keeps pairs, escaped backslashes and everything else', () => {
    const value = { nul: 'a\u0000b', lone: 'x\ud800y', low: '\udc00', pair: '😀', text: 'back\\u0000slash', k: { '\u0000': 1 } };
    expect(JSON.parse(toStorableJson(value))).toEqual({
      nul: 'a\ufffdb', lone: 'x\ufffdy', low: '\ufffd', pair: '😀', text: 'back\\u0000slash', k: { '\ufffd': 1 },
    });
  });
});

describe.each(testDatabases())('a batch of tool-call log rows, one holding what jsonb refuses ($name)', (testDb) => {
  const opened = databaseForSuite(testDb);

  it('is written whole: the one row gets U+FFFD, the others are untouched', async () => {
    const logger = createMemoryLogger();
    const log = createToolCallLog(opened().db, logger);
    const entry = (params: unknown) => ({ userId: 'alice', tool: 'crm_get_record', app: 'crm', outcome: 'ok' as const, attempts: 1, durationMs: 3, params });
    log.record(entry({ module: 'Leads', id: '1' }));
    log.record(entry({ module: 'Leads\u0000', id: '\ud800' }));
    log.record(entry({ module: 'Contacts', id: '2' }));
    await log.flush();
    const rows = await opened().db.select({ params: toolCalls.params }).from(toolCalls);
    expect(rows).toHaveLength(3);
    expect(rows.map((r) => r.params)).toEqual(expect.arrayContaining([{ module: 'Leads', id: '1' }, { module: 'Leads\ufffd', id: '\ufffd' }, { module: 'Contacts', id: '2' }]));
    expect(logger.lines.join('\n')).not.toContain('write_failed');
  });
});

describe.each(testDatabases())('a jsonb column read back ($name)', (testDb) => {
  const opened = databaseForSuite(testDb);

  it('gives back what it stored, a JSON string included (the driver has parsed it already)', async () => {
    const log = createToolCallLog(opened().db, createMemoryLogger());
    const values = ['plain words', '{"looks":"like json"}', '42', { module: 'Leads' }, [1, 'two']];
    for (const params of values) {
      log.record({ userId: 'jsonb-reader', tool: 'crm_get_record', app: 'crm', outcome: 'ok', attempts: 1, durationMs: 1, params });
    }
    await log.flush();
    const rows = await opened().db.select({ params: toolCalls.params }).from(toolCalls).where(eq(toolCalls.appUserId, 'jsonb-reader'));
    expect(rows.map((r) => r.params)).toEqual(expect.arrayContaining(values));
    expect(rows).toHaveLength(values.length);
  });
});
