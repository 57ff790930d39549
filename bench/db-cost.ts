// Diagnostic, not part of `npm run bench`: what each database statement of the request path costs, run
// alone through the runtime's own stores (`npx tsx bench/db-cost.ts`; BENCH_DATABASE_URL=postgres://… for
// PostgreSQL). Explains the tool-call and chat-turn figures: see docs/benchmarks.md.
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { readConnectedApps } from '../src/agent/connected-apps.ts';
import { createRateLimiter } from '../src/budgets/rate-limiter.ts';
import { createRunSlots } from '../src/budgets/run-slots.ts';
import { createTokenCipher } from '../src/crypto/token-cipher.ts';
import { openDatabase } from '../src/db/database.ts';
import { createLogger } from '../src/log.ts';
import { createToolCallLog } from '../src/tools/tool-call-log.ts';
import { ConnectionStore } from '../src/zoho/connection-store.ts';
import { table } from './support/stats.ts';

const N = Number(process.env.BENCH_DB_ITERATIONS ?? 2000);
const url = process.env.BENCH_DATABASE_URL;
const schemaName = `bench_db_${process.pid}`;
const database = await openDatabase(url ? { kind: 'postgres', url, schemaName, maxConnections: 10 } : { kind: 'pglite', dir: 'memory://' });
const store = new ConnectionStore(database.db, createTokenCipher(randomBytes(32)));
await store.upsert({
  appUserId: 'alice', zohoUserId: '70001', zohoOrgId: '9001', dc: 'com', accountsServer: 'http://127.0.0.1:1',
  apiDomain: 'http://127.0.0.1:1', accessToken: `1000.${'a'.repeat(64)}`, refreshToken: `1000.${'r'.repeat(64)}`,
  tokenExpiresAt: Math.floor(Date.now() / 1000) + 3600, scopes: ['ZohoCRM.modules.ALL', 'Desk.tickets.ALL'],
});
const limiter = createRateLimiter(database.db, 1e9);
const slots = createRunSlots(database.db, 1e6, 60_000);
const callLog = createToolCallLog(database.db, createLogger(() => {}));

const rows: string[][] = [];
async function time(label: string, where: string, f: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 200; i++) await f();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < N; i++) await f();
  const wall = ((performance.now() - t0) / N) * 1000;
  const cpu = process.cpuUsage(cpu0);
  rows.push([label, where, `${wall.toFixed(0)} µs`, `${((cpu.user + cpu.system) / N).toFixed(0)} µs`]);
}

console.log(`database statements, ${database.kind}, ${N} sequential runs each (after 200 warm-up runs):`);
await time('select 1', '(floor: one round trip)', () => database.ping());
await time('findCurrentForUser: select + decrypt 2 tokens', 'every tool call; every chat turn', () => store.findCurrentForUser('alice'));
await time('rate limiter: hit + sync (the sync is batched in the runtime)', 'every /api/tools and /api/chat request, amortised', () => {
  limiter.hit('tools:alice');
  return limiter.sync();
});
await time('tool_calls: record + flush (batched in the runtime)', 'every tool call, amortised', () => {
  callLog.record({ userId: 'alice', tool: 'crm_get_org', app: 'crm', outcome: 'ok', attempts: 1, durationMs: 3, params: {} });
  return callLog.flush();
});
await time('run slot: delete expired, insert, count; release', 'every chat turn', async () => (await slots.acquire('alice'))());
await time('readConnectedApps', 'every chat turn', () => readConnectedApps(store, 'alice', '/api/connections/zoho'));
table(['statement(s)', 'on the path of', 'wall / run', 'CPU / run'], rows);

await database.close();
if (url) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  await sql.unsafe(`drop schema if exists "${schemaName}" cascade`);
  await sql.end();
}
