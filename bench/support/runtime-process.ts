// Parent side of ./runtime-child.ts: the runtime as its own Node process, in production mode, on
// embedded PGlite or on PostgreSQL (BENCH_DATABASE_URL, or `databaseUrl`).
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { startBenchProcess, type BenchProcess } from './bench-process.ts';
import { ensureCompiledRuntime } from './compiled-runtime.ts';

export type RuntimeCommand = { cmd: 'expire'; userId: string };

export const BENCH_JWT_SECRET = 'bench-jwt-secret-that-is-at-least-32-characters-long';

export interface RuntimeProcess extends BenchProcess<RuntimeCommand> {
  /** `postgres` or `pglite`. */
  database: string;
  /** The `application_name` of its PostgreSQL connections (to find its backends). */
  appName: string;
  expire(userId: string): Promise<number>;
}

export interface RuntimeEnv {
  zohoUrl: string;
  zohoClientId: string;
  zohoClientSecret: string;
  zohoRedirectUri: string;
  openrouterBaseUrl?: string;
  openrouterApiKey?: string;
  openrouterModel?: string;
  /** A postgres:// URL; `null` for embedded PGlite; unset: BENCH_DATABASE_URL, else PGlite. */
  databaseUrl?: string | null;
  /**
   * BENCH_CPU_PROF=<dir>: `life` (default) profiles the whole process with --cpu-prof; `phase` leaves
   * it to the caller (startCpuProfile / stopCpuProfile around the phase it measures).
   */
  cpuProfile?: 'life' | 'phase';
  /** More variables for the runtime (they win over the ones above). */
  moreEnv?: Record<string, string>;
}

const CHILD = fileURLToPath(new URL('./runtime-child.ts', import.meta.url));

export async function startRuntimeProcess(e: RuntimeEnv): Promise<RuntimeProcess> {
  const appName = `bench-runtime-${randomBytes(4).toString('hex')}`;
  const databaseUrl = e.databaseUrl === undefined ? process.env.BENCH_DATABASE_URL : (e.databaseUrl ?? undefined);
  const env: Record<string, string | undefined> = {
    ...process.env,
    BENCH_DATABASE_URL: databaseUrl,
    // postgres.js names its connections after PGAPPNAME: the benchmark finds the runtime's backends by it.
    PGAPPNAME: appName,
    ZOHO_CLIENT_ID: e.zohoClientId,
    ZOHO_CLIENT_SECRET: e.zohoClientSecret,
    ZOHO_REDIRECT_URI: e.zohoRedirectUri,
    ZOHO_ACCOUNTS_URL: e.zohoUrl,
    ZOHO_API_URL: e.zohoUrl,
    ZOHO_DESK_URL: e.zohoUrl,
    OPENROUTER_BASE_URL: e.openrouterBaseUrl,
    OPENROUTER_API_KEY: e.openrouterApiKey,
    OPENROUTER_MODEL: e.openrouterModel ?? process.env.OPENROUTER_MODEL,
    AUTH_JWT_SECRET: BENCH_JWT_SECRET,
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    // Policy limits, not machinery: raised so the load is measured instead of refused. The per-user
    // rate limiter still counts every request and the run-slot rows are still written on every turn.
    RATE_LIMIT_PER_MINUTE: '1000000000',
    CHAT_MAX_CONCURRENT_RUNS: '100000',
    ...e.moreEnv,
  };
  if (!databaseUrl) delete env.BENCH_DATABASE_URL;
  const prof = process.env.BENCH_CPU_PROF && e.cpuProfile !== 'phase' ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  await ensureCompiledRuntime();
  const child = await startBenchProcess<RuntimeCommand>(CHILD, env, { flags: prof });
  return {
    ...child,
    database: String(child.ready.database),
    appName,
    expire: (userId) => child.send({ cmd: 'expire', userId }) as Promise<number>,
  };
}
