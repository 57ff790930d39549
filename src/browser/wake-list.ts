/** Waiters for "something changed" (a context closed or went idle): each wakes once, on a change, a timeout or an abort. */
export function createWakeList() {
  let waiters: Array<() => void> = [];
  return {
    /** Resolves on the next wake-up or after `ms`; rejects with the signal's reason on abort. */
    wait(ms: number, signal?: AbortSignal): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        const done = () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
        };
        const timer = setTimeout(() => (done(), resolve()), ms);
        const onAbort = () => (done(), reject(signal!.reason));
        signal?.addEventListener('abort', onAbort, { once: true });
        waiters.push(() => (done(), resolve()));
      });
    },
    wakeAll(): void {
      const woken = waiters;
      waiters = [];
      for (const wake of woken) wake();
    },
  };
}
