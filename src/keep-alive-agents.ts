import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** node:http requests on keep-alive sockets, https or http by the URL, and a way to close the idle sockets. */
export interface KeepAliveAgents {
  /** A request to `url` on this pool's agent for its protocol (`agent` in `options` is ignored). */
  request(url: URL, options: RequestOptions): ClientRequest;
  /** Closes the pool's sockets (at shutdown); a later request opens new ones. */
  close(): void;
}

/** How long a pooled socket may sit idle: undici's default, under node's server default of 5 s. */
const IDLE_MS = 4_000;

/**
 * One keep-alive agent per protocol, made on first use: what the outbound clients on the hot path (the
 * LLM's streamed completion, the Zoho API requests) share instead of `fetch` and its per-request web
 * streams. Idle pooled sockets do not keep the process alive (node's agent unrefs them); `close` ends them.
 * An idle socket is closed after `idleMs`, or sooner if the server's `Keep-Alive: timeout=` says so, so
 * that a request rarely goes out on a socket the server is closing (a reset that would leave a write's
 * outcome unknown); node's agent keeps an idle socket forever without a timeout of its own.
 */
export function createKeepAliveAgents(idleMs = IDLE_MS): KeepAliveAgents {
  let http: HttpAgent | undefined;
  let https: HttpsAgent | undefined;
  const options = { keepAlive: true, timeout: idleMs };
  return {
    request(url, init) {
      if (url.protocol === 'https:') return httpsRequest(url, { ...init, agent: (https ??= new HttpsAgent(options)) });
      return httpRequest(url, { ...init, agent: (http ??= new HttpAgent(options)) });
    },
    close() {
      http?.destroy();
      https?.destroy();
    },
  };
}
