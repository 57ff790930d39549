// The runtime under test, in its own process (spawned by ./runtime-process.ts with `node --import tsx`).
// It builds the real runtime through the composition root (as src/main.ts does), serves it on 127.0.0.1
// and answers a few IPC commands. Keeping it apart from the fakes and the load generator means its RSS
// is its own, and the parent's clock measures every latency (the fakes and the client share it).
import { eq } from 'drizzle-orm';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import postgres from 'postgres';
import { buildRuntime } from '../../src/compose.ts';
import { parseEnv, toConfig } from '../../src/config.ts';
import type { DatabaseOptions } from '../../src/db/database.ts';
import { zohoConnections } from '../../src/db/schema.ts';
import { createLogger } from '../../src/log.ts';
import { serveApp } from '../../test/support/serve.ts';
import type { ChildCommand, ChildReply } from './runtime-process.ts';

const env = parseEnv({ ...process.env, NODE_ENV: 'production' });
const config = toConfig(env as Parameters<typeof toConfig>[0]);
const databaseUrl = process.env.BENCH_DATABASE_URL;
const schemaName = databaseUrl ? `bench_${process.pid}` : undefined;
const database: DatabaseOptions = databaseUrl
  ? { kind: 'postgres', url: databaseUrl, schemaName, maxConnections: 10 }
  : { kind: 'pglite', dir: 'memory://' };

// A real JSON-lines logger whose sink drops the lines: the formatting cost stays, the terminal does not.
const runtime = await buildRuntime(config, { logger: createLogger(() => {}), database, llmMaxRetries: 0 });
const server = await serveApp(runtime.app);

async function handle(msg: ChildCommand): Promise<unknown> {
  switch (msg.cmd) {
    case 'expire': {
      // The stored expiry set to now: the next call must refresh (DESIGN.md: refresh at expiry − 120 s).
      const rows = await runtime.database.db
        .update(zohoConnections)
        .set({ tokenExpiresAt: Math.floor(Date.now() / 1000) })
        .where(eq(zohoConnections.appUserId, msg.userId))
        .returning({ id: zohoConnections.id });
      return rows.length;
    }
    case 'gc':
      (globalThis as { gc?: () => void }).gc?.();
      return process.memoryUsage();
    case 'memory':
      return process.memoryUsage();
    case 'heap-snapshot':
      return writeHeapSnapshot(join(tmpdir(), `runtime-${process.pid}-${Date.now()}.heapsnapshot`));
    case 'close':
      await server.close();
      await runtime.close();
      if (databaseUrl && schemaName) {
        const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
        await sql.unsafe(`drop schema if exists "${schemaName}" cascade`);
        await sql.end();
      }
      setImmediate(() => process.exit(0));
      return 'closed';
  }
}

process.on('message', (msg: ChildCommand) => {
  handle(msg).then(
    (result) => process.send!({ id: msg.id, ok: true, result } satisfies ChildReply),
    (error: unknown) => process.send!({ id: msg.id, ok: false, error: String((error as Error)?.stack ?? error) } satisfies ChildReply),
  );
});
process.on('disconnect', () => process.exit(0));
process.send!({ id: 0, ok: true, result: { url: server.url, database: runtime.database.kind } } satisfies ChildReply);
