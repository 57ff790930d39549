// Diagnostic, not part of `npm run bench`: one streamed completion as the chat's LLM step makes it, through
// the `openai` SDK (as before issue 12) and through the lean request (src/llm/completion-stream.ts), against
// the fake OpenRouter in this process, with the runtime's real tools list (every app: ~41 KB per request)
// and a 20-chunk answer. Interleaved rounds; CPU per call is this whole process's (the fake's share is the
// same for both), so the difference between the rows is what the client side costs.
// `npx tsx bench/llm-call.ts` (BENCH_LLM_CALLS, default 2000 per client).
import OpenAI from 'openai';
import { offeredTools } from '../src/agent/offered-tools.ts';
import { completionBody } from '../src/llm/completion-body.ts';
import { createCompletionStreamer } from '../src/llm/completion-stream.ts';
import { createOpenRouterClient } from '../src/llm/openrouter-client.ts';
import { createToolRegistry } from '../src/tools/registry.ts';
import { startFakeOpenRouter } from '../test/support/fake-openrouter.ts';
import { allTools } from '../tools/index.ts';
import { median, ms, table } from './support/stats.ts';
import { load } from './support/machine.ts';

const N = Number(process.env.BENCH_LLM_CALLS ?? 2000);
const llm = await startFakeOpenRouter();
const words = Array.from({ length: 20 }, (_, i) => `word${i} `);
llm.respondWith(() => ({ text: words }));
const tools = offeredTools(createToolRegistry(allTools), new Set(['crm', 'desk']));
const request = () => ({ model: 'test/model', messages: [{ role: 'system' as const, content: 'You help.' }, { role: 'user' as const, content: 'Hi' }], tools });
const sdk = createOpenRouterClient({ apiKey: llm.apiKey, baseUrl: llm.baseURL, maxRetries: 0 });
const lean = createCompletionStreamer({ apiKey: llm.apiKey, baseUrl: llm.baseURL, maxRetries: 0 });

const clients: Record<string, (signal: AbortSignal) => Promise<string>> = {
  'openai SDK (before)': async (signal) => {
    const r = request();
    const stream = await sdk.chat.completions.create({ ...r, stream: true, stream_options: { include_usage: true }, parallel_tool_calls: true }, { signal });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    return text;
  },
  'lean request (after)': async (signal) => {
    let text = '';
    await lean.stream(completionBody(request()), signal, (chunk) => (text += chunk.choices[0]?.delta?.content ?? ''));
    return text;
  },
};

const expected = words.join('');
const times = new Map<string, number[]>(Object.keys(clients).map((k) => [k, []]));
const cpu = new Map<string, number>(Object.keys(clients).map((k) => [k, 0]));
for (let round = -200; round < N; round++) {
  for (const [name, call] of Object.entries(clients)) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const text = await call(new AbortController().signal);
    const t = performance.now() - t0;
    const c = process.cpuUsage(c0);
    if (text !== expected) throw new Error(`${name}: wrong answer ${JSON.stringify(text.slice(0, 40))}`);
    if (round < 0) continue; // warm-up
    times.get(name)!.push(t);
    cpu.set(name, cpu.get(name)! + (c.user + c.system) / 1000);
  }
  if (round % 200 === 0) llm.requests.length = 0;
}
console.log(`streamed completion, ${JSON.stringify(request()).length} bytes per request, 20 chunks, ${N} calls each, interleaved`);
table(['client', 'p50', 'CPU per call (this process, fake included)'], Object.keys(clients).map((k) => [k, ms(median(times.get(k)!)), ms(cpu.get(k)! / N)]));
console.log(`  ${load()}`);
await llm.close();
