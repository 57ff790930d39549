import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createMemoryLogger } from '../../src/log.ts';
import { defineTool, type AnyTool } from '../../src/tools/define-tool.ts';
import { createToolExecutor } from '../../src/tools/execute-tool-with-repair.ts';
import { createToolRegistry } from '../../src/tools/registry.ts';
import { createFieldCatalog } from '../../src/tools/repair/field-catalog.ts';
import { testDatabases } from '../support/databases.ts';
import { startFakeZoho, type FakeZoho } from '../support/fake-zoho.ts';
import { connectThroughOAuth, startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

const [database] = testDatabases();

describe('hostile input', () => {
  let fake: FakeZoho;
  let t: TestRuntime;

  beforeAll(async () => {
    fake = await startFakeZoho();
    fake.addUser({ zuid: '70001', email: 'ada@example.com', orgId: '9001', deskOrgIds: ['555'] });
    t = await startTestRuntime({ fake, database: database!.create().options });
    await connectThroughOAuth(t, fake, 'alice', '70001');
  });
  afterAll(async () => {
    await t.close();
    await fake.close();
  });

  const post = (path: string, body: string) => t.request(path, { method: 'POST', user: 'alice', body });

  it('answers a body over 1 MB with 413', async () => {
    const res = await post('/api/tools/crm_get_org', JSON.stringify({ params: { pad: 'x'.repeat(2 * 1024 * 1024) } }));
    expect(res.status).toBe(413);
    expect(((await res.json()) as any).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses a __proto__ key without polluting anything', async () => {
    fake.reset();
    const res = await post('/api/tools/crm_get_org', '{"params":{"__proto__":{"polluted":true}}}');
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.message).toContain('__proto__');
    expect(({} as any).polluted).toBeUndefined();
    expect(fake.requestsTo('/crm/v8/org')).toHaveLength(0);
  });

  it('answers deeply nested JSON with a 4xx, not a crash', async () => {
    const deep = '{"params":{"module":' + '['.repeat(50_000) + ']'.repeat(50_000) + '}}';
    const res = await post('/api/tools/crm_get_fields', deep);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });

  it.each(['not json', '[1,2]', '"params"', 'null'])('answers the body %j with 400', async (body) => {
    const res = await post('/api/chat', body);
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.code).toBe('INVALID_REQUEST');
  });

  it('masks an unexpected error and logs it in full', async () => {
    const broken = defineTool({
      name: 'crm_broken', app: 'crm', effect: 'read', description: 'throws', input: z.object({}).strict(),
      run: async () => { throw new Error('pg password hunter2 leaked'); },
    });
    const logger = createMemoryLogger();
    const { executeToolWithRepair } = createToolExecutor({
      registry: createToolRegistry([broken as AnyTool]), fieldCatalog: createFieldCatalog(), logger,
    });
    const outcome = await executeToolWithRepair(() => t.runtime.getZohoApi('alice', 'crm'), 'crm', 'crm_broken', {});
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.code).toBe('INTERNAL');
    expect(outcome.error.message).not.toContain('hunter2');
    expect(logger.lines.join('\n')).toContain('hunter2');
  });
});
