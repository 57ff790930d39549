import net from 'node:net';

/** What postgres.js passes its `socket` option: the parsed hosts, ports and unix socket path. */
interface SocketTarget {
  host: string[];
  port: number[];
  path?: string | false;
}

interface Watch {
  written: number;
  read: number;
  /** When bytes went out that nothing has answered yet. */
  waitingSince?: number;
}

export interface WatchedSockets {
  /** The postgres.js `socket` option. */
  socket(target: SocketTarget): net.Socket;
  /** Stops watching (the sockets themselves belong to postgres.js). */
  stop(): void;
}

/**
 * Sockets for postgres.js that notice a half-open connection: bytes went out and nothing came back
 * for `answerTimeoutMs`. Such a socket is destroyed with ETIMEDOUT, so the pool drops it and the
 * queries on it fail, instead of waiting for TCP to give up (minutes: keepalive probes only run on
 * an idle socket, and a statement_timeout cannot fire on a server the packets no longer reach).
 * Every query is answered (statement_timeout bounds a slow one below `answerTimeoutMs`), so silence
 * means the path is gone. The byte counters are read on a sweep, not taken from events, because
 * postgres.js replaces the socket's listeners when it upgrades to TLS; the counters keep counting.
 * A sweep that saw bytes in both directions counts the exchange as answered: a stall can be noticed
 * one query late, never invented.
 */
export function createWatchedSockets(options: { answerTimeoutMs: number; sweepMs?: number; now?: () => number }): WatchedSockets {
  const now = options.now ?? Date.now;
  const sweepMs = options.sweepMs ?? Math.min(250, Math.max(10, options.answerTimeoutMs / 8));
  const watched = new Map<net.Socket, Watch>();
  let timer: NodeJS.Timeout | undefined;
  let nextHost = 0;

  function sweep(): void {
    const at = now();
    for (const [socket, watch] of watched) {
      if (socket.destroyed) {
        watched.delete(socket);
        continue;
      }
      const { bytesWritten: written, bytesRead: read } = socket;
      if (read !== watch.read) {
        Object.assign(watch, { read, written, waitingSince: undefined });
        continue;
      }
      if (written !== watch.written) {
        watch.written = written;
        watch.waitingSince ??= at;
      }
      if (watch.waitingSince !== undefined && at - watch.waitingSince >= options.answerTimeoutMs) {
        watched.delete(socket);
        socket.destroy(Object.assign(new Error(`PostgreSQL sent nothing back for ${options.answerTimeoutMs} ms; the connection was dropped.`), { code: 'ETIMEDOUT' }));
      }
    }
    if (watched.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  }

  return {
    socket(target) {
      const i = nextHost++ % Math.max(1, target.host.length);
      const socket = target.path ? net.connect(target.path) : net.connect(target.port[i] ?? target.port[0]!, target.host[i]);
      // postgres.js names host and port in its connection errors.
      Object.assign(socket, { host: target.path || target.host[i], port: target.port[i] ?? target.port[0] });
      watched.set(socket, { written: 0, read: 0 });
      timer ??= setInterval(sweep, sweepMs).unref();
      return socket;
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      watched.clear();
    },
  };
}
