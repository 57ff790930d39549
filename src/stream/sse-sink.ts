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

const clientGone = () => new AppError('ABORTED', 'The client went away.');

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
  const outgoing = (c.env as { outgoing?: unknown } | undefined)?.outgoing;
  const open = outgoing instanceof ServerResponse ? nodeSink(c, outgoing) : webSink(c);
  const controller = new AbortController();
  let ended = false;
  const sink: SseSink = {
    write(text) {
      if (ended || controller.signal.aborted) return;
      if (open.backlog() > MAX_SSE_BACKLOG_BYTES) open.cut();
      else open.write(text);
    },
  };
  open.onGone(() => {
    if (!ended) controller.abort(clientGone());
  });
  const heartbeat = setInterval(() => sink.write(PING), options.heartbeatMs ?? 15_000);
  // The writers turn a run's failure into their final event; a throw left here only ends the answer.
  void body(sink, controller.signal)
    .catch(() => {})
    .finally(() => {
      clearInterval(heartbeat);
      ended = true;
      open.end();
    });
  return open.response;
}

interface OpenSink {
  response: Response;
  write(text: string): void;
  /** Bytes written and not yet taken by the client. */
  backlog(): number;
  /** Drops the client: it is treated as gone. */
  cut(): void;
  end(): void;
  onGone(listener: () => void): void;
}

function nodeSink(c: Context, res: ServerResponse): OpenSink {
  const headers = c.newResponse(null).headers;
  headers.forEach((value, name) => {
    if (name !== 'set-cookie') res.setHeader(name, value);
  });
  const cookies = headers.getSetCookie();
  if (cookies.length) res.setHeader('set-cookie', cookies);
  res.writeHead(200);
  res.flushHeaders();
  let gone: (() => void) | undefined;
  const leave = () => {
    if (!res.writableFinished) gone?.();
  };
  res.on('close', leave);
  res.on('error', leave);
  return {
    response: RESPONSE_ALREADY_SENT,
    write: (text) => {
      if (!res.destroyed) res.write(text);
    },
    backlog: () => res.writableLength,
    cut: () => res.destroy(),
    end: () => {
      if (!res.destroyed) res.end();
    },
    onGone: (listener) => (gone = listener),
  };
}

function webSink(c: Context): OpenSink {
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let gone: (() => void) | undefined;
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    controller.close();
  };
  const readable = new ReadableStream<Uint8Array>(
    {
      start: (c) => void (controller = c),
      cancel: () => {
        closed = true;
        gone?.();
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
    cut: () => {
      close();
      gone?.();
    },
    end: close,
    onGone: (listener) => (gone = listener),
  };
}
