import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import type { Logger } from '../log.ts';
import { guardClient, withDeadline } from './guarded-client.ts';
import { createOutageGate } from './outage-gate.ts';
import { schema } from './schema.ts';
import { createWatchedSockets } from './watched-socket.ts';
import { projectPath } from '../project-root.ts';

/** The drizzle handle every store uses, whichever driver is behind it. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** Resolves once the database answers a query. */
  ping(): Promise<void>;
  /** PGlite only: the data directory as a tarball (tests clone a migrated template from it). */
  dump?: () => Promise<Blob>;
  close(): Promise<void>;
}

export interface PostgresOptions {
  kind: 'postgres';
  url: string;
  /** tests: an isolated schema */
  schemaName?: string;
  maxConnections?: number;
  /** Deadline of one query, pool wait included (default 2000 ms); also the server's statement_timeout. */
  queryTimeoutMs?: number;
}

export type DatabaseOptions =
  | PostgresOptions
  | { kind: 'pglite'; dir: string; /** start from a dumped data directory (tests clone a migrated template) */ loadDataDir?: Blob | Promise<Blob> };

const MIGRATIONS_FOLDER = projectPath('drizzle');
/** Any fixed number: instances starting together on a fresh database take it so one applies migrations. */
const MIGRATION_LOCK_ID = 7_202_611;
/** Our queries are small OLTP statements: one that takes longer than this is stuck, or the path is. */
const DEFAULT_QUERY_TIMEOUT_MS = 2_000;
/** The outage gate's `select 1`. */
const PROBE_TIMEOUT_MS = 1_000;
/** A migration may rewrite a big table, and an instance may wait for another's migration lock. */
const MIGRATION_STATEMENT_TIMEOUT_MS = 300_000;

/**
 * postgres.js waits `(0.5..1) * min(3^n / 100, 20)` s before reconnecting after n failed attempts,
 * so a few seconds of outage left the pool waiting up to 20 s after the server was back. Capped at 0.5 s.
 */
const reconnectBackoff = (attempts: number) => (0.5 + Math.random() / 2) * Math.min(0.05 * 2 ** attempts, 0.5);

/** Opens the database (postgres.js when a URL is given, embedded PGlite otherwise) and applies migrations. */
export async function openDatabase(options: DatabaseOptions, logger?: Logger): Promise<Database> {
  return options.kind === 'postgres' ? openPostgres(options, logger) : openPglite(options.dir, await options.loadDataDir);
}

async function openPglite(dir: string, loadDataDir?: Blob): Promise<Database> {
  if (!dir.startsWith('memory://')) mkdirSync(dir, { recursive: true });
  const client = new PGlite(dir, loadDataDir ? { loadDataDir } : {});
  const db = drizzlePglite(client, { schema });
  await migratePglite(db, { migrationsFolder: MIGRATIONS_FOLDER });
  return {
    db: db as unknown as Db,
    kind: 'pglite',
    ping: async () => void (await client.query('select 1')),
    close: () => client.close(),
    dump: () => client.dumpDataDir('none'),
  };
}

async function openPostgres(options: PostgresOptions, logger?: Logger): Promise<Database> {
  const queryTimeoutMs = options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS;
  const searchPath = options.schemaName ? { search_path: options.schemaName } : {};
  await migrateUnderLock(options.url, options.schemaName, {
    connection: { statement_timeout: MIGRATION_STATEMENT_TIMEOUT_MS, ...searchPath },
    connect_timeout: 5,
    onnotice: () => {},
  });
  // A socket that stops answering is dropped a little after a query's deadline, so the server's
  // statement_timeout (an answer) always comes first on a live connection.
  const sockets = createWatchedSockets({ answerTimeoutMs: queryTimeoutMs + 1_000 });
  const clientOptions = {
    connection: { statement_timeout: queryTimeoutMs, idle_in_transaction_session_timeout: 15_000, ...searchPath },
    connect_timeout: queryTimeoutMs / 1000,
    backoff: reconnectBackoff,
    keep_alive: 15,
    socket: sockets.socket,
    onnotice: () => {},
  } as postgres.Options<{}>;
  const client = postgres(options.url, { ...clientOptions, max: options.maxConnections ?? 10 });
  const probeClient = postgres(options.url, { ...clientOptions, max: 1, idle_timeout: 30 });
  const ignore = { lost: () => {}, missed: () => {} };
  const gate = createOutageGate({ probe: () => withDeadline(probeClient.unsafe('select 1'), PROBE_TIMEOUT_MS, ignore), logger });
  const guarded = guardClient(client, gate, queryTimeoutMs);
  const db = drizzlePostgres(guarded, { schema });
  return {
    db: db as unknown as Db,
    kind: 'postgres',
    ping: async () => void (await guarded.unsafe('select 1')),
    async close() {
      gate.close();
      await Promise.all([client.end({ timeout: 5 }), probeClient.end({ timeout: 1 })]);
      sockets.stop();
    },
  };
}

/** Several instances may start at once: an advisory lock on one session lets one of them migrate. */
async function migrateUnderLock(url: string, schemaName: string | undefined, clientOptions: postgres.Options<{}>): Promise<void> {
  const client = postgres(url, { ...clientOptions, max: 1 });
  try {
    if (schemaName) await client.unsafe(`create schema if not exists "${schemaName.replace(/"/g, '')}"`);
    await client`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
    try {
      await migratePostgres(drizzlePostgres(client), {
        migrationsFolder: MIGRATIONS_FOLDER,
        ...(schemaName ? { migrationsSchema: schemaName } : {}),
      });
    } finally {
      await client`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`;
    }
  } finally {
    await client.end({ timeout: 5 });
  }
}
