// Tool calls by name in bench/compare: `POST /api/tools/crm_search_records` on the runtime (JWT, the
// user's stored connection, validation, the tool-call log) against the hand-written hono proxy making
// the same Zoho call with a fixed token, and the same search fetched straight (for reference).
import { closedLoop } from '../support/load.ts';
import type { BackendCpu } from './database.ts';
import { interleavedLoops, type Throughput } from './measured-loops.ts';
import type { Rig } from './rig.ts';
import { EXPECTED_IN_TOOL_RESULT, TOOL, TOOL_ARGS } from './scenario.ts';
import { searchRecords } from './search-records.ts';

const BODY = JSON.stringify({ params: TOOL_ARGS });

async function callTool(url: string, authorization?: string): Promise<void> {
  const res = await fetch(`${url}/api/tools/${TOOL}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: BODY,
  });
  const text = await res.text();
  if (res.status !== 200 || !text.startsWith('{"ok":true') || !text.includes(EXPECTED_IN_TOOL_RESULT)) {
    throw new Error(`${url} answered ${res.status}: ${text.slice(0, 200)}`);
  }
}

export interface ToolsByName {
  /** Call times at concurrency 1, interleaved, ms. */
  latency: { straight: number[]; proxy: number[]; runtime: number[] };
  proxy: Throughput;
  runtime: Throughput;
  /** Calls made through each (for the per-call upstream counts). */
  calls: { proxy: number; runtime: number };
}

export async function toolsByName(rig: Rig, samples: number, concurrency: number, maxMs: number, db?: BackendCpu): Promise<ToolsByName> {
  const calls = { proxy: 0, runtime: 0 };
  let n = 0;
  const viaRuntime = () => (calls.runtime++, callTool(rig.runtime.url, `Bearer ${rig.jwts[n++ % rig.jwts.length]}`));
  const viaProxy = () => (calls.proxy++, callTool(rig.proxy.url));
  const straight = async () => {
    const r = await searchRecords(rig.zoho.url, rig.straightToken, TOOL_ARGS);
    if (!JSON.stringify(r).includes(EXPECTED_IN_TOOL_RESULT)) throw new Error('the straight search lacks John Smith');
  };
  for (const f of [viaRuntime, viaProxy, straight]) await closedLoop(concurrency, 500, 30_000, f); // warm-up

  const latency = { straight: [] as number[], proxy: [] as number[], runtime: [] as number[] };
  for (let i = 0; i < samples; i++) {
    for (const [key, f] of [['straight', straight], ['proxy', viaProxy], ['runtime', viaRuntime]] as const) {
      const t = performance.now();
      await f();
      latency[key].push(performance.now() - t);
    }
  }
  const loops = await interleavedLoops([
    { key: 'proxy', server: rig.proxy, call: viaProxy },
    { key: 'runtime', server: rig.runtime, call: viaRuntime, db },
  ], { concurrency, maxCalls: 100_000, maxMs, slices: 3 });
  const proxy = loops.get('proxy')!;
  const runtime = loops.get('runtime')!;
  return { latency, proxy, runtime, calls };
}
