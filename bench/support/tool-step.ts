// Part (b) of bench/chat-stream: whole chat turns through the runtime, minus the same upstream calls
// (the bodies the runtime sent, replayed) made straight from the client. Medians of `turns` turns each.
import type { FakeOpenRouter } from '../../test/support/fake-openrouter.ts';
import type { FakeZoho } from '../../test/support/fake-zoho.ts';
import { chatTurn, directCompletion, eventTypes, upstreamArrivals } from './chat-client.ts';
import { median } from './stats.ts';

export interface ToolStep {
  /** Plain-answer turn through the runtime, and the same completion fetched directly. */
  a: number; lp: number;
  /** Request sent -> upstream request received: through the runtime, and directly. */
  preA: number; preLp: number;
  /** crm_get_org turn through the runtime; its two completions and the Zoho call, directly. */
  b: number; l1: number; z: number; l2: number;
  bodyBytes: number; toolsBytes: number; tools: number;
}

export async function measureToolStep(runtimeUrl: string, jwt: string, llm: FakeOpenRouter, zoho: FakeZoho, turns: number): Promise<ToolStep> {
  await chatTurn(runtimeUrl, jwt, 'tool');
  const token = zoho.requestsTo('/crm/v8/org').at(-1)!.headers['authorization']!;
  const s = { a: [] as number[], lp: [] as number[], preA: [] as number[], preLp: [] as number[], b: [] as number[], l1: [] as number[], z: [] as number[], l2: [] as number[] };
  let sent: { tools?: unknown[] } = {};
  for (let i = 0; i <= turns; i++) {
    const plain = await chatTurn(runtimeUrl, jwt, 'plain');
    const preA = upstreamArrivals.at(-1)! - plain.startedAt;
    const lp = await directCompletion(llm.baseURL, llm.apiKey, llm.requests.at(-1)!.body);
    const preLp = upstreamArrivals.at(-1)! - lp.startedAt;
    const tool = await chatTurn(runtimeUrl, jwt, 'tool');
    const [first, second] = llm.requests.slice(-2).map((r) => r.body);
    sent = first;
    const l1 = await directCompletion(llm.baseURL, llm.apiKey, first);
    const t = performance.now();
    await (await fetch(`${zoho.url}/crm/v8/org`, { headers: { authorization: token } })).json();
    const z = performance.now() - t;
    const l2 = await directCompletion(llm.baseURL, llm.apiKey, second);
    const types = eventTypes(tool);
    if (!types.includes('tool_result') || types.at(-1) !== 'done' || eventTypes(plain).at(-1) !== 'done') {
      throw new Error(`unexpected events: ${types.join(',')} / ${eventTypes(plain).join(',')}`);
    }
    if (i % 10 === 0) {
      llm.requests.length = 0;
      upstreamArrivals.length = 0;
      zoho.reset();
    }
    if (i === 0) continue; // warm-up
    s.a.push(plain.ms); s.lp.push(lp.ms); s.preA.push(preA); s.preLp.push(preLp);
    s.b.push(tool.ms); s.l1.push(l1.ms); s.z.push(z); s.l2.push(l2.ms);
  }
  return {
    a: median(s.a), lp: median(s.lp), preA: median(s.preA), preLp: median(s.preLp),
    b: median(s.b), l1: median(s.l1), z: median(s.z), l2: median(s.l2),
    bodyBytes: JSON.stringify(sent).length, toolsBytes: JSON.stringify(sent.tools ?? []).length, tools: sent.tools?.length ?? 0,
  };
}
