import { AppError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { parseRetryAfter } from './zoho-http.ts';

/** The Zoho services the runtime calls; each host of each is a breaker of its own. */
export type ZohoService = 'accounts' | 'crm' | 'desk';

const LABEL: Record<ZohoService, string> = { accounts: 'Zoho Accounts', crm: 'Zoho CRM', desk: 'Zoho Desk' };
/** A Zoho `Retry-After` longer than this is not believed. */
const MAX_OPEN_MS = 60_000;

export interface CircuitBreakerOptions {
  /** Failed requests in a row that open a host's breaker (default 5). */
  failureThreshold?: number;
  /** How long an open breaker answers by itself before one probe may go (default 2 s; longer if Zoho said Retry-After). */
  openMs?: number;
  logger?: Logger;
  now?: () => number;
}

/** What the breaker reads of an answer: a `Response`, or a ZohoAnswer (./zoho-transport.ts). */
export interface BreakerAnswer {
  status: number;
  headers: { get(name: string): string | null };
}

export interface CircuitBreakers {
  /** `fetch` to one Zoho service, through the breaker of the request's host (so per data centre). */
  wrap(service: ZohoService, inner?: typeof fetch): typeof fetch;
  /**
   * Any transport's request to `url`, through the same breaker: `send` runs unless the host's breaker is
   * open; `signal` is the request's (its abort by the caller, not by a timeout, is no verdict on the host).
   */
  guard<T extends BreakerAnswer>(service: ZohoService, url: URL, signal: AbortSignal | undefined, send: () => Promise<T>): Promise<T>;
}

interface Breaker {
  failures: number;
  /** 0 while closed; else when the breaker lets a probe through. */
  openUntil: number;
  probing: boolean;
}

type Verdict = 'success' | 'failure' | 'neutral';

/**
 * Circuit breakers per Zoho host, shared by every user of the instance, so an outage is not
 * amplified by retries and callers: after `failureThreshold` failures in a row (5xx, timeout,
 * network error) the host's breaker opens and answers at once with ZOHO_UNAVAILABLE and
 * Retry-After; once `openMs` has passed one request goes through as a probe (the others are still
 * answered at once); its success closes the breaker, its failure opens it again. Any answer below
 * 500 (a 4xx, 429 included, or Accounts' 200 with an error) proves the host is up. A request the
 * caller gave up on says nothing about the host.
 */
export function createCircuitBreakers(options: CircuitBreakerOptions = {}): CircuitBreakers {
  const threshold = options.failureThreshold ?? 5;
  const openMs = options.openMs ?? 2_000;
  const now = options.now ?? Date.now;
  const breakers = new Map<string, Breaker>();

  function admit(b: Breaker): { probe: boolean } | { retryAfterMs: number } {
    if (b.openUntil === 0) return { probe: false };
    const wait = b.openUntil - now();
    if (wait > 0) return { retryAfterMs: wait };
    if (b.probing) return { retryAfterMs: openMs };
    b.probing = true;
    return { probe: true };
  }

  function settle(key: string, b: Breaker, verdict: Verdict, probe: boolean, retryAfterS?: number): void {
    if (probe) b.probing = false;
    if (verdict === 'success') {
      if (b.openUntil !== 0) options.logger?.info('zoho.circuit.closed', { host: key });
      Object.assign(b, { failures: 0, openUntil: 0 });
    } else if (verdict === 'failure') {
      b.failures += 1;
      if (probe || (b.openUntil === 0 && b.failures >= threshold)) {
        if (b.openUntil === 0) options.logger?.warn('zoho.circuit.open', { host: key, failures: b.failures });
        b.openUntil = now() + Math.min(MAX_OPEN_MS, Math.max(openMs, (retryAfterS ?? 0) * 1000));
      }
    }
  }

  async function guard<T extends BreakerAnswer>(service: ZohoService, url: URL, signal: AbortSignal | undefined, send: () => Promise<T>): Promise<T> {
    const key = `${service} ${url.origin}`;
    let b = breakers.get(key);
    if (!b) breakers.set(key, (b = { failures: 0, openUntil: 0, probing: false }));
    const admitted = admit(b);
    if ('retryAfterMs' in admitted) throw circuitOpen(service, admitted.retryAfterMs, b.failures);
    let answer: T;
    try {
      answer = await send();
    } catch (error) {
      settle(key, b, callerGaveUp(signal) ? 'neutral' : 'failure', admitted.probe);
      throw error;
    }
    const retryAfter = parseRetryAfter(answer.headers.get('retry-after'));
    settle(key, b, answer.status >= 500 ? 'failure' : 'success', admitted.probe, retryAfter);
    return answer;
  }

  return {
    guard,
    wrap: (service, inner = (input, init) => fetch(input, init)) => async (input, init) =>
      guard(service, new URL(input instanceof Request ? input.url : String(input)), init?.signal ?? undefined, () => inner(input, init)),
  };
}

/** Aborted by the caller (not by a timeout): the host may be fine. */
function callerGaveUp(signal: AbortSignal | null | undefined): boolean {
  return signal?.aborted === true && (signal.reason as Error | undefined)?.name !== 'TimeoutError';
}

function circuitOpen(service: ZohoService, retryAfterMs: number, failures: number): AppError {
  const retryAfter = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new AppError(
    'ZOHO_UNAVAILABLE',
    `${LABEL[service]} is not answering (${failures} failed requests in a row), so calls to it are paused; try again in ${retryAfter} s.`,
    { retryAfter, details: { reason: 'circuit_open', service } },
  );
}
