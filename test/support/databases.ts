import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll } from 'vitest';
import { openDatabase, type Database, type DatabaseOptions } from '../../src/db/database.ts';

export interface TestDatabase {
  name: 'pglite' | 'postgres';
  /** A fresh, empty database (PGlite in memory, or a new PostgreSQL schema). */
  create(): { options: DatabaseOptions; drop: () => Promise<void> };
}

let template: Promise<Blob> | undefined;

/** One migrated PGlite per test process, dumped once: a clone opens in a fraction of initdb's time. */
function migratedTemplate(): Promise<Blob> {
  template ??= (async () => {
    const db = await openDatabase({ kind: 'pglite', dir: 'memory://' });
    const dump = await db.dump!();
    await db.close();
    return dump;
  })();
  return template;
}

const pglite: TestDatabase = {
  name: 'pglite',
  create: () => ({ options: { kind: 'pglite', dir: 'memory://', loadDataDir: migratedTemplate() }, drop: async () => {} }),
};

function postgresAt(url: string): TestDatabase {
  return {
    name: 'postgres',
    create() {
      const schemaName = `t_${randomBytes(6).toString('hex')}`;
      return {
        options: { kind: 'postgres', url, schemaName, maxConnections: 5 },
        async drop() {
          const sql = postgres(url, { max: 1, onnotice: () => {} });
          await sql.unsafe(`drop schema if exists "${schemaName}" cascade`);
          await sql.end();
        },
      };
    },
  };
}

/** Storage tests run on embedded PGlite, and on PostgreSQL too when TEST_DATABASE_URL is set. */
export function testDatabases(): TestDatabase[] {
  const url = process.env.TEST_DATABASE_URL;
  return url ? [pglite, postgresAt(url)] : [pglite];
}

export const postgresUrl = (): string | undefined => process.env.TEST_DATABASE_URL;
export { postgresAt };

/** One database of the kind for the whole describe block: opened before its tests, closed and dropped after. */
export function databaseForSuite(testDb: TestDatabase): () => Database {
  let database: Database | undefined;
  let drop = async () => {};
  beforeAll(async () => {
    const created = testDb.create();
    drop = created.drop;
    database = await openDatabase(created.options);
  });
  afterAll(async () => {
    await database?.close();
    await drop();
  });
  return () => database!;
}
