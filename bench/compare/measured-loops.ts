// Closed loops with the CPU they cost: the server process's (from /proc), its database backends'
// (where measurable) and this process's (the client and the fakes). Several subjects are measured in
// interleaved slices, so that the load other sessions put on this shared machine, which changes from
// second to second, falls on all of them alike.
import type { BenchProcess } from '../support/bench-process.ts';
import { closedLoop, type LoadResult } from '../support/load.ts';
import type { BackendCpu } from './database.ts';

export interface Throughput {
  load: LoadResult;
  /** Server process CPU per call, ms (undefined without a server process: the floor). */
  cpuMs?: number;
  /** The database backends' CPU per call, ms, where measurable. */
  dbMs?: number;
  /** This process's CPU (the client and both fakes) per call, ms, and as a share of the wall time. */
  clientMs: number;
  clientBusy: number;
}

export interface LoopOptions {
  concurrency: number;
  maxCalls: number;
  maxMs: number;
}

export interface Subject<K> {
  key: K;
  server?: BenchProcess<unknown>;
  call: () => Promise<void>;
  db?: BackendCpu;
}

/** One closed loop of `call`, after reopening `concurrency` keep-alive connections (unmeasured). */
export async function measuredLoop(server: BenchProcess<unknown> | undefined, call: () => Promise<void>, o: LoopOptions, db?: BackendCpu): Promise<Throughput> {
  await closedLoop(o.concurrency, o.concurrency * 2, 30_000, call);
  await db?.mark();
  const cpu0 = server?.cpuMs() ?? 0;
  const client0 = process.cpuUsage();
  const load = await closedLoop(o.concurrency, o.maxCalls, o.maxMs, call);
  const client = process.cpuUsage(client0);
  const clientMs = (client.user + client.system) / 1000;
  const cpuMs = server ? (server.cpuMs() - cpu0) / load.calls : undefined;
  const dbMs = db ? (await db.since()).ms / load.calls : undefined;
  return { load, cpuMs, dbMs, clientMs: clientMs / load.calls, clientBusy: clientMs / (load.seconds * 1000) };
}

const weighted = (parts: Throughput[], f: (t: Throughput) => number | undefined, calls: number): number | undefined =>
  parts.some((p) => f(p) === undefined) ? undefined : parts.reduce((sum, p) => sum + f(p)! * p.load.calls, 0) / calls;

/** The slices of one subject as one loop: sums of calls, time and CPU. */
export function mergeThroughput(parts: Throughput[]): Throughput {
  const calls = parts.reduce((n, p) => n + p.load.calls, 0);
  const seconds = parts.reduce((n, p) => n + p.load.seconds, 0);
  const load: LoadResult = {
    calls,
    seconds,
    perSecond: calls / seconds,
    errors: parts.reduce((n, p) => n + p.load.errors, 0),
    latencies: parts.flatMap((p) => p.load.latencies),
    firstError: parts.find((p) => p.load.firstError)?.load.firstError,
  };
  const clientMs = weighted(parts, (p) => p.clientMs, calls)!;
  return { load, cpuMs: weighted(parts, (p) => p.cpuMs, calls), dbMs: weighted(parts, (p) => p.dbMs, calls), clientMs, clientBusy: (clientMs * calls) / (seconds * 1000) };
}

/** Each subject for `o.maxMs` (and `o.maxCalls`) in all, in `slices` turns round the subjects. */
export async function interleavedLoops<K>(subjects: Array<Subject<K>>, o: LoopOptions & { slices: number }): Promise<Map<K, Throughput>> {
  const parts = new Map<K, Throughput[]>(subjects.map((s) => [s.key, []]));
  const slice = { concurrency: o.concurrency, maxCalls: Math.ceil(o.maxCalls / o.slices), maxMs: o.maxMs / o.slices };
  for (let i = 0; i < o.slices; i++) {
    for (const s of subjects) parts.get(s.key)!.push(await measuredLoop(s.server, s.call, slice, s.db));
  }
  return new Map([...parts].map(([key, p]) => [key, mergeThroughput(p)]));
}
