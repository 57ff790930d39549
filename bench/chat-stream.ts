// bench/chat-stream: POST /api/chat against the fake OpenRouter and the fake Zoho on 127.0.0.1. The runtime
// runs in its own process; the fakes and the client share this one, so one clock stamps send and receive.
import { startFakeOpenRouter } from '../test/support/fake-openrouter.ts';
import { startFakeZoho, type FakeZoho } from '../test/support/fake-zoho.ts';
import {
  benchResponder, chatTurn, chunkLatencies, chunkTypes, eventTypes, directCompletion, type ChatProtocol, SHORT_CHUNKS, SHORT_GAP_MS, STAMP_GAP_MS, STAMPED_CHUNKS,
} from './support/chat-client.ts';
import { connectOverHttp, jwtFor } from './support/connect.ts';
import { concurrentChats, type ConcurrentChats } from './support/concurrent-chats.ts';
import { startRuntimeProcess, type RuntimeProcess } from './support/runtime-process.ts';
import type { SseEvent } from './support/sse.ts';
import { measureToolStep } from './support/tool-step.ts';
import { kb, mb, median, ms, percentile, table, target } from './support/stats.ts';

const USERS = 100;
const STREAMS = Number(process.env.BENCH_STREAMS ?? 1000);
const STAMPED_TURNS = 5;
const STEP_TURNS = Number(process.env.BENCH_STEP_TURNS ?? 40);

