// The runtime's database in bench/compare, and the CPU its PostgreSQL backends spend. PostgreSQL is
// the default (the figures are on it): BENCH_DATABASE_URL, else the machine's local server,
// else embedded PGlite when none answers. BENCH_DATABASE_URL=pglite forces PGlite.
import postgres from 'postgres';
import { procCpuMs } from '../support/proc.ts';

export const LOCAL_POSTGRES = 'postgres://postgres@127.0.0.1:5432/test';

/** A postgres:// URL that answers, or null for PGlite. */
export async function chooseDatabase(): Promise<string | null> {
  const asked = process.env.BENCH_DATABASE_URL;
  if (asked === 'pglite') return null;
  const url = asked || LOCAL_POSTGRES;
  const sql = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`select 1`;
    return url;
  } catch (error) {
    if (asked) throw new Error(`BENCH_DATABASE_URL does not answer: ${String(error)}`);
    console.log(`  (no PostgreSQL at ${LOCAL_POSTGRES}: the runtime runs on embedded PGlite)`);
    return null;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

export interface BackendCpu {
  /** CPU ms the backends named `appName` spent since the last mark(); how many there were. */
  since(): Promise<{ ms: number; backends: number }>;
  mark(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Finds the server processes serving connections named `appName` (pg_stat_activity.application_name)
 * and reads their CPU time from /proc: the database's share of a chat, without the other sessions
 * that use the same shared server. Resolution: 10 ms per backend per reading.
 */
export function backendCpu(url: string, appName: string): BackendCpu {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  let marked = new Map<number, number>();
  const read = async () => {
    const rows = await sql<Array<{ pid: number }>>`select pid from pg_stat_activity where application_name = ${appName}`;
    return new Map(rows.map((r) => [r.pid, procCpuMs(r.pid)] as const).filter(([, ms]) => Number.isFinite(ms)));
  };
  return {
    async mark() {
      marked = await read();
    },
    async since() {
      const now = await read();
      let ms = 0;
      for (const [pid, cpu] of now) ms += cpu - (marked.get(pid) ?? 0);
      return { ms, backends: now.size };
    },
    close: () => sql.end({ timeout: 1 }),
  };
}
