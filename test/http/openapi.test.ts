import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as answers from '../../src/http/openapi/answers.ts';
import { buildOpenApiDocument } from '../../src/http/openapi/build-openapi.ts';
import { chatBodies } from '../../src/http/openapi/api-operations.ts';
import { importBodySchema } from '../../src/http/routes/connections.ts';
import { testDatabases } from '../support/databases.ts';
import { startFakeZoho, type FakeZoho } from '../support/fake-zoho.ts';
import { connectThroughOAuth, startTestRuntime, type TestRuntime } from '../support/test-runtime.ts';

const METHODS = ['get', 'post', 'delete', 'put', 'patch'];

/** `/api/tools/:name` → a regex that also matches the per-tool path `/api/tools/crm_get_org`. */
const routePattern = (path: string) => new RegExp(`^${path.replace(/:\w+/g, '[^/]+')}$`);
const toOpenApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

describe.each(testDatabases())('GET /openapi.json on $name', (database) => {
  let fake: FakeZoho;
  let t: TestRuntime;
  let drop: () => Promise<void>;
  let doc: any;

  beforeAll(async () => {
    fake = await startFakeZoho();
    fake.addUser({ zuid: '70001', email: 'ada@example.com', orgId: '9001', deskOrgIds: ['555'] });
    const db = database.create();
    drop = db.drop;
    t = await startTestRuntime({ fake, database: db.options });
    await connectThroughOAuth(t, fake, 'alice', '70001');
    const res = await t.request('/openapi.json');
    expect(res.status).toBe(200);
    doc = await res.json();
  }, 180_000);
  afterAll(async () => {
    await t.close();
    await drop();
    await fake.close();
  });

  it('is a valid OpenAPI 3.1 document to a real validator', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('documents every route the app serves, and serves every documented path', () => {
    const served = t.runtime.app.routes.filter((r) => r.method !== 'ALL').map((r) => ({ method: r.method.toLowerCase(), path: r.path }));
    expect(served.length).toBeGreaterThan(30);
    for (const route of served) {
      expect(doc.paths[toOpenApiPath(route.path)]?.[route.method], `${route.method} ${route.path}`).toBeDefined();
    }
    for (const [path, item] of Object.entries<any>(doc.paths)) {
      const appPath = path.replace(/\{(\w+)\}/g, ':$1');
      for (const method of Object.keys(item).filter((m) => METHODS.includes(m))) {
        const match = served.some((r) => r.method === method && (r.path === appPath || routePattern(r.path).test(path)));
        expect(match, `${method} ${path}`).toBe(true);
      }
    }
  });

  it('has one path per tool whose body carries the input schema GET /api/tools publishes', async () => {
    const { tools } = (await (await t.request('/api/tools', { user: 'alice' })).json()) as { tools: Array<{ name: string; inputSchema: unknown }> };
    for (const tool of tools) {
      const op = doc.paths[`/api/tools/${tool.name}`]?.post;
      expect(op, tool.name).toBeDefined();
      expect(op.requestBody.content['application/json'].schema.properties.params).toEqual(tool.inputSchema);
      expect(op.security).toEqual([{ bearer: [] }]);
    }
  });

  it('describes bodies with the schemas the routes validate with', () => {
    const body = (path: string) => doc.paths[path].post.requestBody.content['application/json'].schema;
    const { $schema: _a, ...chat } = z.toJSONSchema(chatBodies, { target: 'draft-2020-12', io: 'input' }) as any;
    expect(body('/api/chat')).toEqual(chat);
    const { $schema: _b, ...imported } = z.toJSONSchema(importBodySchema, { target: 'draft-2020-12', io: 'input' }) as any;
    expect(body('/api/connections/zoho/import')).toEqual(imported);
  });

  it('answers 400 naming the field for a key every strict body refuses', async () => {
    const strict = Object.entries<any>(doc.paths).filter(([path, item]) =>
      item.post?.requestBody?.content['application/json'].schema.additionalProperties === false && item.post.security.some((s: any) => 'bearer' in s) && !path.includes('{'));
    expect(strict.length).toBeGreaterThan(10);
    for (const [path] of strict) {
      const res = await t.request(path, { method: 'POST', user: 'alice', body: JSON.stringify({ zzUnknown: 1 }) });
      expect(res.status, path).toBe(400);
      expect(JSON.stringify(await res.json()), path).toContain('zzUnknown');
    }
  });

  it('describes answers that real answers match, and the error codes table', async () => {
    const check = async (schema: z.ZodType, path: string, init: Parameters<TestRuntime['request']>[1] = {}) => {
      const res = await t.request(path, init);
      const parsed = schema.safeParse(await res.json());
      expect(parsed.success ? [] : parsed.error.issues, `${path} (${res.status})`).toEqual([]);
      return res.status;
    };
    expect(await check(answers.healthAnswerSchema, '/health')).toBe(200);
    expect(await check(answers.connectionsAnswerSchema, '/api/connections', { user: 'alice' })).toBe(200);
    expect(await check(answers.toolsAnswerSchema, '/api/tools', { user: 'alice' })).toBe(200);
    expect(await check(answers.toolRunOkSchema, '/api/tools/crm_get_org', { method: 'POST', user: 'alice', body: '{"params":{}}' })).toBe(200);
    expect(await check(answers.toolRunFailedSchema, '/api/tools/crm_get_org', { method: 'POST', user: 'nobody', body: '{"params":{}}' })).toBe(409);
    expect(await check(answers.authorizeAnswerSchema, '/api/connections/zoho', { method: 'POST', user: 'alice', body: '{}' })).toBe(200);
    expect(await check(answers.conversationsAnswerSchema, '/api/conversations', { user: 'alice' })).toBe(200);
    expect(await check(answers.browserSessionSchema, '/api/browser/session', { user: 'alice' })).toBe(200);
    expect(await check(answers.resourceMetadataSchema, '/.well-known/oauth-protected-resource')).toBe(200);
    expect(await check(answers.errorAnswerSchema, '/api/connections')).toBe(401);
    expect(await check(answers.errorAnswerSchema, '/api/conversations/nope-1', { user: 'alice' })).toBe(404);
    const errorTable = doc.components.responses.Error.description as string;
    for (const code of ['UNAUTHORIZED', 'INVALID_PARAMS', 'ZOHO_NOT_CONNECTED', 'LLM_ERROR', 'INTERNAL']) expect(errorTable).toContain(`\`${code}\``);
    expect(doc.components.schemas.Error.properties.error.properties.code.enum).toContain('ZOHO_RATE_LIMITED');
  });

  it('needs no auth, names bearer security on the JWT routes, and is built once per registry', async () => {
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/api/connections'].get.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/health'].get.security).toEqual([]);
    expect(doc.paths['/mcp'].post.security).toEqual([{ bearer: [] }]);
    expect(buildOpenApiDocument(t.runtime.registry, 'http://other.example')).toBe(buildOpenApiDocument(t.runtime.registry, 'http://other.example'));
    expect(await (await t.request('/openapi.json')).json()).toEqual(doc);
  });
});
