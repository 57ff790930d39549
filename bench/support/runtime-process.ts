// Parent side of ./runtime-child.ts: spawns the runtime as its own Node process, talks to it over IPC,
// and reads its memory from /proc (which works even while the child's event loop is busy).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export type Command = { cmd: 'expire'; userId: string } | { cmd: 'gc' | 'memory' | 'close' | 'heap-snapshot' };
export type ChildCommand = Command & { id: number };
export type ChildReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

export const BENCH_JWT_SECRET = 'bench-jwt-secret-that-is-at-least-32-characters-long';

export interface RuntimeProcess {
  url: string;
  pid: number;
  database: string;
  command(cmd: 'gc' | 'memory'): Promise<NodeJS.MemoryUsage>;
  /** Writes a V8 heap snapshot of the runtime (diagnostics: BENCH_HEAP_SNAPSHOT=1); returns its path. */
  heapSnapshot(): Promise<string>;
  expire(userId: string): Promise<number>;
  /** Resident set size now, bytes (VmRSS). */
  rss(): number;
  /** Peak resident set size since start or the last resetPeak(), bytes (VmHWM). */
  peakRss(): number;
  /** Resets VmHWM (writes 5 to /proc/<pid>/clear_refs); false where the kernel refuses. */
  resetPeak(): boolean;
  close(): Promise<void>;
}

export interface RuntimeEnv {
  zohoUrl: string;
  zohoClientId: string;
  zohoClientSecret: string;
  zohoRedirectUri: string;
  openrouterBaseUrl?: string;
  openrouterApiKey?: string;
  /** PostgreSQL for the runtime (its own schema); default: BENCH_DATABASE_URL, else PGlite. */
  databaseUrl?: string;
}

const CHILD = fileURLToPath(new URL('./runtime-child.ts', import.meta.url));

function procStatus(pid: number, key: 'VmRSS' | 'VmHWM'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(`${key}:`));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? NaN) * 1024;
}

export async function startRuntimeProcess(e: RuntimeEnv): Promise<RuntimeProcess> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    ZOHO_CLIENT_ID: e.zohoClientId,
    ZOHO_CLIENT_SECRET: e.zohoClientSecret,
    ZOHO_REDIRECT_URI: e.zohoRedirectUri,
    ZOHO_ACCOUNTS_URL: e.zohoUrl,
    ZOHO_API_URL: e.zohoUrl,
    ZOHO_DESK_URL: e.zohoUrl,
    OPENROUTER_BASE_URL: e.openrouterBaseUrl,
    OPENROUTER_API_KEY: e.openrouterApiKey,
    ...(e.databaseUrl ? { BENCH_DATABASE_URL: e.databaseUrl } : {}),
    AUTH_JWT_SECRET: BENCH_JWT_SECRET,
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    // Policy limits, not machinery: raised so the load is measured instead of refused. The per-user
    // rate-limit upsert and the run-slot rows are still written on every request.
    RATE_LIMIT_PER_MINUTE: '1000000000',
    CHAT_MAX_CONCURRENT_RUNS: '100000',
  };
  // BENCH_CPU_PROF=<dir>: write a V8 CPU profile of the runtime process there (open it in Chrome DevTools).
  const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  // BENCH_CHILD_FLAGS: further Node flags for the runtime process (e.g. --trace-gc).
  const extra = (process.env.BENCH_CHILD_FLAGS ?? '').split(' ').filter(Boolean);
  const child: ChildProcess = spawn(process.execPath, ['--expose-gc', ...prof, ...extra, '--import', 'tsx', CHILD], {
    env,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  const ready = new Promise<{ url: string; database: string }>((resolve, reject) => {
    pending.set(0, { resolve: resolve as (v: unknown) => void, reject });
    child.once('exit', (code) => reject(new Error(`runtime process exited with ${code} before it was ready`)));
  });
  child.on('message', (m: ChildReply) => {
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.ok) p?.resolve(m.result);
    else p?.reject(new Error(m.error));
  });
  const send = (msg: Command): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ ...msg, id });
    });
  const { url, database } = await ready;
  const pid = child.pid!;
  return {
    url,
    pid,
    database,
    command: (cmd) => send({ cmd }) as Promise<NodeJS.MemoryUsage>,
    heapSnapshot: () => send({ cmd: 'heap-snapshot' }) as Promise<string>,
    expire: (userId) => send({ cmd: 'expire', userId }) as Promise<number>,
    rss: () => procStatus(pid, 'VmRSS'),
    peakRss: () => procStatus(pid, 'VmHWM'),
    resetPeak() {
      try {
        writeFileSync(`/proc/${pid}/clear_refs`, '5');
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      const exited = new Promise((r) => child.once('exit', r));
      await send({ cmd: 'close' }).catch(() => {});
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null) child.kill();
    },
  };
}
