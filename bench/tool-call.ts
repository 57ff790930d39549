// bench/tool-call: the runtime's own cost per tool call, against the fake Zoho on 127.0.0.1.
// Runtime path: fetch POST {runtime}/api/tools/crm_get_org (JWT, JSON) -> runtime (own process) -> fake Zoho.
// Straight path: fetch GET {fake}/crm/v8/org with the same access token. Same client, same process.
import { startFakeZoho } from '../test/support/fake-zoho.ts';
import { connectOverHttp, jwtFor } from './support/connect.ts';
import { closedLoop, type LoadResult } from './support/load.ts';
import { startRuntimeProcess } from './support/runtime-process.ts';
import { median, ms, percentile, table, target } from './support/stats.ts';

const LATENCY_SAMPLES = Number(process.env.BENCH_TOOL_SAMPLES ?? 2000);
const THROUGHPUT_MAX_CALLS = 20_000;
const THROUGHPUT_MAX_MS = 3_000;
const STORM = 500;
const REFRESH_DELAY_MS = 100;

export interface ToolCallFigures {
  latency: { straightP50: number; straightP99: number; runtimeP50: number; runtimeP99: number; addedP50: number; addedP99: number };
  throughput: Array<{ concurrency: number; straight: LoadResult; runtime: LoadResult }>;
  storm: { refreshes: number; errors: number; ms: number; tokens: number };
}

