// The measurements of bench/compare, one function per figure, each run the same way for every column.
// Every chat is checked (./chat-result.ts); a chat that fails the check counts as an error, not a sample.
import { concurrentChats, type ConcurrentChats } from '../support/concurrent-chats.ts';
import { closedLoop } from '../support/load.ts';
import { sleep } from '../support/stats.ts';
import { chatProblem, chunkLags, type ChatResult } from './chat-result.ts';
import type { OnFirstText } from './chat-clients.ts';
import type { BackendCpu } from './database.ts';
import type { Gate } from './gate.ts';
import { interleavedLoops, type LoopOptions } from './measured-loops.ts';
import type { Column } from './rig.ts';
import type { Mode } from './scenario.ts';

/** Chats each column has run (all phases): the divisor of the upstream request counts. */
export const chatsRun = new Map<string, number>();

/** One chat of `col`, checked; throws with what is wrong. `i` picks the runtime's user. */
export async function checkedChat(col: Column, mode: Mode, i: number, onFirstText?: OnFirstText): Promise<ChatResult> {
  chatsRun.set(col.key, (chatsRun.get(col.key) ?? 0) + 1);
  let r: ChatResult;
  try {
    r = await col.chat(mode, i, onFirstText);
  } catch (error) {
    // fetch's own message is only "fetch failed": the cause says what happened (refused, timed out, reset).
    const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
    throw new Error(`${col.key}: ${String((error as Error)?.message ?? error)}${cause ? ` (${cause.code ?? ''} ${cause.message ?? ''})` : ''}`);
  }
  const problem = chatProblem(r, mode);
  if (problem) throw new Error(`${col.key}: ${problem}`);
  return r;
}

const loopOf = (col: Column) => {
  let i = 0;
  return async () => void (await checkedChat(col, 'chat', i++));
};

/** JIT, caches and keep-alive pools: `chats` chats at `concurrency` per column, unmeasured. */
export async function warmUp(cols: Column[], chats: number, concurrency: number): Promise<void> {
  for (const col of cols) {
    const r = await closedLoop(concurrency, chats, 30_000, loopOf(col));
    if (r.errors) console.log(`  warm-up of ${col.key}: ${r.errors} of ${r.calls + r.errors} chats failed (first: ${r.firstError})`);
  }
}

/** Concurrency 1, the columns interleaved round by round so that drift hits all alike. Chat times, ms. */
export async function latencies(cols: Column[], rounds: number): Promise<Map<string, number[]>> {
  const out = new Map(cols.map((c) => [c.key, [] as number[]]));
  for (let round = 0; round < rounds; round++) {
    for (const col of cols) out.get(col.key)!.push((await checkedChat(col, 'chat', round)).ms);
  }
  return out;
}

/** Chats per second of every column at `o.concurrency`, interleaved (see ./measured-loops.ts). */
export function throughput(cols: Column[], o: LoopOptions & { slices: number }, dbOf: (col: Column) => BackendCpu | undefined) {
  return interleavedLoops(cols.map((col) => ({ key: col.key, server: col.process, call: loopOf(col), db: dbOf(col) })), o);
}

/** A gate that has not seen all its streams by then opens anyway (the report then says not all were open). */
const GATE_TIMEOUT_MS = 90_000;
const RAMP_BATCH = 100;
const RAMP_GAP_MS = 100;

export interface ChunkLag {
  lags: number[];
  failures: string[];
  /** Every round had all its streams open before the chunks flowed. */
  lined: boolean;
}

/**
 * `streams` stamped chats at once, their answers held until all have asked for them; the lag of
 * every chunk (written by the fake -> read by the client).
 */
async function chunkLagRound(col: Column, streams: number, gate: Gate, into: ChunkLag): Promise<void> {
  gate.arm(streams, GATE_TIMEOUT_MS);
  const outcomes = await Promise.allSettled(Array.from({ length: streams }, (_, i) => checkedChat(col, 'stamp', i)));
  for (const o of outcomes) {
    if (o.status === 'fulfilled') into.lags.push(...chunkLags(o.value));
    else into.failures.push(String(o.reason?.message ?? o.reason));
  }
  into.lined &&= gate.complete;
}

/** `rounds` rounds of chunkLagRound, taken in turn round the columns (a burst of load then hits one round, not one column). */
export async function chunkLag(cols: Column[], streams: number, rounds: number, gate: Gate): Promise<Map<string, ChunkLag>> {
  const out = new Map<string, ChunkLag>(cols.map((c) => [c.key, { lags: [], failures: [], lined: true }]));
  for (let r = 0; r < rounds; r++) for (const col of cols) await chunkLagRound(col, streams, gate, out.get(col.key)!);
  return out;
}

export interface OpenStreams extends ConcurrentChats {
  /** All streams were open at once: every one had asked for its answer before any answer chunk flowed. */
  lined: boolean;
  /** From sending the first request to the moment all were open (or the gate's timeout), ms. */
  openingMs: number;
}

/** `streams` held chats at once against the column's server, answers held until all have asked: its RSS per open stream. */
export async function openStreams(col: Column, streams: number, gate: Gate, snapshot = false): Promise<OpenStreams> {
  let t0 = 0;
  const c = await concurrentChats(col.process!, streams, async (i, onFirstText) => {
    if (i === 0) (t0 = performance.now()), gate.arm(streams, GATE_TIMEOUT_MS);
    // 100 new connections every 100 ms: a burst of 1,000 connects at once overflows a listen backlog
    // (Node's is 511) while the server's loop is busy, and dropped SYNs come back as connect timeouts.
    await sleep(Math.floor(i / RAMP_BATCH) * RAMP_GAP_MS);
    await checkedChat(col, 'hold', i, onFirstText);
    return 'ok';
  }, { snapshot });
  return { ...c, lined: gate.complete, openingMs: gate.openedAt - t0 };
}
