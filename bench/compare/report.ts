// Prints bench/compare: the issue's table (one column per reference), the upstream requests per chat,
// tool calls by name, and the goals as ratios within this run, each with PASS or MISS.
import { kb, mb, median, ms, table, target } from '../support/stats.ts';
import type { Throughput } from './measured-loops.ts';
import type { ChunkLag, OpenStreams } from './phases.ts';
import type { Column, ColumnKey } from './rig.ts';
import type { ToolsByName } from './tools-by-name.ts';
import type { Owner, Tally } from './upstream-tally.ts';

export interface CompareFigures {
  columns: Column[];
  latency: Map<string, number[]>;
  throughput: Map<string, Throughput>;
  lag: Map<string, ChunkLag>;
  streams: Map<string, OpenStreams>;
  streamCount: number;
  lagStreams: number;
  concurrency: number;
  upstream: Map<Owner, Tally>;
  chats: Map<string, number>;
  tools: ToolsByName;
  toolUpstream: Map<Owner, Tally>;
}

const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;

function perStream(s: OpenStreams | undefined, n: number): number | undefined {
  return s ? (s.rss.peak - s.rss.before) / n : undefined;
}

export function printCompare(f: CompareFigures): void {
  const p50 = (key: ColumnKey) => median(f.latency.get(key) ?? []);
  const added = (key: ColumnKey) => p50(key) - p50('floor');
  const tp = (key: ColumnKey) => f.throughput.get(key)!;
  const lag50 = (key: ColumnKey) => median(f.lag.get(key)?.lags ?? []);
  const rssCell = (key: ColumnKey) => {
    const s = f.streams.get(key);
    if (!s) return '-';
    const notAll = s.lined ? '' : ' (not all open at once)';
    return `${kb(perStream(s, f.streamCount)!)}${notAll}${s.failures.length ? `, ${s.failures.length} failed` : ''}`;
  };
  const cpuCell = (key: ColumnKey) => {
    const t = tp(key);
    if (t.cpuMs === undefined) return '-';
    return `${ms(t.cpuMs, 2)}${t.dbMs !== undefined ? ` + ${ms(t.dbMs, 2)} database` : ''}`;
  };
  const lagCell = (key: ColumnKey) => {
    const l = f.lag.get(key)!;
    return `${ms(lag50(key), 2)}${l.failures.length ? ` (${l.failures.length} failed)` : ''}${l.lined ? '' : ' (not all open at once)'}`;
  };
  const keys = f.columns.map((c) => c.key);
  console.log(`\n  one chat = one crm_search_records tool step plus a 20-chunk answer; every chat checked`);
  table(['', ...f.columns.map((c) => c.label)], [
    ['added latency per chat, p50', ...keys.map((k) => (k === 'floor' ? `0 (${ms(p50(k), 2)} total)` : `+${ms(added(k), 2)}`))],
    [`chats/s at concurrency ${f.concurrency}`, ...keys.map((k) => tp(k).load.perSecond.toFixed(0) + (tp(k).load.errors ? ` (${tp(k).load.errors} errors)` : ''))],
    ['CPU per chat', ...keys.map(cpuCell)],
    ['  client + fakes CPU per chat (busy)', ...keys.map((k) => `${ms(tp(k).clientMs, 2)} (${(tp(k).clientBusy * 100).toFixed(0)}%)`)],
    [`RSS per open stream, ${f.streamCount} streams`, ...keys.map(rssCell)],
    [`chunk lag p50 at ${f.lagStreams} streams`, ...keys.map(lagCell)],
  ]);
  const servers = f.columns.filter((c) => f.streams.has(c.key));
  console.log(`\n  ${f.streamCount} open streams, per server (RSS from /proc; "before" and "after" after a forced GC):`);
  table(['', ...servers.map((c) => c.label)], [
    ['RSS before / peak / after', ...servers.map((c) => { const r = f.streams.get(c.key)!.rss; return `${mb(r.before)} / ${mb(r.peak)} / ${mb(r.after)}`; })],
    ['JS heap used before / all begun', ...servers.map((c) => { const m = f.streams.get(c.key)!.memory; return `${mb(m.before.heapUsed)} / ${m.allOpen ? mb(m.allOpen.heapUsed) : '-'}`; })],
    ['all open at once / peak mid-stream', ...servers.map((c) => { const s = f.streams.get(c.key)!; return `${s.lined ? 'yes' : 'no'} / ${s.peakStreaming}`; })],
    ['all open after / all done after', ...servers.map((c) => { const s = f.streams.get(c.key)!; return `${ms(s.openingMs, 0)} / ${ms(s.wallMs, 0)}`; })],
  ]);
  const failures = [
    ...keys.map((k) => tp(k).load.firstError && `${k} at concurrency ${f.concurrency}: ${tp(k).load.firstError}`),
    ...keys.map((k) => f.lag.get(k)?.failures[0] && `${k} chunk lag: ${f.lag.get(k)!.failures[0]}`),
    ...keys.map((k) => f.streams.get(k)?.failures[0] && `${k} open streams: ${f.streams.get(k)!.failures[0]}`),
  ].filter(Boolean);
  for (const line of failures) console.log(`  first failure, ${line}`);

  console.log('\n  upstream requests per chat (from the fakes\' logs; chats of every phase above):');
  table(['', ...f.columns.map((c) => c.label)], [
    ['chats', ...keys.map((k) => String(f.chats.get(k) ?? 0))],
    ['LLM requests per chat', ...keys.map((k) => ((f.upstream.get(k)?.llm ?? 0) / (f.chats.get(k) ?? 1)).toFixed(2))],
    ['Zoho requests per chat', ...keys.map((k) => ((f.upstream.get(k)?.zoho ?? 0) / (f.chats.get(k) ?? 1)).toFixed(2))],
    ['first completion request', ...keys.map((k) => kb(f.upstream.get(k)?.firstRequestBytes ?? NaN))],
  ]);

  const t = f.tools;
  const addedTool = median(t.latency.runtime) - median(t.latency.proxy);
  console.log(`\n  tool calls by name, POST /api/tools/crm_search_records (latency: ${t.latency.proxy.length} calls each at concurrency 1, interleaved):`);
  table(['', 'straight GET to the fake Zoho', 'hand-written hono proxy', 'this runtime'], [
    ['p50', ms(median(t.latency.straight)), ms(median(t.latency.proxy)), ms(median(t.latency.runtime))],
    [`calls/s at concurrency ${f.concurrency}`, '-', t.proxy.load.perSecond.toFixed(0), t.runtime.load.perSecond.toFixed(0)],
    ['CPU per call', '-', ms(t.proxy.cpuMs!, 2), `${ms(t.runtime.cpuMs!, 2)}${t.runtime.dbMs !== undefined ? ` + ${ms(t.runtime.dbMs, 2)} database` : ''}`],
    ['  client + fake CPU per call (busy)', '-', ...[t.proxy, t.runtime].map((x) => `${ms(x.clientMs, 2)} (${(x.clientBusy * 100).toFixed(0)}%)`)],
    ['errors', '-', String(t.proxy.load.errors), String(t.runtime.load.errors)],
    ['Zoho requests per call', '-', ((f.toolUpstream.get('proxy')?.zoho ?? 0) / t.calls.proxy).toFixed(2), ((f.toolUpstream.get('runtime')?.zoho ?? 0) / t.calls.runtime).toFixed(2)],
  ]);

  const tpHand = tp('runtime').load.perSecond / tp('hand').load.perSecond;
  const latAi = added('runtime') / added('aiSdk');
  const rss = perStream(f.streams.get('runtime'), f.streamCount) ?? NaN;
  const rt = f.streams.get('runtime');
  const allOpen = rt !== undefined && rt.lined && rt.failures.length === 0;
  const lagHand = lag50('runtime') / lag50('hand');
  const toolTp = t.runtime.load.perSecond / t.proxy.load.perSecond;
  console.log('\n  goals (ratios within this run):');
  console.log(target(`throughput at ${f.concurrency}, runtime / hand-written`, ratio(tp('runtime').load.perSecond, tp('hand').load.perSecond), tpHand >= 0.6, '>= 0.6x'));
  console.log(`        (runtime / AI SDK: ${ratio(tp('runtime').load.perSecond, tp('aiSdk').load.perSecond)}; hand-written / AI SDK: ${ratio(tp('hand').load.perSecond, tp('aiSdk').load.perSecond)})`);
  const runtimeCpu = tp('runtime').cpuMs! + (tp('runtime').dbMs ?? 0);
  console.log(`        (CPU per chat, the least load-sensitive figure: runtime${tp('runtime').dbMs !== undefined ? ' with its database' : ''} / hand-written ${ratio(runtimeCpu, tp('hand').cpuMs!)}, AI SDK / hand-written ${ratio(tp('aiSdk').cpuMs!, tp('hand').cpuMs!)})`);
  console.log(target('added latency p50, runtime / AI SDK', `${ratio(added('runtime'), added('aiSdk'))} (+${ms(added('runtime'), 2)} vs +${ms(added('aiSdk'), 2)})`, latAi <= 0.3, '<= 0.3x'));
  const rssGoal = `<= 100 KB, all ${f.streamCount} open at once, 0 failed`;
  if (f.streamCount >= 1000) console.log(target('RSS per open stream', `${kb(rss)}${allOpen ? '' : ' (not all open at once, or some failed)'}`, rss <= 100 * 1024 && allOpen, rssGoal));
  else console.log(`  ----  RSS per open stream: ${kb(rss)} at ${f.streamCount} streams (judged only at 1,000: BENCH_QUICK is set or BENCH_STREAMS is lower)`);
  console.log(target(`chunk lag p50 at ${f.lagStreams} streams, runtime / hand-written`, `${ratio(lag50('runtime'), lag50('hand'))} (${ms(lag50('runtime'), 2)} vs ${ms(lag50('hand'), 2)})`, lagHand <= 1.5, '<= 1.5x'));
  console.log(target(`tool calls by name, throughput at ${f.concurrency}, runtime / hono proxy`, ratio(t.runtime.load.perSecond, t.proxy.load.perSecond), toolTp >= 0.6, '>= 0.6x'));
  console.log(target('tool calls by name, added p50 over the hono proxy', ms(addedTool), addedTool <= 1, '<= 1 ms'));
}
