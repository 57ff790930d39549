// Child side of ./bench-process.ts: answers the commands every server under test shares (gc, memory,
// heap snapshot, CPU profile, close) and hands any other command to the child's own handler.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import type { ChildCommand, ChildReply, CommonCommand, ReadyInfo } from './bench-process.ts';
import { installSocketTrace, takeSocketTrace } from './socket-trace.ts';

export interface ChildOptions<C> {
  /** Used in file names (heap snapshots, CPU profiles). */
  name: string;
  ready: ReadyInfo;
  close(): Promise<void>;
  /** The child's own commands (e.g. the runtime's `expire`). */
  handle?(msg: C): Promise<unknown>;
}

let profiler: Session | undefined;
// bench/chat-timeline.ts asks each server process for its socket marks.
if (process.env.BENCH_SOCKET_TRACE === '1') installSocketTrace();

async function common(name: string, msg: CommonCommand, close: () => Promise<void>): Promise<unknown> {
  switch (msg.cmd) {
    case 'gc':
      (globalThis as { gc?: () => void }).gc?.();
      return process.memoryUsage();
    case 'memory':
      return process.memoryUsage();
    case 'socket-trace':
      return takeSocketTrace();
    case 'heap-snapshot':
      return writeHeapSnapshot(join(tmpdir(), `${name}-${process.pid}-${Date.now()}.heapsnapshot`));
    case 'cpu-profile-start':
      profiler = new Session();
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.setSamplingInterval', { interval: 1000 });
      await profiler.post('Profiler.start');
      return 'started';
    case 'cpu-profile-stop': {
      if (!profiler) throw new Error('no CPU profile was started');
      const { profile } = await profiler.post('Profiler.stop');
      profiler.disconnect();
      profiler = undefined;
      const path = join(msg.dir, `${name}-${process.pid}-${Date.now()}.cpuprofile`);
      writeFileSync(path, JSON.stringify(profile));
      return path;
    }
    case 'close':
      await close();
      setImmediate(() => process.exit(0));
      return 'closed';
  }
}

const COMMON = new Set(['gc', 'memory', 'socket-trace', 'heap-snapshot', 'cpu-profile-start', 'cpu-profile-stop', 'close']);

/** Wires the IPC channel and tells the parent the child is ready. */
export function serveBenchChild<C extends { cmd: string }>(options: ChildOptions<C>): void {
  process.on('message', (msg: ChildCommand<CommonCommand | C>) => {
    const run = COMMON.has(msg.cmd)
      ? common(options.name, msg as CommonCommand, options.close)
      : options.handle
        ? options.handle(msg as C)
        : Promise.reject(new Error(`unknown command ${msg.cmd}`));
    run.then(
      (result) => process.send!({ id: msg.id, ok: true, result } satisfies ChildReply),
      (error: unknown) => process.send!({ id: msg.id, ok: false, error: String((error as Error)?.stack ?? error) } satisfies ChildReply),
    );
  });
  process.on('disconnect', () => process.exit(0));
  process.send!({ id: 0, ok: true, result: options.ready } satisfies ChildReply);
}
