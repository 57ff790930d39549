import { lookup as dnsLookup } from 'node:dns/promises';
import { Agent, createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { createAddressCheck, type Lookup } from './address-check.ts';
import { allowsTunnel, allowsUrl, type EgressPolicy } from './egress-policy.ts';


export interface EgressProxy {
  /** `http://127.0.0.1:<port>`: what a browser context is told to use for every request. */
  url: string;
  /** Requests refused so far. */
  readonly refused: number;
  /** The target of the latest refusal (an origin or host:port), to name it in an error. */
  readonly lastRefused: string | undefined;
  close(): Promise<void>;
}

export interface EgressProxyOptions {
  policy: EgressPolicy;
  lookup?: Lookup;
  /** Told about each refusal: the target (origin or host:port, never a path or header) and why. */
  onRefused?: (target: string, reason: string) => void;
}

const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'proxy-authenticate', 'te', 'trailer', 'transfer-encoding', 'upgrade',
]);

const systemLookup: Lookup = async (host) => (await dnsLookup(host, { all: true, verbatim: true })).map((a) => a.address);

/**
 * The browser's only way out: an HTTP proxy on 127.0.0.1 that Chromium is told to use for every
 * request of a context (`--proxy-server`, loopback included). Each request, and so each redirect
 * hop, is checked against the policy: plain-HTTP requests by origin, HTTPS by the `CONNECT`
 * host:port (the path stays inside TLS). The host is resolved here and the connection made to the
 * checked address, so a Zoho name that resolves to a private or loopback address is refused unless
 * it is a configured override. It never follows a redirect itself, never logs a header or a body,
 * and never answers a refused request with anything but a bare 403.
 */
export async function startEgressProxy(options: EgressProxyOptions): Promise<EgressProxy> {
  const resolveAllowed = createAddressCheck(options.policy, options.lookup ?? systemLookup);
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const sockets = new Set<Socket>();
  let refused = 0;
  let lastRefused: string | undefined;

  const refuse = (target: string, reason: string) => {
    refused += 1;
    lastRefused = target;
    options.onRefused?.(target, reason);
  };

  async function forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '');
    } catch {
      return deny(res, 400);
    }
    if (url.protocol !== 'http:' || !allowsUrl(options.policy, url)) {
      refuse(url.origin, 'not an allowed origin');
      return deny(res, 403);
    }
    const address = await resolveAllowed(url.hostname);
    if (!address) {
      refuse(url.origin, 'resolves to an address that is not allowed');
      return deny(res, 403);
    }
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
    }
    headers.host = url.host;
    const upstream = httpRequest({
      host: address, port: Number(url.port || 80), method: req.method, path: `${url.pathname}${url.search}`, headers, agent, setHost: false,
    });
    upstream.on('response', (answer) => {
      const out: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(answer.headers)) {
        if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
      }
      res.writeHead(answer.statusCode ?? 502, out);
      answer.pipe(res);
      res.on('close', () => answer.destroy());
    });
    upstream.on('error', () => (res.headersSent ? res.destroy() : deny(res, 502)));
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  }

  async function tunnel(req: IncomingMessage, client: Socket, head: Buffer): Promise<void> {
    let target: URL;
    try {
      target = new URL(`http://${req.url ?? ''}`);
    } catch {
      return closeWith(client, 400);
    }
    const port = target.port ? Number(target.port) : 80;
    if (!allowsTunnel(options.policy, target.hostname, port)) {
      refuse(`${target.hostname}:${port}`, 'not an allowed host');
      return closeWith(client, 403);
    }
    const address = await resolveAllowed(target.hostname);
    if (!address) {
      refuse(`${target.hostname}:${port}`, 'resolves to an address that is not allowed');
      return closeWith(client, 403);
    }
    const upstream = connect(port, address);
    track(upstream);
    upstream.once('connect', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => (client.writable ? closeWith(client, 502) : client.destroy()));
    client.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }

  const server = createServer((req, res) => void forward(req, res).catch(() => deny(res, 502)));
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => void tunnel(req, client, head).catch(() => client.destroy()));
  // WebSocket upgrades over plain HTTP are refused; ws:// and wss:// through a proxy use CONNECT.
  server.on('upgrade', (req: IncomingMessage, client: Socket) => {
    refuse('upgrade', 'upgrade without CONNECT');
    closeWith(client, 403);
  });
  server.on('connection', track);
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  function track(socket: Socket): void {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  }

  return {
    url: `http://127.0.0.1:${port}`,
    get refused() {
      return refused;
    },
    get lastRefused() {
      return lastRefused;
    },
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function deny(res: ServerResponse, status: number): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'text/plain', 'content-length': '0', connection: 'close' });
  res.end();
}

function closeWith(socket: Socket, status: number): void {
  const text = status === 403 ? 'Forbidden' : status === 400 ? 'Bad Request' : 'Bad Gateway';
  socket.end(`HTTP/1.1 ${status} ${text}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
}
