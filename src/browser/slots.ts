import { AppError } from '../errors.ts';

export interface Slots {
  /** Waits for a free slot (FIFO), at most `waitMs` and never past `signal`; the function frees it. */
  acquire(signal?: AbortSignal): Promise<() => void>;
  readonly inUse: number;
  readonly waiting: number;
}

export interface SlotOptions {
  /** How long a call may wait for a slot before it is refused. */
  waitMs: number;
  /** Calls waiting at once, at most; one more is refused at once. */
  maxWaiting: number;
}

const busy = (retryAfter: number) =>
  new AppError('BROWSER_UNAVAILABLE', 'Every browser slot is busy; try again shortly.', { retryAfter, details: { reason: 'busy' } });

/** A counting semaphore with a bounded FIFO queue: the cap on open pages (one per browser call). */
export function createSlots(max: number, options: SlotOptions): Slots {
  let inUse = 0;
  const queue: Array<{ grant: () => void }> = [];

  const release = () => {
    const next = queue.shift();
    if (next) next.grant();
    else inUse -= 1;
  };
  const once = () => {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      release();
    };
  };

  return {
    async acquire(signal) {
      if (signal?.aborted) throw signal.reason;
      if (inUse < max) {
        inUse += 1;
        return once();
      }
      if (queue.length >= options.maxWaiting) throw busy(Math.max(1, Math.ceil(options.waitMs / 1000)));
      return new Promise<() => void>((resolve, reject) => {
        const waiter = {
          grant: () => {
            cleanup();
            resolve(once());
          },
        };
        const drop = (error: unknown) => {
          const i = queue.indexOf(waiter);
          if (i >= 0) queue.splice(i, 1);
          cleanup();
          reject(error);
        };
        const timer = setTimeout(() => drop(busy(Math.max(1, Math.ceil(options.waitMs / 1000)))), options.waitMs);
        const onAbort = () => drop(signal!.reason);
        signal?.addEventListener('abort', onAbort, { once: true });
        const cleanup = () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
        };
        queue.push(waiter);
      });
    },
    get inUse() {
      return inUse;
    },
    get waiting() {
      return queue.length;
    },
  };
}
