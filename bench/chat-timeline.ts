// `npm run bench -- timeline`: where one chat's time goes at concurrency 1 (issue 12, round 2). The
// chat of bench/compare (one crm_search_records step + 20 chunks) against the hand-written runtime and
// this runtime, alternately, with every socket write and read of the client, the fakes and both servers
// stamped on one monotonic clock (./support/socket-trace.ts). Prints the median of each milestone after
// the client sent its request, the gap from the milestone before, and the runtime's database round trips.
import { mkdirSync } from 'node:fs';
import { chooseDatabase } from './compare/database.ts';
import { createGate } from './compare/gate.ts';
import { chatProblem } from './compare/chat-result.ts';
import { startRig, type Column } from './compare/rig.ts';
import { summarizeCpuProfile } from './profile/cpu-summary.ts';
import { load } from './support/machine.ts';
import { installSocketTrace, takeSocketTrace, type SocketMark } from './support/socket-trace.ts';
import { median, sleep, table } from './support/stats.ts';
import { profileGaps } from './timeline/profile-gaps.ts';
import { chatTimeline, learnStatements, type ChatTimeline, type Ports } from './timeline/milestones.ts';

const CHATS = Number(process.env.BENCH_TIMELINE_CHATS ?? 100);
const WARM_UP = 100;
// After each chat, time for what it left behind (batched writes, the slot's release) to land in its trace.
const SETTLE_MS = 80;

const fmt = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '–');
const portOf = (url: string) => Number(new URL(url).port);

async function traceChat(column: Column, i: number, ports: Ports, named: Map<string, string>): Promise<ChatTimeline & { ms: number }> {
  takeSocketTrace();
  learnStatements((await column.process!.send({ cmd: 'socket-trace' })) as SocketMark[], ports.db, named);
  const r = await column.chat('chat', i);
  const problem = chatProblem(r, 'chat');
  if (problem) throw new Error(`${column.label}: ${problem}`);
  await sleep(SETTLE_MS);
  const server = (await column.process!.send({ cmd: 'socket-trace' })) as SocketMark[];
  return { ...chatTimeline(takeSocketTrace(), server, ports, named), ms: r.ms };
}

function printMilestones(hand: ChatTimeline[], runtime: ChatTimeline[]): void {
  const names = [...runtime[0]!.milestones.keys()];
  const at = (runs: ChatTimeline[], name: string, of: 'milestones' | 'serverCpu' = 'milestones') =>
    median(runs.map((r) => r[of].get(name)!).filter(Number.isFinite));
  let prev = { hand: 0, handCpu: 0, runtime: 0, cpu: 0 };
  const rows = names.map((name) => {
    const now = { hand: at(hand, name), handCpu: at(hand, name, 'serverCpu'), runtime: at(runtime, name), cpu: at(runtime, name, 'serverCpu') };
    const row = [name, fmt(now.hand), fmt(now.hand - prev.hand), fmt(now.handCpu - prev.handCpu), fmt(now.runtime), fmt(now.runtime - prev.runtime), fmt(now.cpu - prev.cpu)];
    const kept = (k: keyof typeof now) => (Number.isFinite(now[k]) ? now[k] : prev[k]);
    prev = { hand: kept('hand'), handCpu: kept('handCpu'), runtime: kept('runtime'), cpu: kept('cpu') };
    return row;
  });
  const total = (runs: ChatTimeline[]) => fmt(median(runs.map((r) => r.serverCpu.get(names.at(-1)!)!).filter(Number.isFinite)));
  console.log(`  the server's CPU from the request to the client's last read (median): hand-written ${total(hand)} ms, runtime ${total(runtime)} ms`);
  table(['milestone (median ms after the client sent)', 'hand-written', 'gap', 'its CPU', 'runtime', 'gap', 'its CPU'], rows);
}

