// Steady (open-loop) load for fault tests: one request every `everyMs` whatever the answers, as users
// keep arriving during an outage, each answer recorded with its status, error code, Retry-After and time.
import type { TestRuntime } from '../support/test-runtime.ts';

export interface Answer {
  path: string;
  startedAt: number;
  ms: number;
  status: number;
  code?: string;
  retryAfter: string | null;
}

/** The requests a user of the runtime makes: list connections, call a tool, check health. */
export const MIXED_REQUESTS: Array<{ path: string; init?: RequestInit }> = [
  { path: '/api/connections' },
  { path: '/api/tools/crm_get_org', init: { method: 'POST', body: '{"params":{}}' } },
  { path: '/health' },
];

export async function sendRecorded(t: TestRuntime, user: string, path: string, init: RequestInit = {}): Promise<Answer> {
  const startedAt = Date.now();
  const res = await t.request(path, { ...init, user });
  const text = await res.text();
  let code: string | undefined;
  try {
    code = JSON.parse(text)?.error?.code;
  } catch {}
  return { path, startedAt, ms: Date.now() - startedAt, status: res.status, code, retryAfter: res.headers.get('retry-after') };
}

export function steadyLoad(everyMs: number, send: (i: number) => Promise<Answer>) {
  const answers: Answer[] = [];
  const pending = new Set<Promise<void>>();
  let i = 0;
  const timer = setInterval(() => {
    const p = send(i++).then((a) => void answers.push(a));
    pending.add(p);
    void p.finally(() => pending.delete(p));
  }, everyMs);
  return {
    answers,
    /** Stops sending and waits for every answer still out. */
    async stop(): Promise<Answer[]> {
      clearInterval(timer);
      await Promise.all(pending);
      return answers.sort((a, b) => a.startedAt - b.startedAt);
    },
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Answers that are neither a success nor the documented outage answer (503 DATABASE_UNAVAILABLE with Retry-After). */
export const undocumented = (answers: Answer[]) =>
  answers.filter((a) => a.status !== 200 && !(a.status === 503 && a.code === 'DATABASE_UNAVAILABLE' && a.retryAfter !== null));
