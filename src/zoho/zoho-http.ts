import type { CircuitBreakers } from './circuit-breaker.ts';
import { ZohoApiError, type ZohoApp } from './zoho-api-error.ts';
import { startDeadline } from '../deadline.ts';
import { USER_AGENT } from '../user-agent.ts';
import { transportFailure } from './transport-failure.ts';
import { defaultZohoTransport, fetchZohoTransport, type ZohoAnswer, type ZohoTransport } from './zoho-transport.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type QueryValue = string | number | boolean | undefined | null;

export interface ZohoRequest {
  method: HttpMethod;
  /** Path below the client's base URL, e.g. `/Leads/search`. */
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  signal?: AbortSignal;
}

/** Where the HTTP layer gets tokens: the connection's, refreshed once when Zoho rejects one. */
export interface TokenSource {
  accessToken(): string;
  /** Called after a 401 for `rejectedToken`; returns the token to retry with (the wait ends at `signal`). */
  refreshAfterRejection(rejectedToken: string, signal?: AbortSignal): Promise<string>;
  /** A second 401 after a refresh: the connection needs the user to connect again. */
  markNeedsReconnect(): Promise<never>;
}

export interface ZohoHttpOptions {
  app: ZohoApp;
  baseUrl: string;
  tokens: TokenSource;
  /** Extra headers on every request (Desk's `orgId`). */
  headers?: Record<string, string>;
  /** Sends through this `fetch` instead of the transport (tests route real Zoho hosts to a fake). */
  fetch?: typeof fetch;
  /** The node:http transport on the runtime's keep-alive agents (default: a module-wide one). */
  transport?: ZohoTransport;
  /** The instance's breakers per Zoho host: an open one answers at once instead of sending. */
  breakers?: CircuitBreakers;
  timeoutMs?: number;
  /** Called each time a request reaches Zoho (a tool's attempt counter listens here). */
  onRequest?: (request: ZohoRequest) => void;
}

export type ZohoHttp = <T = any>(request: ZohoRequest) => Promise<T | null>;

/** Zoho says these when an access token is expired, evicted or revoked (ZOHO.md 3.4, 4.3). */
const TOKEN_REJECTED = new Set(['INVALID_TOKEN', 'INVALID_OAUTHTOKEN', 'AUTHENTICATION_FAILURE', 'INVALID_OAUTH', 'UNAUTHORIZED']);

/**
 * The one transport under the CRM and Desk clients: base URL, `Zoho-oauthtoken` header, one
 * refresh-and-retry on a rejected token, a per-request timeout, the host's circuit breaker, and
 * Zoho errors as ZohoApiError. Requests go out on ./zoho-transport.ts (node:http keep-alive sockets; an
 * injected `fetch` in tests); failures without a whole answer are mapped by ./transport-failure.ts.
 * Retries for 429/5xx live one layer up (executeToolWithRepair), so they happen in one place.
 * Answers with no body (204, 304) resolve to null.
 */
export function createZohoHttp(options: ZohoHttpOptions): ZohoHttp {
  const transport = options.fetch ? fetchZohoTransport(options.fetch) : options.transport ?? defaultZohoTransport();
  const breakers = options.breakers;
  const doSend: ZohoTransport = breakers ? (url, init) => breakers.guard(options.app, url, init.signal, () => transport(url, init)) : transport;
  const timeoutMs = options.timeoutMs ?? 30_000;

  /** One request and its answer's body, both within `timeoutMs`. */
  async function exchange(request: ZohoRequest, token: string): Promise<{ response: ZohoAnswer; body: any }> {
    const url = urlOf(request);
    options.onRequest?.(request);
    const limit = startDeadline(timeoutMs, request.signal);
    let response: ZohoAnswer | undefined;
    try {
      response = await send(url, request, token, limit.signal);
      return { response, body: await readBody(response) };
    } catch (cause) {
      throw transportFailure(cause, { app: options.app, timeoutMs, callerSignal: request.signal, timedOut: limit.timedOut, response });
    } finally {
      limit.clear();
    }
  }

  function urlOf(request: ZohoRequest): URL {
    const url = new URL(options.baseUrl + request.path);
    for (const [k, v] of Object.entries(request.query ?? {})) if (v !== undefined && v !== null) url.searchParams.set(k, String(v));
    return url;
  }

  function send(url: URL, request: ZohoRequest, token: string, signal: AbortSignal): Promise<ZohoAnswer> {
    const headers: Record<string, string> = { authorization: `Zoho-oauthtoken ${token}`, accept: 'application/json', 'user-agent': USER_AGENT };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    return doSend(url, {
      method: request.method,
      signal,
      headers: options.headers ? { ...headers, ...options.headers } : headers,
      body: request.body !== undefined ? JSON.stringify(request.body) : undefined,
    });
  }

  return async function request<T>(req: ZohoRequest): Promise<T | null> {
    let token = options.tokens.accessToken();
    let { response, body } = await exchange(req, token);
    if (response.status === 401 && TOKEN_REJECTED.has(errorCodeOf(body) ?? 'INVALID_TOKEN')) {
      token = await options.tokens.refreshAfterRejection(token, req.signal);
      ({ response, body } = await exchange(req, token));
      if (response.status === 401 && TOKEN_REJECTED.has(errorCodeOf(body) ?? 'INVALID_TOKEN')) {
        await options.tokens.markNeedsReconnect();
      }
    }
    if (response.status >= 200 && response.status < 300) return (body ?? null) as T | null;
    if (response.status === 304) return null;
    throw toZohoApiError(options.app, response, body);
  };
}

async function readBody(response: ZohoAnswer): Promise<any> {
  // Read to the end even when there is no body, so the socket goes back to the keep-alive pool.
  const text = await response.text();
  if (!text || response.status === 204 || response.status === 304) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return { message: text.slice(0, 200) };
  }
}

/** Zoho CRM puts `code` at the top or, per record, in `data[0]`; Desk uses `errorCode`. */
function errorCodeOf(body: any): string | undefined {
  const item = Array.isArray(body?.data) && body.data[0]?.status === 'error' ? body.data[0] : body;
  const code = item?.code ?? item?.errorCode;
  return typeof code === 'string' ? code : undefined;
}

function toZohoApiError(app: ZohoApp, response: ZohoAnswer, body: any): ZohoApiError {
  const item = Array.isArray(body?.data) && body.data[0]?.status === 'error' ? body.data[0] : body;
  return new ZohoApiError({
    app,
    httpStatus: response.status,
    zohoCode: errorCodeOf(body),
    zohoMessage: typeof item?.message === 'string' ? item.message : undefined,
    zohoDetails: item?.details ?? item?.errors,
    retryAfter: parseRetryAfter(response.headers.get('retry-after')),
    mayHaveApplied: response.status >= 500 || (response.status >= 300 && response.status < 400),
  });
}

/** `Retry-After` in seconds, given as seconds or as an HTTP date (RFC 9110 10.2.3). */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds : undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}