export async function runChatStreamBench(): Promise<void> {
  console.log('\n== bench/chat-stream: POST /api/chat (fake OpenRouter + fake Zoho, 127.0.0.1) ==');
  const zoho = await startFakeZoho();
  const llm = await startFakeOpenRouter();
  llm.respondWith(benchResponder);
  const startRuntime = () => startRuntimeProcess({
    zohoUrl: zoho.url, zohoClientId: zoho.clientId, zohoClientSecret: zoho.clientSecret, zohoRedirectUri: zoho.redirectUri,
    openrouterBaseUrl: llm.baseURL, openrouterApiKey: llm.apiKey,
  });
  const rt = await startRuntime();
  const jwts: string[] = [];
  try {
    console.log(`  runtime: pid ${rt.pid}, database ${rt.database}; connecting ${USERS} users through OAuth`);
    await connectUsers(rt.url, zoho, jwts);
    const jwt = jwts[0]!;
    const lastRequest = () => llm.requests.at(-1)!.body;

    // (a) Chunk latency: the fake stamps each chunk as it writes it; the client subtracts on receipt. The same
    // chat in both protocols, turn by turn in turn, so both see the same machine load.
    const viaRuntime: number[] = [];
    const viaUi: number[] = [];
    const direct: number[] = [];
    for (let turn = 0; turn <= STAMPED_TURNS; turn++) {
      const r = await chatTurn(rt.url, jwt, 'stamp');
      const d = await directCompletion(llm.baseURL, llm.apiKey, lastRequest());
      const u = await chatTurn(rt.url, jwt, 'stamp', undefined, 'ui');
      if (r.status !== 200 || d.status !== 200 || u.status !== 200) throw new Error(`stamped turn answered ${r.status} / ${d.status} / ${u.status}`);
      if (turn === 0) continue; // warm-up
      viaRuntime.push(...chunkLatencies(r, 'runtime'));
      direct.push(...chunkLatencies(d, 'upstream'));
      viaUi.push(...chunkLatencies(u, 'ui'));
    }
    const added50 = median(viaRuntime) - median(direct);
    console.log(`\n  (a) chunk latency, upstream chunk written -> client read, ${STAMPED_TURNS} turns x ${STAMPED_CHUNKS} chunks ${STAMP_GAP_MS} ms apart:`);
    table(['path', 'chunks', 'p50', 'p99', 'max'], [
      ['fake OpenRouter -> client (direct)', direct.length, ms(median(direct)), ms(percentile(direct, 99)), ms(Math.max(...direct))],
      ['fake OpenRouter -> runtime -> client', viaRuntime.length, ms(median(viaRuntime)), ms(percentile(viaRuntime, 99)), ms(Math.max(...viaRuntime))],
      ['added by the runtime', '', ms(added50), ms(percentile(viaRuntime, 99) - percentile(direct, 99)), ''],
    ]);

    // (b) Time per tool step: whole turns through the runtime minus the same upstream calls made directly.
    const t = await measureToolStep(rt.url, jwt, llm, zoho, STEP_TURNS);
    console.log(`\n  (b) tool step, medians of ${STEP_TURNS} turns each (client clock: request sent -> last event read):`);
    table(['what', 'median'], [
      ['A  turn with a plain answer, through the runtime', ms(t.a)],
      ['Lp the same completion fetched directly', ms(t.lp)],
      ['B  turn with crm_get_org then the answer, through the runtime', ms(t.b)],
      ['L1 its tool-call completion fetched directly', ms(t.l1)],
      ['Z  GET /crm/v8/org fetched directly', ms(t.z)],
      ['L2 its answer completion fetched directly', ms(t.l2)],
      ['runtime per turn            A - Lp', ms(t.a - t.lp)],
      ['  of which before its completion request reaches the upstream', ms(t.preA - t.preLp)],
      ['runtime, whole tool turn    B - (L1 + Z + L2)', ms(t.b - (t.l1 + t.z + t.l2))],
      ['runtime per tool step       (B - A) - (L1 + Z)', ms(t.b - t.a - (t.l1 + t.z))],
    ]);
    console.log(`  each completion request the runtime sends: ${kb(t.bodyBytes)} of JSON, of which ${kb(t.toolsBytes)} are the ${t.tools} tool definitions`);

    // (c) STREAMS concurrent chats, spread over USERS users; runtime RSS from /proc every 50 ms.
    const c = await streamsAt(rt, jwts, 'sse');
    printStreams(c, '(c) chat streams');
    const perStream = (c.rss.peak - c.rss.before) / STREAMS;

    console.log('\n  targets:');
    console.log(target('added chunk latency p50', ms(added50), added50 <= 2, '<= 2 ms'));
    console.log(target(`${STREAMS} streams, errors`, String(c.failures.length), c.failures.length === 0 && STREAMS >= 1000, '0 of 1,000'));
    console.log(target('RSS per stream', kb(perStream), perStream <= 100 * 1024, '<= 100 KB'));
    await rt.close();

    // (d) The AI SDK UI message stream: the same 1,000 chats in a fresh runtime process (so neither protocol
    // inherits the other's heap), warmed up like the first, beside ours.
    const ui = await startRuntime();
    try {
      const uiJwts: string[] = [];
      await connectUsers(ui.url, zoho, uiJwts);
      for (let turn = 0; turn <= STAMPED_TURNS; turn++) await chatTurn(ui.url, uiJwts[0]!, 'stamp', undefined, 'ui');
      const u = await streamsAt(ui, uiJwts, 'ui');
      printStreams(u, '(d) UI message streams (the AI SDK protocol), a fresh runtime process');
      const uiPerStream = (u.rss.peak - u.rss.before) / STREAMS;
      const heapPer = (x: typeof c) => (x.memory.allOpen ? (x.memory.allOpen.heapUsed - x.memory.before.heapUsed) / STREAMS : NaN);
      const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
      console.log(`\n  (d) the same chat in both protocols: ours (SSE events) and the AI SDK UI message stream v1:`);
      table(['figure', 'ours', 'AI SDK', 'AI SDK / ours'], [
        ['chunk latency p50 (upstream -> runtime -> client)', ms(median(viaRuntime)), ms(median(viaUi)), ratio(median(viaUi), median(viaRuntime))],
        ['chunk latency p99', ms(percentile(viaRuntime, 99)), ms(percentile(viaUi, 99)), ratio(percentile(viaUi, 99), percentile(viaRuntime, 99))],
        ['added over direct, p50', ms(added50), ms(median(viaUi) - median(direct)), ''],
        [`RSS per stream (${STREAMS} streams)`, kb(perStream), kb(uiPerStream), ratio(uiPerStream, perStream)],
        ['JS heap per stream, all begun', kb(heapPer(c)), kb(heapPer(u)), ratio(heapPer(u), heapPer(c))],
        ['errors', c.failures.length, u.failures.length, ''],
      ]);
      const latencyRatio = median(viaUi) / median(viaRuntime);
      const rssRatio = uiPerStream / perStream;
      console.log('\n  targets:');
      console.log(target('AI SDK protocol, chunk latency p50 over ours', ratio(median(viaUi), median(viaRuntime)), latencyRatio <= 1.1, '<= 1.10x'));
      console.log(target('AI SDK protocol, RSS per stream over ours', ratio(uiPerStream, perStream), rssRatio <= 1.1, '<= 1.10x'));
      console.log(target(`${STREAMS} UI streams, errors`, String(u.failures.length), u.failures.length === 0, '0'));
    } finally {
      await ui.close();
    }
  } finally {
    await rt.close();
    await llm.close();
    await zoho.close();
  }

  /** STREAMS chats at once in one protocol; each must end well with all its text. */
  function streamsAt(server: RuntimeProcess, tokens: string[], protocol: ChatProtocol) {
    llm.requests.length = 0;
    zoho.reset();
    return concurrentChats(server, STREAMS, async (i, onFirstText) => {
      let texts = 0;
      const isText = protocol === 'sse' ? (e: SseEvent) => e.event === 'text' : (e: SseEvent) => e.data.startsWith('{"type":"text-delta"');
      const s = await chatTurn(server.url, tokens[i % tokens.length]!, 'short', (e) => {
        if (isText(e) && texts++ === 0) onFirstText();
      }, protocol);
      const types = protocol === 'sse' ? eventTypes(s) : chunkTypes(s);
      const ended = protocol === 'sse' ? types.at(-1) === 'done' : types.at(-2) === 'finish' && types.at(-1) === '[DONE]';
      const ok = s.status === 200 && ended && !types.includes('error') && texts === SHORT_CHUNKS;
      return ok ? 'ok' : `status ${s.status}, ${texts} text events, events ${[...new Set(types)].join(',')}`;
    }, { snapshot: Boolean(process.env.BENCH_HEAP_SNAPSHOT) });
  }
}

