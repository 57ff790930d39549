// One chat's socket marks (../support/socket-trace.ts, from the client's and fakes' process and the
// server's) turned into the milestones of bench/chat-timeline.ts, in ms after the client sent its request.
import type { SocketMark } from '../support/socket-trace.ts';

export interface Ports {
  server: number;
  llm: number;
  zoho: number;
  /** PostgreSQL's port, or 0 (PGlite, or a server without a database). */
  db: number;
}

export interface DbTrip {
  at: number;
  ms: number;
  label: string;
}

export interface ChatTimeline {
  /** When the client sent the request, ms on the monotonic clock. */
  sentAt: number;
  milestones: Map<string, number>;
  /** The server process's CPU time at each milestone (its last mark by then), ms after its CPU at the request. */
  serverCpu: Map<string, number>;
  /** The server's database round trips from the request's arrival to the response's end. */
  trips: DbTrip[];
  /** After the response ended (the trace's tail): statements off the chat's path. */
  tripsAfter: DbTrip[];
  /** The server's socket writes (syscalls, each waking the peer) by peer, from the request to the response's end. */
  writes: { client: number; llm: number; zoho: number; db: number };
  clientReads: number;
}

const lastOf = <T>(xs: T[], ok: (x: T) => boolean): T | undefined => {
  for (let i = xs.length - 1; i >= 0; i--) if (ok(xs[i]!)) return xs[i];
  return undefined;
};

/** A PostgreSQL frontend write named by its statement: the query of a Parse, else the statement a Bind runs. */
function statementLabel(head: string, named: Map<string, string>): string {
  const labels: string[] = [];
  let i = 0;
  while (i + 5 <= head.length) {
    const type = head[i]!;
    const len = (head.charCodeAt(i + 1) << 24) | (head.charCodeAt(i + 2) << 16) | (head.charCodeAt(i + 3) << 8) | head.charCodeAt(i + 4);
    const body = head.slice(i + 5, i + 1 + len);
    if (type === 'P') {
      const [name = '', query = ''] = body.split('\0');
      const text = query.replace(/\s+/g, ' ').slice(0, 70);
      if (name) named.set(name, text);
      labels.push(text);
    } else if (type === 'B') {
      const [, name = ''] = body.split('\0');
      if (!labels.length) labels.push(named.get(name) ?? `statement ${name}`);
    } else if (type === 'Q') labels.push(body.replace(/\0$/, '').replace(/\s+/g, ' ').slice(0, 70));
    if (len < 4) break;
    i += 1 + len;
  }
  return labels.join(' + ') || '(continued)';
}

/** Remembers the statements that `marks` prepare (their Parse), to name later Binds of them. */
export function learnStatements(marks: SocketMark[], db: number, named: Map<string, string>): void {
  for (const m of marks) if (m.kind === 'w' && m.remotePort === db) statementLabel(m.head, named);
}

function dbTrips(marks: SocketMark[], db: number, named: Map<string, string>): DbTrip[] {
  const trips: DbTrip[] = [];
  // Per connection (its local port): a statement's answer comes back on the socket that sent it.
  const open = new Map<number, { at: number; label: string }>();
  for (const m of marks) {
    if (m.remotePort !== db) continue;
    const pending = open.get(m.localPort);
    if (m.kind === 'w') {
      const label = statementLabel(m.head, named);
      if (pending) pending.label += ` | ${label}`;
      else open.set(m.localPort, { at: m.t, label });
    } else if (m.kind === 'r' && pending) {
      trips.push({ at: pending.at, ms: m.t - pending.at, label: pending.label });
      open.delete(m.localPort);
    }
  }
  return trips.sort((a, b) => a.at - b.at);
}

/**
 * The milestones of one chat: the client's request and reads, the server's arrival and SSE writes,
 * each completion (sent, arrived at the fake, first and last byte back), the Zoho call, and `done`.
 * `client` holds the marks of this process (client and fakes), `server` the server process's.
 */
