// N chat streams at once against one server process, its memory watched from outside (/proc): part (c)
// of bench/chat-stream and the 1,000-stream phase of bench/compare.
import type { BenchProcess } from './bench-process.ts';
import { sleep } from './stats.ts';

export interface ConcurrentChats {
  failures: string[];
  wallMs: number;
  peakOpen: number;
  /** Most streams at once between their first text and their end: all of them means all open together. */
  peakStreaming: number;
  /** Resident set sizes of the server process, bytes. */
  rss: { before: number; peak: number; after: number; hwmUsed: boolean };
  /** process.memoryUsage() of the server: after gc before, once every stream has begun, after gc at the end. */
  memory: { before: NodeJS.MemoryUsage; allOpen?: NodeJS.MemoryUsage; after: NodeJS.MemoryUsage };
  snapshot?: string;
}

/**
 * One chat: calls `onFirstText` when its first text arrives, and resolves to 'ok' or to what was wrong
 * with it (a rejection counts as a failure too).
 */
export type OpenChat = (i: number, onFirstText: () => void) => Promise<string>;

/** `streams` chats at once; RSS sampled every 50 ms; a heap snapshot once all have begun when `snapshot`. */
export async function concurrentChats(server: BenchProcess<unknown>, streams: number, openChat: OpenChat, options: { snapshot?: boolean } = {}): Promise<ConcurrentChats> {
  const before = await server.memory(true);
  await sleep(300);
  const rssBefore = server.rss();
  const hwmUsed = server.resetPeak();
  let peakSampled = rssBefore;
  const sampler = setInterval(() => (peakSampled = Math.max(peakSampled, server.rss())), 50);
  let open = 0; let streaming = 0; let started = 0; let peakOpen = 0; let peakStreaming = 0;
  let allOpen: Promise<NodeJS.MemoryUsage> | undefined;
  let snapshot: Promise<string> | undefined;
  const t0 = performance.now();
  const outcomes = await Promise.all(Array.from({ length: streams }, async (_, i) => {
    open++;
    peakOpen = Math.max(peakOpen, open);
    let begun = false;
    try {
      return await openChat(i, () => {
        begun = true;
        streaming++;
        peakStreaming = Math.max(peakStreaming, streaming);
        // Every stream has begun (most are still mid-way): the server's own view of its memory.
        if (++started === streams) {
          allOpen = server.memory();
          if (options.snapshot) snapshot = server.heapSnapshot();
        }
      });
    } catch (error) {
      return String((error as Error)?.message ?? error);
    } finally {
      open--;
      if (begun) streaming--;
    }
  }));
  const wallMs = performance.now() - t0;
  clearInterval(sampler);
  const peak = Math.max(peakSampled, hwmUsed ? server.peakRss() : 0);
  const after = await server.memory(true);
  await sleep(300);
  return {
    failures: outcomes.filter((o) => o !== 'ok'),
    wallMs, peakOpen, peakStreaming,
    rss: { before: rssBefore, peak, after: server.rss(), hwmUsed },
    memory: { before, allOpen: await allOpen, after },
    snapshot: await snapshot,
  };
}