/** USERS users, each connected through the OAuth round trip over HTTP, and their JWTs. */
async function connectUsers(url: string, zoho: FakeZoho, jwts: string[]): Promise<void> {
  for (let i = 0; i < USERS; i += 10) {
    await Promise.all(Array.from({ length: 10 }, async (_, k) => {
      const n = i + k;
      zoho.addUser({ zuid: String(80_000 + n), email: `user${n}@example.com`, orgId: '9001' });
      await connectOverHttp(url, zoho, `user-${n}`, String(80_000 + n));
      jwts[n] = await jwtFor(`user-${n}`);
    }));
  }
}

function printStreams(c: ConcurrentChats, label: string): void {
  const [part, what] = [label.slice(0, 3), label.slice(4)];
  const perStream = (c.rss.peak - c.rss.before) / STREAMS;
  const heap = (m?: NodeJS.MemoryUsage) => (m ? `heap ${mb(m.heapUsed)} of ${mb(m.heapTotal)}, external ${mb(m.external)}` : 'n/a');
  console.log(`\n  ${part} ${STREAMS} concurrent ${what} (${USERS} users; each ${SHORT_CHUNKS} chunks ${SHORT_GAP_MS} ms apart):`);
  table(['figure', 'value'], [
    ['errors', `${c.failures.length}${c.failures[0] ? ` (first: ${c.failures[0]})` : ''}`],
    ['all done in', ms(c.wallMs, 0)],
    ['peak open at the client / peak mid-stream', `${c.peakOpen} / ${c.peakStreaming}`],
    ['runtime RSS before (after gc)', mb(c.rss.before)],
    [`runtime peak RSS (50 ms samples${c.rss.hwmUsed ? ' and VmHWM' : ''})`, mb(c.rss.peak)],
    ['RSS per stream (peak - before) / streams', kb(perStream)],
    ['runtime RSS after all ended (after gc)', mb(c.rss.after)],
    ['V8 before (after gc)', heap(c.memory.before)],
    ['V8 once every stream has begun', heap(c.memory.allOpen)],
    ['V8 after all ended (after gc)', heap(c.memory.after)],
    ...(c.memory.allOpen ? [['JS heap per stream then', kb((c.memory.allOpen.heapUsed - c.memory.before.heapUsed) / STREAMS)]] : []),
    ...(c.snapshot ? [['heap snapshot', c.snapshot]] : []),
  ]);
}
