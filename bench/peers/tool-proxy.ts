// The reference for tool calls by name in bench/compare: a hand-written hono proxy answering
// `POST /api/tools/crm_search_records` ({"params"} -> {"ok", "result", "attempts"}, DESIGN.md's shape)
// with the same Zoho call and a fixed token: no JWT, no database, no validation beyond the body.
import { Hono } from 'hono';
import { serveApp } from '../../test/support/serve.ts';
import { TOOL } from '../compare/scenario.ts';
import { searchRecords, type SearchParams } from '../compare/search-records.ts';
import { serveBenchChild } from '../support/child-ipc.ts';
import { readPeerEnv } from './peer-env.ts';

const env = readPeerEnv();

const app = new Hono().post('/api/tools/:name', async (c) => {
  if (c.req.param('name') !== TOOL) return c.json({ ok: false, error: { code: 'NOT_FOUND', message: 'no such tool' } }, 404);
  const { params } = await c.req.json<{ params: SearchParams }>();
  try {
    return c.json({ ok: true, result: await searchRecords(env.zohoUrl, env.zohoToken, params, c.req.raw.signal), attempts: 1 });
  } catch (error) {
    return c.json({ ok: false, error: { code: 'ZOHO_UNAVAILABLE', message: String((error as Error)?.message ?? error) } }, 502);
  }
});
const server = await serveApp(app);

serveBenchChild({ name: 'tool-proxy', ready: { url: server.url }, close: server.close });
