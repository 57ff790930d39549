// A TCP proxy on 127.0.0.1 that tests put between the runtime and a server (PostgreSQL) to make network
// faults the way Toxiproxy does: cut (close every connection), reset (RST every connection), stall
// (half-open: nothing is forwarded, every socket stays open, new connections are accepted and held), resume.
import net from 'node:net';

export interface TcpProxy {
  port: number;
  /** `host:port` to put in a connection URL. */
  address: string;
  /** Client connections accepted so far. */
  readonly accepted: number;
  /** Client connections the client closed while the proxy was stalled (a pool dropping dead sockets). */
  readonly closedByClientWhileStalled: number;
  /** Closes every connection (FIN); new ones are forwarded as before. */
  cut(): void;
  /** Resets every connection (RST on both sides). */
  reset(): void;
  /** Stops forwarding in both directions and holds new connections; bytes wait in the proxy, nothing is lost. */
  stall(): void;
  /** Forwards again: what waited goes first, in order. */
  resume(): void;
  close(): Promise<void>;
}

const END = Symbol('end');
type Item = Buffer | typeof END;

/** One client connection and its upstream, with what waits in each direction while stalled. */
interface Link {
  client: net.Socket;
  upstream?: net.Socket;
  toUpstream: Item[];
  toClient: Item[];
}

export async function startTcpProxy(target: { host?: string; port: number }): Promise<TcpProxy> {
  const links = new Set<Link>();
  let stalled = false;
  let accepted = 0;
  let closedByClientWhileStalled = 0;

  const deliver = (to: net.Socket | undefined, queue: Item[]) => {
    if (stalled || !to || to.connecting) return;
    for (const item of queue.splice(0)) {
      if (item === END) to.end();
      else to.write(item);
    }
  };
  const flush = (link: Link) => {
    deliver(link.upstream, link.toUpstream);
    deliver(link.client, link.toClient);
  };
  const drop = (link: Link) => {
    links.delete(link);
    link.client.destroy();
    link.upstream?.destroy();
  };

  const connectUpstream = (link: Link) => {
    const upstream = net.connect(target.port, target.host ?? '127.0.0.1');
    link.upstream = upstream;
    upstream.on('connect', () => flush(link));
    upstream.on('data', (chunk) => { link.toClient.push(chunk); flush(link); });
    upstream.on('end', () => { link.toClient.push(END); flush(link); });
    upstream.on('error', () => drop(link));
    upstream.on('close', () => { if (!stalled) drop(link); });
  };

  const server = net.createServer((client) => {
    accepted++;
    const link: Link = { client, toUpstream: [], toClient: [] };
    links.add(link);
    client.on('data', (chunk) => { link.toUpstream.push(chunk); flush(link); });
    client.on('end', () => { link.toUpstream.push(END); flush(link); });
    client.on('error', () => {});
    client.on('close', () => {
      if (stalled) closedByClientWhileStalled++;
      else drop(link);
    });
    if (!stalled) connectUpstream(link);
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;

  return {
    port,
    address: `127.0.0.1:${port}`,
    get accepted() { return accepted; },
    get closedByClientWhileStalled() { return closedByClientWhileStalled; },
    cut() {
      for (const link of [...links]) drop(link);
    },
    reset() {
      for (const link of [...links]) {
        links.delete(link);
        link.client.resetAndDestroy();
        link.upstream?.resetAndDestroy();
      }
    },
    stall() {
      stalled = true;
    },
    resume() {
      stalled = false;
      for (const link of [...links]) {
        if (link.client.destroyed && link.toUpstream.at(-1) !== END) link.toUpstream.push(END);
        if (!link.upstream) connectUpstream(link);
        else flush(link);
      }
    },
    async close() {
      for (const link of [...links]) drop(link);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
