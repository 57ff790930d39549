// The runtime under test, in its own process (spawned by ./runtime-process.ts with `node --import tsx`;
// the runtime's own modules are the compiled ones in dist/).
// It builds the real runtime through the composition root (as src/main.ts does), serves it on 127.0.0.1
// and answers IPC commands (./child-ipc.ts). Keeping it apart from the fakes and the load generator means
// its RSS and CPU time are its own, and the parent's clock measures every latency (the fakes and the
// client share it).
import { eq } from 'drizzle-orm';
import postgres from 'postgres';
import type * as Compose from '../../src/compose.ts';
import type * as ConfigModule from '../../src/config.ts';
import type { DatabaseOptions } from '../../src/db/database.ts';
import type * as Schema from '../../src/db/schema.ts';
import type * as Log from '../../src/log.ts';
import { serveApp } from '../../test/support/serve.ts';
import { serveBenchChild } from './child-ipc.ts';
import { runtimeModule } from './compiled-runtime.ts';
import type { RuntimeCommand } from './runtime-process.ts';

// The runtime's modules from dist/ (compiled, as `npm start` runs them; ./compiled-runtime.ts), not through tsx.
const { buildRuntime } = (await import(runtimeModule('src/compose.ts'))) as typeof Compose;
const { parseEnv, toConfig } = (await import(runtimeModule('src/config.ts'))) as typeof ConfigModule;
const { zohoConnections } = (await import(runtimeModule('src/db/schema.ts'))) as typeof Schema;
const { createLogger } = (await import(runtimeModule('src/log.ts'))) as typeof Log;

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

serveBenchChild<RuntimeCommand>({
  name: 'runtime',
  ready: { url: server.url, database: runtime.database.kind },
  async handle(msg) {
    // The stored expiry set to now: the next call must refresh (DESIGN.md: refresh at expiry − 120 s).
    const rows = await runtime.database.db
      .update(zohoConnections)
      .set({ tokenExpiresAt: Math.floor(Date.now() / 1000) })
      .where(eq(zohoConnections.appUserId, msg.userId))
      .returning({ id: zohoConnections.id });
    return rows.length;
  },
  async close() {
    await server.close();
    await runtime.close();
    if (databaseUrl && schemaName) {
      const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
      await sql.unsafe(`drop schema if exists "${schemaName}" cascade`);
      await sql.end();
    }
  },
});
