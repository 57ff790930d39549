// Once installed: every TCP write and read of this process, and every HTTP request its servers take
// in, stamped with process.hrtime (CLOCK_MONOTONIC, the one clock of every process on the machine, so
// the traces of the client, the fakes and a server under test merge into one timeline). Used by
// bench/chat-timeline.ts; a server process installs it when started with BENCH_SOCKET_TRACE=1
// (./child-ipc.ts), and nothing is patched otherwise.
import { channel } from 'node:diagnostics_channel';
import { Socket } from 'node:net';
import { Readable } from 'node:stream';

export interface SocketMark {
  /** ms on the monotonic clock. */
  t: number;
  /** This process's CPU time so far (user + system), ms: wall time against work between two marks. */
  cpu: number;
  /** w: bytes handed to the kernel; r: bytes read; req: an HTTP request's head parsed by a server here. */
  kind: 'w' | 'r' | 'req';
  localPort: number;
  remotePort: number;
  bytes: number;
  /** The first bytes (latin1), to tell an SSE event, a chunk end or a database statement apart. */
  head: string;
}

const HEAD_BYTES = 300;
const marks: SocketMark[] = [];
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

type Chunk = string | Uint8Array;
const headOf = (chunks: Chunk[]): string => {
  let out = '';
  for (const c of chunks) {
    out += typeof c === 'string' ? c.slice(0, HEAD_BYTES) : Buffer.from(c.buffer, c.byteOffset, Math.min(c.byteLength, HEAD_BYTES)).toString('latin1');
    if (out.length >= HEAD_BYTES) break;
  }
  return out.slice(0, HEAD_BYTES);
};
const sizeOf = (chunks: Chunk[]) => chunks.reduce((n, c) => n + (typeof c === 'string' ? Buffer.byteLength(c) : c.byteLength), 0);

function record(socket: Socket, kind: SocketMark['kind'], chunks: Chunk[]): void {
  marks.push({ t: nowMs(), cpu: cpuMs(), kind, localPort: socket.localPort ?? 0, remotePort: socket.remotePort ?? 0, bytes: sizeOf(chunks), head: headOf(chunks) });
}

let installed = false;

/** Patches net.Socket's write and read paths of this process (once). */
export function installSocketTrace(): void {
  if (installed) return;
  installed = true;
  type WriteGeneric = (this: Socket, writev: boolean, data: unknown, encoding: string, cb: unknown) => unknown;
  const proto = Socket.prototype as unknown as { _writeGeneric: WriteGeneric; push: Readable['push'] };
  const writeGeneric = proto._writeGeneric;
  proto._writeGeneric = function (writev, data, encoding, cb) {
    // A write before the connection is up is written again (and recorded then) once it is.
    if (!this.connecting) {
      const chunks = writev ? (data as Array<{ chunk: Chunk } | Chunk>).map((d) => (typeof d === 'object' && 'chunk' in d ? d.chunk : d)) : [data as Chunk];
      record(this, 'w', chunks);
    }
    return writeGeneric.call(this, writev, data, encoding, cb);
  };
  proto.push = function (this: Socket, chunk: unknown, encoding?: BufferEncoding) {
    if (chunk) record(this, 'r', [chunk as Chunk]);
    return Readable.prototype.push.call(this, chunk, encoding);
  };
  // A server's sockets are read by its HTTP parser in C++, not through push: the parsed head is the mark.
  channel('http.server.request.start').subscribe((message) => {
    const { request, socket } = message as { request: { method?: string; url?: string }; socket: Socket };
    record(socket, 'req', [`${request.method} ${request.url}`]);
  });
}

/** The marks since the last take, and forgets them. */
export function takeSocketTrace(): SocketMark[] {
  return marks.splice(0, marks.length);
}
