// Lines up many streams: armed for `n` arrivals, it opens once the n-th has arrived (or at the
// timeout), so every stream of a phase is open before any answer chunk flows. Each arrival then starts
// after its own random offset within one chunk gap, so the chunks of all streams come evenly spread,
// not in bursts of n at the same instant.
import { sleep } from '../support/stats.ts';

export interface Gate {
  arm(n: number, timeoutMs: number): void;
  /** Resolves when this arrival's answer may start. */
  arrive(spreadMs: number): Promise<void>;
  /** Whether the last arming opened because all arrived (false: by its timeout). */
  readonly complete: boolean;
  /** performance.now() when it last opened. */
  readonly openedAt: number;
}

export function createGate(): Gate {
  let expected = 0;
  let arrived = 0;
  let complete = true;
  let openedAt = 0;
  let open: () => void = () => {};
  let opened: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  return {
    arm(n, timeoutMs) {
      expected = n;
      arrived = 0;
      complete = false;
      opened = new Promise<void>((resolve) => (open = () => ((openedAt = performance.now()), resolve())));
      timer = setTimeout(open, timeoutMs);
    },
    async arrive(spreadMs) {
      if (++arrived === expected) {
        complete = true;
        clearTimeout(timer);
        open();
      }
      await opened;
      await sleep(Math.random() * spreadMs);
    },
    get complete() {
      return complete;
    },
    get openedAt() {
      return openedAt;
    },
  };
}