export function chatTimeline(client: SocketMark[], server: SocketMark[], ports: Ports, named: Map<string, string>): ChatTimeline {
  const all = [...client.map((m) => ({ ...m, side: 'client' as const })), ...server.map((m) => ({ ...m, side: 'server' as const }))].sort((a, b) => a.t - b.t);
  const sent = all.find((m) => m.side === 'client' && m.kind === 'w' && m.remotePort === ports.server);
  if (!sent) throw new Error('no request in the trace');
  const t = (m: { t: number } | undefined) => (m ? m.t - sent.t : Number.NaN);
  const atServer = all.filter((m) => m.side === 'server');
  const toClient = atServer.filter((m) => m.kind === 'w' && m.localPort === ports.server);
  const fromLlm = (after: number, before = Infinity) => atServer.filter((m) => m.kind === 'r' && m.remotePort === ports.llm && m.t > after && m.t < before);
  const llmSent = atServer.filter((m) => m.kind === 'w' && m.remotePort === ports.llm);
  const zohoSent = atServer.find((m) => m.kind === 'w' && m.remotePort === ports.zoho);
  const zohoRead = zohoSent && atServer.find((m) => m.kind === 'r' && m.remotePort === ports.zoho && m.t > zohoSent.t);
  const llm1 = llmSent[0];
  const llm2 = zohoRead && llmSent.find((m) => m.t > zohoRead.t);
  const arrivals = (port: number) => all.filter((m) => m.side === 'client' && m.kind === 'req' && m.localPort === port);
  const firstAfter = <T extends { t: number }>(xs: T[], after: T | undefined) => (after ? xs.find((x) => x.t >= after.t) : undefined);
  const first1 = llm1 && fromLlm(llm1.t)[0];
  const last1 = llm1 && zohoSent ? fromLlm(llm1.t, zohoSent.t).at(-1) : undefined;
  const answer2 = llm2 ? fromLlm(llm2.t) : [];
  const doneWrite = toClient.find((m) => m.head.includes('event: done'));
  const endWrite = lastOf(toClient, (m) => m.head.includes('0\r\n\r\n'));
  const clientReads = all.filter((m) => m.side === 'client' && m.kind === 'r' && m.remotePort === ports.server);
  const milestones = new Map<string, number>([
    ['client sends the request', 0],
    ['server has the request head', t(atServer.find((m) => m.kind === 'req' && m.localPort === ports.server))],
    ['database: first statement sent', t(atServer.find((m) => m.kind === 'w' && m.remotePort === ports.db))],
    ['database: last answer before completion 1', t(llm1 && lastOf(atServer, (m) => m.kind === 'r' && m.remotePort === ports.db && m.t < llm1.t))],
    ['server writes the response head', t(toClient[0])],
    ['completion 1 sent', t(llm1)],
    ['completion 1 at the fake', t(firstAfter(arrivals(ports.llm), llm1))],
    ['completion 1 first byte back', t(first1)],
    ['completion 1 last byte back', t(last1)],
    ['Zoho request sent', t(zohoSent)],
    ['Zoho request at the fake', t(firstAfter(arrivals(ports.zoho), zohoSent))],
    ['Zoho answer read', t(zohoRead)],
    ['completion 2 sent', t(llm2)],
    ['completion 2 at the fake', t(firstAfter(arrivals(ports.llm), llm2))],
    ['completion 2 first byte back', t(answer2[0])],
    ['completion 2 last byte back', t(answer2.find((m) => m.head.includes('[DONE]')) ?? answer2.at(-1))],
    ['server writes done', t(doneWrite)],
    ['server ends the response', t(endWrite)],
    ['client reads done', t(clientReads.find((m) => m.head.includes('event: done')))],
    ['client reads the end', t(lastOf(clientReads, (m) => m.head.includes('0\r\n\r\n')))],
  ]);
  const cpuAt = (ms: number) => lastOf(atServer, (m) => m.t - sent.t <= ms)?.cpu ?? Number.NaN;
  const cpu0 = cpuAt(0) || atServer[0]?.cpu || 0;
  const serverCpu = new Map([...milestones].map(([name, ms]) => [name, Number.isFinite(ms) ? cpuAt(ms) - cpu0 : Number.NaN]));
  const endAt = endWrite?.t ?? Infinity;
  const trips = ports.db ? dbTrips(atServer, ports.db, named) : [];
  const rel = (d: DbTrip) => ({ ...d, at: d.at - sent.t });
  return {
    sentAt: sent.t,
    milestones,
    serverCpu,
    trips: trips.filter((d) => d.at <= endAt).map(rel),
    tripsAfter: trips.filter((d) => d.at > endAt).map(rel),
    writes: {
      client: toClient.length,
      ...Object.fromEntries((['llm', 'zoho', 'db'] as const).map((k) => [k, atServer.filter((m) => m.kind === 'w' && ports[k] && m.remotePort === ports[k] && m.t <= endAt).length])),
    } as ChatTimeline['writes'],
    clientReads: clientReads.length,
  };
}
