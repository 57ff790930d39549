/**
 * A time limit on a piece of work, optionally also ended by a parent signal, that lets go of its timer and its
 * link to the parent when the work is done. `AbortSignal.timeout` keeps its timer (and the signal) alive until
 * it fires, and `AbortSignal.any` its links until its sources are collected: with a 120 s run limit and a 30 s
 * Zoho timeout, every finished chat left those behind for minutes, on the heap and in the timer list.
 */
export interface Deadline {
  /** Aborts at the deadline or when the parent does (with the parent's reason). */
  signal: AbortSignal;
  /** Aborts at the deadline only (reason: a `TimeoutError` DOMException, as `AbortSignal.timeout` gives). */
  timedOut: AbortSignal;
  /** Stops the timer and leaves the parent; call once the work has ended. */
  clear(): void;
}

export function startDeadline(ms: number, parent?: AbortSignal): Deadline {
  // An AbortController is one of the dearer objects to make (an EventTarget): with a parent, the
  // deadline-only signal is made when first read, which most work never does (it is read to tell
  // a timeout from a cancel once something failed), aborted already if the deadline has passed.
  let timer = parent ? undefined : new AbortController();
  const combined = timer ?? new AbortController();
  let fired: DOMException | undefined;
  const fire = () => {
    fired = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    timer?.abort(fired);
    combined.abort(fired);
  };
  const handle = setTimeout(fire, ms);
  // Like AbortSignal.timeout: a pending deadline does not keep the process alive.
  handle.unref?.();
  let onParent: (() => void) | undefined;
  if (parent) {
    if (parent.aborted) combined.abort(parent.reason);
    else parent.addEventListener('abort', (onParent = () => combined.abort(parent.reason)), { once: true });
  }
  return {
    signal: combined.signal,
    get timedOut() {
      if (!timer) {
        timer = new AbortController();
        if (fired) timer.abort(fired);
      }
      return timer.signal;
    },
    clear() {
      clearTimeout(handle);
      if (onParent) parent!.removeEventListener('abort', onParent);
    },
  };
}
