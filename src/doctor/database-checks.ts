import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import type { Config } from '../config.ts';
import type { Db } from '../db/database.ts';
import { diagnose } from './diagnose.ts';
import { fail, pass, type CheckLine, type DoctorRuntime } from './check-line.ts';
import { projectPath } from '../project-root.ts';

/** The journal drizzle-kit writes next to the migrations `openDatabase` applies. */
const JOURNAL = projectPath('drizzle', 'meta', '_journal.json');

/** Where the database is, without a password: `PGlite .data/pglite` or `PostgreSQL db.example:5432/app`. */
export function describeDatabase(database: Config['database']): string {
  if (database.kind === 'pglite') return `PGlite ${database.dir}`;
  try {
    const url = new URL(database.url);
    return `PostgreSQL ${url.hostname}${url.port ? `:${url.port}` : ''}${url.pathname}`;
  } catch {
    return 'PostgreSQL (DATABASE_URL does not parse as a URL)';
  }
}

/** The line when `buildRuntime` could not open or migrate the database. */
export function databaseOpenFailed(database: Config['database'], error: unknown): CheckLine {
  const fix =
    database.kind === 'postgres'
      ? 'check DATABASE_URL (host, port, user, password, database) and that PostgreSQL runs and accepts connections from here'
      : 'check PGLITE_DIR is writable and no other process (a running server) has it open: PGlite is single-process';
  return fail('database reachable', `${describeDatabase(database)}: ${maskPassword(diagnose(error).detail, database)}`, fix);
}

/** Pings the database and compares the applied migrations with the journal. */
export async function checkDatabase(runtime: DoctorRuntime): Promise<CheckLine[]> {
  const where = describeDatabase(runtime.config.database);
  try {
    await runtime.database.ping();
  } catch (error) {
    return [databaseOpenFailed(runtime.config.database, error)];
  }
  return [pass('database reachable', where), await checkMigrations(runtime.database.db)];
}

async function checkMigrations(db: Db): Promise<CheckLine> {
  const name = 'migrations applied';
  const journal = (JSON.parse(readFileSync(JOURNAL, 'utf8')) as { entries: Array<{ tag: string; when: number }> }).entries;
  try {
    const applied = await appliedMigrations(db);
    const missing = journal.filter((m) => !applied.has(m.when));
    if (missing.length === 0) return pass(name, `${journal.length} of ${journal.length}, latest ${journal.at(-1)?.tag ?? 'none'}`);
    return fail(
      name,
      `${journal.length - missing.length} of ${journal.length}; missing ${missing.map((m) => m.tag).join(', ')}`,
      'start the server (or the doctor) once with a database user allowed to create tables: migrations run at start-up',
    );
  } catch (error) {
    return fail(name, diagnose(error).detail, 'start the server once against this database: migrations run at start-up');
  }
}

/**
 * The `created_at` values of drizzle's migrations table: in the current schema when the
 * connection pins one (an isolated schema), else in `drizzle`, where the migrator keeps it.
 */
async function appliedMigrations(db: Db): Promise<Set<number>> {
  const found = rowsOf(
    await db.execute(sql`
      select n.nspname as schema from pg_catalog.pg_class c
      join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where c.relname = '__drizzle_migrations' and n.nspname in (current_schema(), 'drizzle')
      order by (n.nspname = current_schema()) desc limit 1`),
  );
  const schema = found[0]?.schema;
  if (typeof schema !== 'string') return new Set();
  const rows = rowsOf(await db.execute(sql`select created_at from ${sql.identifier(schema)}.__drizzle_migrations`));
  return new Set(rows.map((r) => Number(r.created_at)));
}

/** postgres.js answers an array, PGlite `{ rows }`. */
function rowsOf(result: unknown): Array<Record<string, unknown>> {
  return (Array.isArray(result) ? result : ((result as { rows?: unknown[] }).rows ?? [])) as Array<Record<string, unknown>>;
}

function maskPassword(text: string, database: Config['database']): string {
  if (database.kind !== 'postgres') return text;
  try {
    const password = decodeURIComponent(new URL(database.url).password);
    return password ? text.split(password).join('***') : text;
  } catch {
    return text;
  }
}
