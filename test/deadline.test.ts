import { describe, expect, it } from 'vitest';
import { startDeadline } from '../src/deadline.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('startDeadline', () => {
  it('aborts both signals at the deadline with a TimeoutError, as AbortSignal.timeout does', async () => {
    const d = startDeadline(20, new AbortController().signal);
    await sleep(60);
    expect(d.signal.aborted && d.timedOut.aborted).toBe(true);
    expect((d.signal.reason as DOMException).name).toBe('TimeoutError');
    expect((d.timedOut.reason as DOMException).name).toBe('TimeoutError');
  });

  it('the deadline-only signal, read before the deadline, aborts at it and tells its listeners, with the same reason as the other', async () => {
    const d = startDeadline(20, new AbortController().signal);
    const timedOut = d.timedOut;
    expect(timedOut.aborted).toBe(false);
    const heard = new Promise((resolve) => timedOut.addEventListener('abort', () => resolve(timedOut.reason)));
    expect(await heard).toBe(d.signal.reason);
    expect(d.timedOut).toBe(timedOut);
    const alone = startDeadline(20);
    expect(alone.timedOut).toBe(alone.signal);
  });

  it('passes the parent\'s abort and reason on, without calling it a timeout', () => {
    const parent = new AbortController();
    const d = startDeadline(10_000, parent.signal);
    parent.abort(new Error('client left'));
    expect((d.signal.reason as Error).message).toBe('client left');
    expect(d.timedOut.aborted).toBe(false);
    d.clear();
    expect(startDeadline(10_000, parent.signal).signal.aborted).toBe(true);
  });

  it('once cleared, neither the timer nor the parent aborts it', async () => {
    const parent = new AbortController();
    const d = startDeadline(20, parent.signal);
    d.clear();
    await sleep(60);
    parent.abort();
    expect(d.signal.aborted || d.timedOut.aborted).toBe(false);
  });
});
