import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { schema } from './schema.ts';

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

export type DatabaseOptions =
  | { kind: 'postgres'; url: string; /** tests: an isolated schema */ schemaName?: string; maxConnections?: number }
  | { kind: 'pglite'; dir: string; /** start from a dumped data directory (tests clone a migrated template) */ loadDataDir?: Blob | Promise<Blob> };

const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle', import.meta.url));
/** Any fixed number: instances starting together on a fresh database take it so one applies migrations. */
const MIGRATION_LOCK_ID = 7_202_611;

/** Opens the database (postgres.js when a URL is given, embedded PGlite otherwise) and applies migrations. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.kind === 'postgres' ? openPostgres(options) : openPglite(options.dir, await options.loadDataDir);
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

async function openPostgres(options: { url: string; schemaName?: string; maxConnections?: number }): Promise<Database> {
  // Server-side deadlines so a query never waits forever (a half-open connection, a stuck lock).
  const connection = {
    statement_timeout: 15_000,
    idle_in_transaction_session_timeout: 15_000,
    ...(options.schemaName ? { search_path: options.schemaName } : {}),
  };
  const clientOptions = { connection, connect_timeout: 5, onnotice: () => {} };
  await migrateUnderLock(options.url, options.schemaName, clientOptions);
  const client = postgres(options.url, { ...clientOptions, max: options.maxConnections ?? 10 });
  const db = drizzlePostgres(client, { schema });
  return {
    db: db as unknown as Db,
    kind: 'postgres',
    ping: async () => void (await client`select 1`),
    close: () => client.end({ timeout: 5 }),
  };
}

/** Several instances may start at once: an advisory lock on one session lets one of them migrate. */
async function migrateUnderLock(url: string, schemaName: string | undefined, clientOptions: object): Promise<void> {
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
