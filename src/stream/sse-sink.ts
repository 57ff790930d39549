import { ServerResponse } from 'node:http';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Context } from 'hono';
import { AppError } from '../errors.ts';
import { KEPT_BYTES_MAX } from './run-hub.ts';

/** Where an SSE writer's text goes: written at once, in order, never held back. */
export interface SseSink {
  write(text: string): void;
}

export interface SseSinkOptions {
  /** Headers of this answer beyond SSE_HEADERS; sent with those middleware set before the handler. */
  headers?: Record<string, string>;
  /** Comment line `: ping` this often while `body` runs (DESIGN.md: 15 s). */
  heartbeatMs?: number;
}

/** The body of a streamed answer: it ends when this settles; `gone` aborts when the client goes away. */
export type SseBody = (sink: SseSink, gone: AbortSignal) => Promise<void>;

const PING = ': ping\n\n';

/** Every SSE answer's headers: no proxy buffering (`x-accel-buffering`) or transforming it. */
const SSE_HEADERS: Record<string, string> = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
};

/** One SSE event as text; `data` is one line (JSON), `id` a resume point. */
export const sseEventText = (event: string, data: string, id?: string) =>
  id === undefined ? `event: ${event}\ndata: ${data}\n\n` : `event: ${event}\ndata: ${data}\nid: ${id}\n\n`;

/**
 * A client this far behind (bytes written that its socket has not taken) is cut off as if it went
 * away. Above a whole kept run replayed at once (KEPT_BYTES_MAX characters, up to 3 bytes each in
 * UTF-8, plus the lines around them), so a resume from the start is never cut for its replay alone.
 */
export const MAX_SSE_BACKLOG_BYTES = 3 * KEPT_BYTES_MAX + 4 * 1024 * 1024;

/**
 * Streams an SSE answer. Through @hono/node-server (`c.env.outgoing`) the text goes straight to
 * the Node response and the handler returns `RESPONSE_ALREADY_SENT`; elsewhere (`app.request`,
 * other runtimes) it becomes a web `ReadableStream` body. Either way: the same headers, a ping
 * while `body` runs (its timer always cleared), `gone` aborted once if the client goes away or
 * falls more than `MAX_SSE_BACKLOG_BYTES` behind (so a slow reader never grows memory without bound),
 * and no write after that ever throws. On the Node path the body bypasses hono: middleware that
 * sets headers after `next()` or wraps the body (compression) does not see it; app.ts installs none.
 */
export function sseSink(c: Context, options: SseSinkOptions, body: SseBody): Response {
  for (const name in SSE_HEADERS) c.header(name, SSE_HEADERS[name]);
  for (const name in options.headers) c.header(name, options.headers[name]);
  const controller = new AbortController();
  let ended = false;
  const leave = () => {
    if (!ended && !controller.signal.aborted) controller.abort(new AppError('ABORTED', 'The client went away.'));
  };
  const outgoing = (c.env as { outgoing?: unknown } | undefined)?.outgoing;
  const transport = outgoing instanceof ServerResponse ? nodeTransport(c, outgoing, leave) : webTransport(c, leave);
  const sink: SseSink = {
    write(text) {
      if (ended || controller.signal.aborted) return;
      if (transport.backlog() <= MAX_SSE_BACKLOG_BYTES) return transport.write(text);
      leave();
      transport.close(true);
    },
  };
  const heartbeat = setInterval(() => sink.write(PING), options.heartbeatMs ?? 15_000);
  // The writers turn a run's failure into their final event; a throw left here only ends the answer.
  void body(sink, controller.signal)
    .catch(() => {})
    .finally(() => {
      clearInterval(heartbeat);
      ended = true;
      transport.close(false);
    });
  return transport.response;
}

/** Where the text goes; `leave` is called when the client goes away. */
interface Transport {
  response: Response;
  write(text: string): void;
  /** Bytes written and not yet taken by the client. */
  backlog(): number;
  /** Ends the answer; `cut` drops the connection instead. */
  close(cut: boolean): void;
}

function nodeTransport(c: Context, res: ServerResponse, leave: () => void): Transport {
  const headers = c.newResponse(null).headers;
  headers.forEach((value, name) => {
    if (name !== 'set-cookie') res.setHeader(name, value);
  });
  const cookies = headers.getSetCookie();
  if (cookies.length) res.setHeader('set-cookie', cookies);
  res.writeHead(200).flushHeaders();
  const gone = () => {
    if (!res.writableFinished) leave();
  };
  res.on('close', gone).on('error', gone);
  return {
    response: RESPONSE_ALREADY_SENT,
    write: (text) => {
      if (!res.destroyed) res.write(text);
    },
    backlog: () => res.writableLength,
    close: (cut) => {
      if (cut) res.destroy();
      else if (!res.destroyed) res.end();
    },
  };
}

function webTransport(c: Context, leave: () => void): Transport {
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let closed = false;
  const readable = new ReadableStream<Uint8Array>(
    {
      start: (started) => void (controller = started),
      cancel: () => {
        closed = true;
        leave();
      },
    },
    { highWaterMark: 0, size: (chunk) => chunk.byteLength },
  );
  return {
    response: c.newResponse(readable),
    write: (text) => {
      if (!closed) controller.enqueue(encoder.encode(text));
    },
    backlog: () => -(controller.desiredSize ?? 0),
    close: () => {
      if (!closed) controller.close();
      closed = true;
    },
  };
}
