// Parent side of a server under test in its own Node process (the runtime, the AI SDK peer, the
// hand-written runtime, the hono proxy): spawns it with `node --import tsx`, talks to it over IPC
// (./child-ipc.ts is the other end), and reads its memory and CPU time from /proc, which works even
// while the child's event loop is busy.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { procCpuMs, procStatus } from './proc.ts';

export type CommonCommand =
  | { cmd: 'gc' | 'memory' | 'close' | 'heap-snapshot' | 'cpu-profile-start' | 'socket-trace' }
  | { cmd: 'cpu-profile-stop'; dir: string };
export type ChildCommand<C = CommonCommand> = C & { id: number };
export type ChildReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

/** What every child answers once it listens: its URL, and anything else it wants to say. */
export interface ReadyInfo {
  url: string;
  [key: string]: unknown;
}

export interface BenchProcess<C = never> {
  url: string;
  pid: number;
  ready: ReadyInfo;
  send(msg: C | CommonCommand): Promise<unknown>;
  /** process.memoryUsage() of the child, after a full GC when `gc` (the child runs with --expose-gc). */
  memory(gc?: boolean): Promise<NodeJS.MemoryUsage>;
  /** Writes a V8 heap snapshot of the child to the temp directory; returns its path. */
  heapSnapshot(): Promise<string>;
  /** Starts the V8 sampling profiler inside the child (node:inspector), for one measured phase. */
  startCpuProfile(): Promise<void>;
  /** Stops it and writes the profile as `<dir>/<name>-<pid>.cpuprofile`; returns the path. */
  stopCpuProfile(dir: string): Promise<string>;
  /** User + system CPU time of the process so far, ms (/proc/<pid>/stat, clock-tick resolution). */
  cpuMs(): number;
  /** Resident set size now, bytes (VmRSS). */
  rss(): number;
  /** Peak resident set size since start or the last resetPeak(), bytes (VmHWM). */
  peakRss(): number;
  /** Resets VmHWM (writes 5 to /proc/<pid>/clear_refs); false where the kernel refuses. */
  resetPeak(): boolean;
  close(): Promise<void>;
}

export interface SpawnOptions {
  /** Extra Node flags (before --import tsx). */
  flags?: string[];
}

/** Spawns `script` with `env` (not merged with this process's: pass what it needs) and waits until it listens. */
export async function startBenchProcess<C = never>(script: string, env: Record<string, string | undefined>, options: SpawnOptions = {}): Promise<BenchProcess<C>> {
  // BENCH_CHILD_FLAGS: further Node flags for every server process (e.g. --trace-gc).
  const extra = (process.env.BENCH_CHILD_FLAGS ?? '').split(' ').filter(Boolean);
  const child: ChildProcess = spawn(process.execPath, ['--expose-gc', ...(options.flags ?? []), ...extra, '--import', 'tsx', script], {
    env,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  const ready = new Promise<ReadyInfo>((resolve, reject) => {
    pending.set(0, { resolve: resolve as (v: unknown) => void, reject });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before it was ready`)));
  });
  child.on('message', (m: ChildReply) => {
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.ok) p?.resolve(m.result);
    else p?.reject(new Error(m.error));
  });
  const send = (msg: C | CommonCommand): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ ...msg, id });
    });
  const info = await ready;
  const pid = child.pid!;
  return {
    url: info.url,
    pid,
    ready: info,
    send,
    memory: (gc = false) => send({ cmd: gc ? 'gc' : 'memory' }) as Promise<NodeJS.MemoryUsage>,
    heapSnapshot: () => send({ cmd: 'heap-snapshot' }) as Promise<string>,
    startCpuProfile: async () => void (await send({ cmd: 'cpu-profile-start' })),
    stopCpuProfile: (dir) => send({ cmd: 'cpu-profile-stop', dir }) as Promise<string>,
    cpuMs: () => procCpuMs(pid),
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
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      await send({ cmd: 'close' }).catch(() => {});
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null) child.kill();
    },
  };
}