export async function runToolCallBench(): Promise<ToolCallFigures> {
  console.log('\n== bench/tool-call: the runtime\'s own cost per tool call (fake Zoho, 127.0.0.1) ==');
  const fake = await startFakeZoho();
  fake.addUser({ zuid: '70001', email: 'ada@example.com', orgId: '9001', deskOrgIds: ['555'] });
  const rt = await startRuntimeProcess({
    zohoUrl: fake.url, zohoClientId: fake.clientId, zohoClientSecret: fake.clientSecret, zohoRedirectUri: fake.redirectUri,
  });
  try {
    console.log(`  runtime: pid ${rt.pid}, ${rt.url}, database ${rt.database}${rt.database === 'pglite' ? ' (embedded, memory://, same process as the runtime)' : ''}`);
    await connectOverHttp(rt.url, fake, 'alice', '70001');
    const headers = { authorization: `Bearer ${await jwtFor('alice')}`, 'content-type': 'application/json' };
    const viaRuntime = async () => {
      const res = await fetch(`${rt.url}/api/tools/crm_get_org`, { method: 'POST', headers, body: '{"params":{}}' });
      const body = (await res.json()) as { ok?: boolean; error?: { code: string } };
      if (res.status !== 200 || body.ok !== true) throw new Error(`runtime answered ${res.status} ${JSON.stringify(body.error)}`);
    };
    await viaRuntime();
    const token = fake.requestsTo('/crm/v8/org').at(-1)!.headers['authorization']!;
    const straight = async () => {
      const res = await fetch(`${fake.url}/crm/v8/org`, { headers: { authorization: token } });
      await res.json();
      if (res.status !== 200) throw new Error(`fake Zoho answered ${res.status}`);
    };

    // Warm-up: JIT, PGlite's caches, and keep-alive pools on both hops opened to 64 connections (a cold
    // burst to 64 pays for opening them: calls then wait 1-3 s).
    await closedLoop(64, 2000, 15_000, viaRuntime);
    await closedLoop(64, 2000, 15_000, straight);
    fake.reset(); // the fake keeps every request it saw; clear it between phases

    // Latency at concurrency 1, the two paths interleaved so drift hits both alike.
    const st: number[] = [];
    const rn: number[] = [];
    for (let i = 0; i < LATENCY_SAMPLES; i++) {
      let t = performance.now();
      await straight();
      st.push(performance.now() - t);
      t = performance.now();
      await viaRuntime();
      rn.push(performance.now() - t);
      if (i % 1000 === 999) fake.reset();
    }
    const latency = {
      straightP50: median(st), straightP99: percentile(st, 99),
      runtimeP50: median(rn), runtimeP99: percentile(rn, 99),
      addedP50: median(rn) - median(st), addedP99: percentile(rn, 99) - percentile(st, 99),
    };
    console.log(`\n  latency, concurrency 1, ${LATENCY_SAMPLES} calls each (interleaved):`);
    table(['path', 'p50', 'p99'], [
      ['straight fetch to fake Zoho', ms(latency.straightP50), ms(latency.straightP99)],
      ['POST /api/tools/crm_get_org', ms(latency.runtimeP50), ms(latency.runtimeP99)],
      ['added by the runtime', ms(latency.addedP50), ms(latency.addedP99)],
    ]);

    // A ladder of cheaper requests to the same server, to see where the added time goes.
    const unknownRoute = async () => void (await (await fetch(`${rt.url}/api/no-such-route`, { headers })).arrayBuffer());
    const health = async () => void (await (await fetch(`${rt.url}/health`)).arrayBuffer());
    const ladder: Record<string, number[]> = { unknownRoute: [], health: [] };
    for (let i = 0; i < 500; i++) {
      for (const [name, f] of [['unknownRoute', unknownRoute], ['health', health]] as const) {
        const t = performance.now();
        await f();
        ladder[name]!.push(performance.now() - t);
      }
    }
    console.log('  where it goes (p50, 500 calls each, concurrency 1):');
    table(['request', 'p50'], [
      ['GET {fake}/crm/v8/org straight (above)', ms(latency.straightP50)],
      ['GET {runtime}/api/no-such-route with the JWT: HTTP hop, JWT check, 404 JSON', ms(median(ladder.unknownRoute!))],
      ['GET {runtime}/health: HTTP hop, `select 1` on the database', ms(median(ladder.health!))],
      ['POST {runtime}/api/tools/crm_get_org (above)', ms(latency.runtimeP50)],
    ]);

    const throughput: ToolCallFigures['throughput'] = [];
    for (const concurrency of [1, 16, 64]) {
      // Idle keep-alive sockets close after 4-5 s: reopen `concurrency` of them before each measured cell.
      await closedLoop(concurrency, concurrency * 4, 10_000, straight);
      const s = await closedLoop(concurrency, THROUGHPUT_MAX_CALLS, THROUGHPUT_MAX_MS, straight);
      fake.reset();
      await closedLoop(concurrency, concurrency * 4, 10_000, viaRuntime);
      const r = await closedLoop(concurrency, THROUGHPUT_MAX_CALLS, THROUGHPUT_MAX_MS, viaRuntime);
      fake.reset();
      throughput.push({ concurrency, straight: s, runtime: r });
    }
    console.log(`\n  throughput (closed loop, up to ${THROUGHPUT_MAX_CALLS} calls or ${THROUGHPUT_MAX_MS / 1000} s per cell):`);
    table(['concurrency', 'straight calls/s', 'runtime calls/s', 'ratio', 'runtime p50', 'runtime p99', 'errors'],
      throughput.map(({ concurrency, straight: s, runtime: r }) => [
        concurrency, s.perSecond.toFixed(0), r.perSecond.toFixed(0), (r.perSecond / s.perSecond).toFixed(2),
        ms(median(r.latencies), 2), ms(percentile(r.latencies, 99), 2), `${s.errors}/${r.errors}`,
      ]));
    console.log('  (every runtime call also inserts one row into tool_calls)');

    // Refresh storm: the stored expiry set to now, then STORM calls at once for that one connection.
    fake.reset();
    fake.tokenEndpoint.delayMs = REFRESH_DELAY_MS;
    const expired = await rt.expire('alice');
    const t0 = performance.now();
    const results = await Promise.allSettled(Array.from({ length: STORM }, viaRuntime));
    const stormMs = performance.now() - t0;
    const tokens = new Set(fake.requestsTo('/crm/v8/org').map((r) => r.headers['authorization']));
    const storm = { refreshes: fake.counts.refreshes, errors: results.filter((r) => r.status === 'rejected').length, ms: stormMs, tokens: tokens.size };
    console.log(`\n  refresh storm: ${STORM} concurrent calls, ${expired} connection expired in the database, the fake's token endpoint answering after ${REFRESH_DELAY_MS} ms`);
    console.log(`    refresh requests: ${storm.refreshes}; errors: ${storm.errors}; distinct tokens sent to Zoho: ${storm.tokens}${tokens.has(token) ? ' (includes the expired one!)' : ' (all the new one)'}; all ${STORM} done in ${ms(stormMs, 1)}`);

    const at64 = throughput.find((t) => t.concurrency === 64)!;
    const ratio64 = at64.runtime.perSecond / at64.straight.perSecond;
    console.log('\n  targets:');
    console.log(target('added p50', ms(latency.addedP50), latency.addedP50 <= 1, '<= 1 ms'));
    console.log(target('added p99', ms(latency.addedP99), latency.addedP99 <= 5, '<= 5 ms'));
    console.log(target('throughput ratio at 64', ratio64.toFixed(2), ratio64 >= 0.6, '>= 0.6 of straight fetch'));
    console.log(target('refreshes in the storm', String(storm.refreshes), storm.refreshes === 1 && storm.errors === 0, 'exactly 1, 0 errors'));
    return { latency, throughput, storm };
  } finally {
    await rt.close();
    await fake.close();
  }
}
