// A closed-loop load generator: `concurrency` workers, each starting its next call when the last ends,
// until `count` calls have started or `maxMs` has passed (whichever first).

export interface LoadResult {
  calls: number;
  errors: number;
  seconds: number;
  perSecond: number;
  latencies: number[];
  firstError?: string;
}

export async function closedLoop(concurrency: number, count: number, maxMs: number, call: () => Promise<void>): Promise<LoadResult> {
  const latencies: number[] = [];
  let started = 0;
  let errors = 0;
  let firstError: string | undefined;
  const t0 = performance.now();
  const deadline = t0 + maxMs;
  const worker = async () => {
    while (started < count && performance.now() < deadline) {
      started++;
      const s = performance.now();
      try {
        await call();
        latencies.push(performance.now() - s);
      } catch (error) {
        errors++;
        firstError ??= String((error as Error)?.message ?? error);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - t0) / 1000;
  return { calls: latencies.length, errors, seconds, perSecond: latencies.length / seconds, latencies, firstError };
}
