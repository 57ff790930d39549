// The tools array every chat request carries: its size in bytes and in o200k tokens (js-tiktoken,
// the tokenizer of OpenAI's current models; other providers' tokenizers differ by some percent).
import { Tiktoken } from 'js-tiktoken/lite';
import o200k from 'js-tiktoken/ranks/o200k_base';
import { offeredTools } from '../src/agent/offered-tools.ts';
import { createToolRegistry } from '../src/tools/registry.ts';
import { allTools } from '../tools/index.ts';

export function runToolsArrayBench(): void {
  const encoder = new Tiktoken(o200k);
  const registry = createToolRegistry(allTools);
  const tools = offeredTools(registry, new Set(['crm', 'desk']));
  const count = (value: unknown) => encoder.encode(typeof value === 'string' ? value : JSON.stringify(value)).length;
  const text = JSON.stringify(tools);
  console.log('\ntools array (every app connected)');
  console.log(`  ${tools.length} tools, ${text.length} bytes, ${count(text)} tokens (o200k)`);
  console.log(`  descriptions ${count(tools.map((t) => t.function.description).join(' '))} tokens, schemas ${count(tools.map((t) => t.function.parameters))} tokens`);
  const strict = JSON.stringify(offeredTools(registry, new Set(['crm', 'desk']), true));
  console.log(`  strict mode (OPENROUTER_STRICT_TOOLS=true): ${strict.length} bytes, ${count(strict)} tokens`);
}
