import type { IncomingMessage } from 'node:http';
import { createKeepAliveAgents, type KeepAliveAgents } from '../keep-alive-agents.ts';

/** A Zoho answer: its status and headers at once, its body when asked (read once, to the end). */
export interface ZohoAnswer {
  status: number;
  headers: { get(name: string): string | null };
  /** The body as text; rejects with BodyTooLargeError past the transport's cap. */
  text(): Promise<string>;
}

export interface ZohoSend {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
}

/** One request to Zoho: a 3xx is answered as it is, never followed; an abort of `signal` ends the request. */
export type ZohoTransport = (url: URL, send: ZohoSend) => Promise<ZohoAnswer>;

/** No Zoho API answer the tools read comes near this (a CRM page of 200 records is well under 1 MB). */
export const MAX_ZOHO_BODY_BYTES = 20 * 1024 * 1024;

export class BodyTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`the answer was larger than ${Math.round(limitBytes / 1024 / 1024)} MB`);
  }
}

/**
 * The Zoho requests on node:http over keep-alive sockets (https for Zoho's hosts, http for the fakes),
 * without undici `fetch` and its web streams: 7% of the runtime's CPU under load was fetch. node:http
 * follows no redirect; `signal` destroys the request (the server sees the socket close) at any point,
 * while waiting for the answer or reading its body.
 */
export function createNodeZohoTransport(agents: KeepAliveAgents, maxBodyBytes = MAX_ZOHO_BODY_BYTES): ZohoTransport {
  return (url, send) =>
    new Promise((resolve, reject) => {
      const headers = send.body === undefined ? send.headers : { ...send.headers, 'content-length': String(Buffer.byteLength(send.body)) };
      const req = agents.request(url, { method: send.method, headers, signal: send.signal });
      req.once('response', (res) => resolve(nodeAnswer(res, maxBodyBytes)));
      // `on`, not `once`: a socket error after the headers surfaces again here (and on the body's read).
      req.on('error', reject);
      req.end(send.body);
    });
}

function nodeAnswer(res: IncomingMessage, maxBodyBytes: number): ZohoAnswer {
  return {
    status: res.statusCode ?? 0,
    headers: {
      get(name) {
        const value = res.headers[name.toLowerCase()];
        return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
      },
    },
    text: () => readCapped(res, maxBodyBytes),
  };
}

async function readCapped(res: IncomingMessage, maxBodyBytes: number): Promise<string> {
  if (Number(res.headers['content-length']) > maxBodyBytes) {
    res.destroy();
    throw new BodyTooLargeError(maxBodyBytes);
  }
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of res as AsyncIterable<Buffer>) {
    size += part.length;
    // Leaving the loop destroys the response and its socket: the rest is never read.
    if (size > maxBodyBytes) throw new BodyTooLargeError(maxBodyBytes);
    parts.push(part);
  }
  return (parts.length === 1 ? parts[0]! : Buffer.concat(parts, size)).toString('utf8');
}

/** An injected `fetch` (tests route real Zoho hosts to a fake) as a transport, with the same cap. */
export function fetchZohoTransport(doFetch: typeof fetch, maxBodyBytes = MAX_ZOHO_BODY_BYTES): ZohoTransport {
  return async (url, send) => {
    const response = await doFetch(url, { method: send.method, headers: send.headers, body: send.body, signal: send.signal, redirect: 'manual' });
    return {
      status: response.status,
      headers: response.headers,
      async text() {
        const text = await response.text();
        if (Buffer.byteLength(text) > maxBodyBytes) throw new BodyTooLargeError(maxBodyBytes);
        return text;
      },
    };
  };
}

let shared: ZohoTransport | undefined;
/** The transport of a ZohoHttp built without one (the runtime passes its own, closed with it). */
export function defaultZohoTransport(): ZohoTransport {
  return (shared ??= createNodeZohoTransport(createKeepAliveAgents()));
}