function printTrips(runs: ChatTimeline[], which: 'trips' | 'tripsAfter', title: string): void {
  const byLabel = new Map<string, { count: number; at: number[]; ms: number[] }>();
  for (const r of runs) {
    for (const d of r[which]) {
      const s = byLabel.get(d.label) ?? { count: 0, at: [], ms: [] };
      s.count++;
      s.at.push(d.at);
      s.ms.push(d.ms);
      byLabel.set(d.label, s);
    }
  }
  console.log(`\n  ${title}: ${fmt(median(runs.map((r) => r[which].length)))} per chat (median), ${fmt(median(runs.map((r) => r[which].reduce((n, d) => n + d.ms, 0))))} ms in all`);
  const rows = [...byLabel].sort((a, b) => median(a[1].at) - median(b[1].at))
    .map(([label, s]) => [label.slice(0, 110), (s.count / runs.length).toFixed(2), fmt(median(s.at)), fmt(median(s.ms))]);
  if (rows.length) table(['statement', 'per chat', 'sent at (median ms)', 'round trip (median ms)'], rows);
}

export async function runChatTimelineBench(): Promise<void> {
  console.log(`\n== bench/chat-timeline: one chat at concurrency 1, hand-written runtime and this runtime, ${CHATS} chats each ==`);
  process.env.BENCH_SOCKET_TRACE = '1';
  installSocketTrace();
  const databaseUrl = await chooseDatabase();
  const timing = { holdGapMs: 200, stampGapMs: 50, holdGate: createGate(), stampGate: createGate() };
  const rig = await startRig({ users: 4, timing, databaseUrl });
  try {
    const hand = rig.columns.find((c) => c.key === 'hand')!;
    const runtime = rig.columns.find((c) => c.key === 'runtime')!;
    const common = { llm: portOf(rig.llm.baseURL), zoho: portOf(rig.zoho.url) };
    const ports = {
      hand: { ...common, server: portOf(hand.process!.url), db: 0 },
      runtime: { ...common, server: portOf(runtime.process!.url), db: databaseUrl ? Number(new URL(databaseUrl).port || 5432) : 0 },
    };
    for (let i = 0; i < WARM_UP; i++) await Promise.all([hand.chat('chat', i), runtime.chat('chat', i)]);
    // BENCH_CPU_PROF=<dir>: the runtime's CPU profile over the traced chats (concurrency 1).
    const profileDir = process.env.BENCH_CPU_PROF;
    if (profileDir) mkdirSync(profileDir, { recursive: true });
    if (profileDir) await runtime.process!.startCpuProfile();
    const named = new Map<string, string>();
    const runs = { hand: [] as Array<ChatTimeline & { ms: number }>, runtime: [] as Array<ChatTimeline & { ms: number }> };
    for (let i = 0; i < CHATS; i++) {
      runs.hand.push(await traceChat(hand, i, ports.hand, named));
      runs.runtime.push(await traceChat(runtime, i, ports.runtime, named));
    }
    const profile = profileDir ? await runtime.process!.stopCpuProfile(profileDir) : undefined;
    console.log(`  database: ${databaseUrl ? 'PostgreSQL' : 'PGlite (in the runtime: no round trips on the wire)'}; ${load()}`);
    console.log(`  chat time (client: request sent → done read), p50: hand-written ${fmt(median(runs.hand.map((r) => r.ms)))} ms, runtime ${fmt(median(runs.runtime.map((r) => r.ms)))} ms`);
    printMilestones(runs.hand, runs.runtime);
    for (const [name, rs] of Object.entries(runs)) {
      const writes = (['client', 'llm', 'zoho', 'db'] as const).map((k) => `${k} ${fmt(median(rs.map((r) => r.writes[k])))}`).join(', ');
      console.log(`  ${name}: the server's socket writes per chat (median): ${writes}; the client's reads ${fmt(median(rs.map((r) => r.clientReads)))}`);
    }
    printTrips(runs.runtime, 'trips', 'runtime database round trips from the request to the response\'s end');
    printTrips(runs.runtime, 'tripsAfter', `after the response ended (within ${SETTLE_MS} ms)`);
    if (profile) {
      console.log(`\n  runtime CPU profile over the traced chats: ${profile}`);
      summarizeCpuProfile(profile, { top: 15 }).forEach((l) => console.log(`    ${l}`));
      console.log('\n  the same samples by gap of the chat they fall in (the gap named by the milestone that ends it):');
      profileGaps(profile, runs.runtime).forEach((l) => console.log(`    ${l}`));
    }
  } finally {
    await rig.close();
  }
}
