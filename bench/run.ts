// `npm run bench`: the benchmarks in sequence (or one: `npm run bench -- tools-array`). A MISS is printed, not a failure; a crash exits 1.
import { runChatStreamBench } from './chat-stream.ts';
import { runFaultsBench } from './faults.ts';
import { runToolCallBench } from './tool-call.ts';
import { runToolsArrayBench } from './tools-array.ts';
import { load, machine } from './support/machine.ts';

const only = process.argv[2];
const t0 = performance.now();
console.log(machine());
try {
  if (!only || only === 'tools-array') runToolsArrayBench();
  if (!only || only === 'tool-call') {
    await runToolCallBench();
    console.log(`  ${load()}`);
  }
  if (!only || only === 'chat-stream') {
    await runChatStreamBench();
    console.log(`  ${load()}`);
  }
  if (!only || only === 'faults') {
    await runFaultsBench();
    console.log(`  ${load()}`);
  }
  console.log(`\nbench done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  process.exit(0);
} catch (error) {
  console.error('bench failed:', error);
  process.exit(1);
}
