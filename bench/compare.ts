// bench/compare: the runtime beside its references in one run, with the same client and the same fakes
// (issue 12): (0) the client doing it all itself, (1) the AI SDK peer, (2) a hand-written minimal
// runtime, (3) this runtime; then tool calls by name against a hand-written hono proxy. The machine is
// shared and noisy: the ratios within one run are what count.
import { mkdirSync } from 'node:fs';
import { summarizeCpuProfile } from './profile/cpu-summary.ts';
import { summarizeHeapSnapshot } from './profile/heap-summary.ts';
import { chooseDatabase, backendCpu } from './compare/database.ts';
import { createGate } from './compare/gate.ts';
import { chatsRun, chunkLag, latencies, openStreams, throughput, warmUp, type OpenStreams } from './compare/phases.ts';
import { printCompare } from './compare/report.ts';
import { startRig } from './compare/rig.ts';
import { toolsByName } from './compare/tools-by-name.ts';
import { upstreamTally } from './compare/upstream-tally.ts';
import { load } from './support/machine.ts';

const QUICK = process.env.BENCH_QUICK === '1';
const SIZES = QUICK
  ? { users: 20, warmChats: 150, rounds: 60, chatsMax: 5000, chatsMs: 1500, streams: 200, toolSamples: 200, toolMs: 1500, lagRounds: 2 }
  : { users: 100, warmChats: 400, rounds: 300, chatsMax: 20_000, chatsMs: 4000, streams: 1000, toolSamples: 1000, toolMs: 3000, lagRounds: 3 };
const STREAMS = Number(process.env.BENCH_STREAMS ?? SIZES.streams);
const CONCURRENCY = 64;
// The concurrency-64 loops run in this many turns round the columns, so that a change in the machine's
// load falls on all of them alike.
const SLICES = 4;
const LAG_STREAMS = 100;
const LIGHT_WARM_UP = 100;
// A chunk every 50 ms per stream (about a fast model's pace): 2,000 chunks/s through a server at 100 streams.
const STAMP_GAP_MS = 50;
// A chunk every 200 ms per held stream: 5,000 chunks/s at 1,000 streams once they flow.
const HOLD_GAP_MS = 200;

export async function runCompareBench(): Promise<void> {
  console.log(`\n== bench/compare: the runtime beside its references, same client, same fakes (127.0.0.1)${QUICK ? ', BENCH_QUICK' : ''} ==`);
  const databaseUrl = await chooseDatabase();
  const timing = { holdGapMs: HOLD_GAP_MS, stampGapMs: STAMP_GAP_MS, holdGate: createGate(), stampGate: createGate() };
  const rig = await startRig({ users: SIZES.users, timing, databaseUrl });
  const tally = upstreamTally(rig.llm, rig.zoho, rig.tokenOwners);
  const db = databaseUrl ? backendCpu(databaseUrl, rig.runtime.appName) : undefined;
  const profileDir = process.env.BENCH_CPU_PROF;
  const t0 = performance.now();
  const progress = (what: string) => console.log(`  ${what} (${((performance.now() - t0) / 1000).toFixed(0)} s); ${load()}`);
  try {
    console.log(`  processes: AI SDK peer ${rig.columns[1]!.process!.pid}, hand-written ${rig.columns[2]!.process!.pid}, runtime ${rig.runtime.pid} (database ${rig.runtime.database}${databaseUrl ? `, ${databaseUrl}` : ', embedded'}), hono proxy ${rig.proxy.pid}`);
    progress(`${rig.jwts.length} runtime users connected through OAuth`);
    tally.take(); // the OAuth round trips are not chats
    chatsRun.clear();
    const cols = rig.columns;
    // The open streams first, on servers only lightly warmed: a heap that earlier phases grew would hide
    // part of what the streams need (V8 keeps what it has committed, even after a GC).
    await warmUp(cols, LIGHT_WARM_UP, 16);
    const streams = new Map<string, OpenStreams>();
    for (const col of cols) {
      if (!col.process) continue;
      streams.set(col.key, await openStreams(col, STREAMS, timing.holdGate, col.key === 'runtime' && Boolean(process.env.BENCH_HEAP_SNAPSHOT)));
    }
    progress(`${STREAMS} open streams per server done (after ${LIGHT_WARM_UP} chats per column at concurrency 16)`);

    await warmUp(cols, SIZES.warmChats, CONCURRENCY);
    progress(`warm-up done, ${SIZES.warmChats} chats per column at concurrency ${CONCURRENCY}`);

    const latency = await latencies(cols, SIZES.rounds);
    progress(`latency done, ${SIZES.rounds} rounds`);
    if (profileDir) mkdirSync(profileDir, { recursive: true });
    const servers = cols.filter((c) => c.process);
    if (profileDir) for (const col of servers) await col.process!.startCpuProfile();
    const loop = { concurrency: CONCURRENCY, maxCalls: SIZES.chatsMax, maxMs: SIZES.chatsMs, slices: SLICES };
    const tp = await throughput(cols, loop, (col) => (col.key === 'runtime' ? db : undefined));
    const profiles: Array<[string, string]> = [];
    if (profileDir) for (const col of servers) profiles.push([col.label, await col.process!.stopCpuProfile(profileDir)]);
    progress(`throughput done`);
    const lag = await chunkLag(cols, LAG_STREAMS, SIZES.lagRounds, timing.stampGate);
    progress(`chunk lag done, ${SIZES.lagRounds} rounds of ${LAG_STREAMS} streams per column`);
    const upstream = tally.take();
    const chats = new Map(chatsRun);

    const tools = await toolsByName(rig, SIZES.toolSamples, CONCURRENCY, SIZES.toolMs, db);
    const toolUpstream = tally.take();
    progress('tool calls by name done');

    printCompare({
      columns: cols, latency, throughput: tp, lag, streams, streamCount: STREAMS, lagStreams: LAG_STREAMS, concurrency: CONCURRENCY,
      upstream, chats, tools, toolUpstream,
    });
    for (const [label, path] of profiles) {
      console.log(`\n  CPU profile of ${label} during the concurrency-${CONCURRENCY} chat loops (the profilers lower their throughput): ${path}`);
      summarizeCpuProfile(path, { top: 12 }).forEach((l) => console.log(`    ${l}`));
    }
    const snapshot = streams.get('runtime')?.snapshot;
    if (snapshot) {
      console.log(`\n  heap snapshot of the runtime with all ${STREAMS} streams begun: ${snapshot}`);
      summarizeHeapSnapshot(snapshot, { top: 20, per: STREAMS }).forEach((l) => console.log(`    ${l}`));
    }
  } finally {
    tally.stop();
    await db?.close();
    await rig.close();
  }
}
