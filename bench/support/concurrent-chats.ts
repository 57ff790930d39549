// Part (c) of bench/chat-stream: N chat streams at once, the runtime's memory watched from outside.
import { chatTurn, eventTypes, SHORT_CHUNKS } from './chat-client.ts';
import type { RuntimeProcess } from './runtime-process.ts';
import { sleep } from './stats.ts';

export interface ConcurrentChats {
  failures: string[];
  wallMs: number;
  peakOpen: number;
  peakStreaming: number;
  /** Resident set sizes of the runtime process, bytes. */
  rss: { before: number; peak: number; after: number; hwmUsed: boolean };
  /** process.memoryUsage() of the runtime: after gc before, once every stream has begun, after gc at the end. */
  memory: { before: NodeJS.MemoryUsage; allOpen?: NodeJS.MemoryUsage; after: NodeJS.MemoryUsage };
  snapshot?: string;
}

/** `streams` chats ('short' turns), user i % jwts.length each; RSS sampled from /proc every 50 ms. */
export async function concurrentChats(rt: RuntimeProcess, jwts: string[], streams: number): Promise<ConcurrentChats> {
  const before = await rt.memory(true);
  await sleep(300);
  const rssBefore = rt.rss();
  const hwmUsed = rt.resetPeak();
  let peakSampled = rssBefore;
  const sampler = setInterval(() => (peakSampled = Math.max(peakSampled, rt.rss())), 50);
  let open = 0; let streaming = 0; let started = 0; let peakOpen = 0; let peakStreaming = 0;
  let allOpen: Promise<NodeJS.MemoryUsage> | undefined;
  let snapshot: Promise<string> | undefined;
  const t0 = performance.now();
  const outcomes = await Promise.all(Array.from({ length: streams }, async (_, i) => {
    open++;
    peakOpen = Math.max(peakOpen, open);
    let texts = 0;
    try {
      const s = await chatTurn(rt.url, jwts[i % jwts.length]!, 'short', (e) => {
        if (e.event !== 'text' || texts++ > 0) return;
        streaming++;
        peakStreaming = Math.max(peakStreaming, streaming);
        // Every stream has begun (most are still mid-way): the runtime's own view of its memory.
        if (++started === streams) {
          allOpen = rt.memory();
          if (process.env.BENCH_HEAP_SNAPSHOT) snapshot = rt.heapSnapshot();
        }
      });
      const types = eventTypes(s);
      const ok = s.status === 200 && types.at(-1) === 'done' && !types.includes('error') && texts === SHORT_CHUNKS;
      return ok ? 'ok' : `status ${s.status}, ${texts} text events, events ${[...new Set(types)].join(',')}`;
    } catch (error) {
      return String((error as Error)?.message ?? error);
    } finally {
      open--;
      if (texts > 0) streaming--;
    }
  }));
  const wallMs = performance.now() - t0;
  clearInterval(sampler);
  const peak = Math.max(peakSampled, hwmUsed ? rt.peakRss() : 0);
  const after = await rt.memory(true);
  await sleep(300);
  return {
    failures: outcomes.filter((o) => o !== 'ok'),
    wallMs, peakOpen, peakStreaming,
    rss: { before: rssBefore, peak, after: rt.rss(), hwmUsed },
    memory: { before, allOpen: await allOpen, after },
    snapshot: await snapshot,
  };
}
