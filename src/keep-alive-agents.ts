import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** node:http requests on keep-alive sockets, https or http by the URL, and a way to close the idle sockets. */
export interface KeepAliveAgents {
  /** A request to `url` on this pool's agent for its protocol (`agent` in `options` is ignored). */
  request(url: URL, options: RequestOptions): ClientRequest;
  /** Closes the pool's sockets (at shutdown); a later request opens new ones. */
  close(): void;
}

/**
 * One keep-alive agent per protocol, made on first use: what the outbound clients on the hot path (the
 * LLM's streamed completion, the Zoho API requests) share instead of `fetch` and its per-request web
 * streams. Idle pooled sockets do not keep the process alive (node's agent unrefs them); `close` ends them.
 */
export function createKeepAliveAgents(): KeepAliveAgents {
  let http: HttpAgent | undefined;
  let https: HttpsAgent | undefined;
  return {
    request(url, options) {
      if (url.protocol === 'https:') return httpsRequest(url, { ...options, agent: (https ??= new HttpsAgent({ keepAlive: true })) });
      return httpRequest(url, { ...options, agent: (http ??= new HttpAgent({ keepAlive: true })) });
    },
    close() {
      http?.destroy();
      https?.destroy();
    },
  };
}
