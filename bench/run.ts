// `npm run bench`: every benchmark in sequence, or one by name (`npm run bench -- compare`).
// A MISS is printed, not a failure; a crash exits 1. BENCH_QUICK=1 makes bench/compare a short pass.
import { runBrowserBench } from './browser.ts';
import { runCallerAuthBench } from './caller-auth.ts';
import { runChatStreamBench } from './chat-stream.ts';
import { runChatTimelineBench } from './chat-timeline.ts';
import { runCompareBench } from './compare.ts';
import { runFaultsBench } from './faults.ts';
import { runToolCallBench } from './tool-call.ts';
import { runToolsArrayBench } from './tools-array.ts';
import { load, machine } from './support/machine.ts';

const BENCHES: Record<string, () => unknown> = {
  'tools-array': runToolsArrayBench,
  'tool-call': runToolCallBench,
  'chat-stream': runChatStreamBench,
  'caller-auth': runCallerAuthBench,
  browser: runBrowserBench,
  compare: runCompareBench,
  timeline: runChatTimelineBench,
  faults: runFaultsBench,
};

// Diagnostics, run only when named (`npm run bench -- timeline`).
const BY_NAME_ONLY = new Set(['timeline']);

const only = process.argv[2];
if (only && !BENCHES[only]) {
  console.error(`unknown benchmark ${JSON.stringify(only)}; one of: ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}
const t0 = performance.now();
console.log(machine());
try {
  for (const [name, run] of Object.entries(BENCHES)) {
    if (only ? only !== name : BY_NAME_ONLY.has(name)) continue;
    await run();
    console.log(`  ${load()}`);
  }
  console.log(`\nbench done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  process.exit(0);
} catch (error) {
  console.error('bench failed:', error);
  process.exit(1);
}
