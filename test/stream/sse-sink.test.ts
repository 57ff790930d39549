import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { createMemoryLogger } from '../../src/log.ts';
import { runStreamResponse } from '../../src/stream/run-stream-response.ts';
import { sseResponse } from '../../src/stream/sse-response.ts';
import { MAX_SSE_BACKLOG_BYTES, sseSink, type SseBody } from '../../src/stream/sse-sink.ts';
import { uiMessageResponse } from '../../src/stream/ui-message-response.ts';
import { serveApp } from '../support/serve.ts';

const logger = createMemoryLogger();
const tick = () => new Promise((r) => setImmediate(r));

/** The raw head and body of a GET on a real socket: what the Node path sent, byte for byte. */
function get(url: string): Promise<{ headers: Record<string, string>; body: string }> {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d) => (body += d)).on('end', () => resolve({ headers: res.headers as Record<string, string>, body }));
    }).on('error', reject);
  });
}

/** An app whose middleware sets a header before the handler, as a request-id middleware would. */
function appWith(body: SseBody, seen: { alreadySent?: boolean } = {}) {
  return new Hono()
    .use('*', async (c, next) => {
      c.header('x-request-id', 'req_1');
      await next();
      seen.alreadySent = c.res.headers.has('x-hono-already-sent');
    })
    .get('/sse', (c) => sseResponse(c, { logger, heartbeatMs: 20 }, async (emit) => {
      emit({ type: 'text', data: { delta: 'a\nb' } });
      emit({ type: 'done', data: { finishReason: 'stop', steps: 1 } });
    }))
    .get('/ui', (c) => uiMessageResponse(c, { logger, messageId: 'msg_1' }, async (emit) => emit({ type: 'done', data: { finishReason: 'stop', steps: 1 } })))
    .get('/run', (c) => runStreamResponse(c, 'run_1', 0, { maxStreamMs: 5_000 }, (follower) => {
      follower.event({ seq: 1, event: { type: 'text', data: { delta: 'x' } } });
      follower.end();
      return () => {};
    }))
    .get('/sink', (c) => sseSink(c, { heartbeatMs: 20 }, body));
}

describe('sseSink on the Node response', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it('sends the same headers and bytes as the web-stream fallback, middleware headers included', async () => {
    const seen: { alreadySent?: boolean } = {};
    const app = appWith(async () => {}, seen);
    const server = await serveApp(app);
    close = server.close;
    for (const path of ['/sse', '/ui', '/run']) {
      const node = await get(server.url + path);
      expect(seen.alreadySent, path).toBe(true);
      const fallback = await app.request(path);
      expect(seen.alreadySent, path).toBe(false);
      const { date, 'transfer-encoding': framing, ...nodeHeaders } = node.headers;
      expect(framing).toBe('chunked');
      const fallbackHeaders: Record<string, string> = {};
      fallback.headers.forEach((value, name) => (fallbackHeaders[name] = value));
      expect(nodeHeaders).toEqual(fallbackHeaders);
      expect(nodeHeaders).toMatchObject({
        'content-type': 'text/event-stream', 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no', 'x-request-id': 'req_1',
      });
      expect(node.body).toBe(await fallback.text());
    }
    expect((await get(server.url + '/run')).body).toBe('event: text\ndata: {"delta":"x"}\nid: run_1:1\n\n');
  });

  it('writes events in order with pings between them while the body runs, then ends', async () => {
    const server = await serveApp(appWith(async (sink) => {
      for (let i = 0; i < 5; i++) {
        sink.write(`event: text\ndata: ${i}\n\n`);
        await new Promise((r) => setTimeout(r, 30));
      }
    }));
    close = server.close;
    const blocks = (await get(`${server.url}/sink`)).body.split('\n\n').filter(Boolean);
    expect(blocks.filter((b) => b !== ': ping')).toEqual([0, 1, 2, 3, 4].map((i) => `event: text\ndata: ${i}`));
    expect(blocks.filter((b) => b === ': ping').length).toBeGreaterThanOrEqual(2);
  });

  it('aborts the body when the client goes away, and later writes are dropped without an error', async () => {
    let finish!: (outcome: { reason: unknown; wroteAfter: boolean }) => void;
    const finished = new Promise<{ reason: unknown; wroteAfter: boolean }>((resolve) => (finish = resolve));
    const server = await serveApp(appWith(async (sink, gone) => {
      sink.write('event: text\ndata: 1\n\n');
      await once(gone, 'abort');
      sink.write('event: text\ndata: 2\n\n');
      finish({ reason: gone.reason, wroteAfter: true });
    }));
    close = server.close;
    const req = http.get(`${server.url}/sink`, (res) => res.once('data', () => req.destroy()));
    req.on('error', () => {});
    expect(await finished).toEqual({ reason: expect.objectContaining({ code: 'ABORTED' }), wroteAfter: true });
  });

  it('detaches a run stream when its client goes away', async () => {
    let detached!: () => void;
    const detachedNow = new Promise<void>((resolve) => (detached = resolve));
    const app = new Hono().get('/run', (c) => runStreamResponse(c, 'run_1', 0, { maxStreamMs: 60_000 }, (follower) => {
      follower.event({ seq: 1, event: { type: 'text', data: { delta: 'x' } } });
      return detached;
    }));
    const server = await serveApp(app);
    close = server.close;
    const req = http.get(`${server.url}/run`, (res) => res.once('data', () => req.destroy()));
    req.on('error', () => {});
    await detachedNow;
  });

  it('cuts off a client that stops reading instead of buffering for it without bound', async () => {
    const chunk = `event: text\ndata: ${'x'.repeat(64 * 1024)}\n\n`;
    let written = 0;
    let finish!: (cut: boolean) => void;
    const finished = new Promise<boolean>((resolve) => (finish = resolve));
    const server = await serveApp(appWith(async (sink, gone) => {
      while (!gone.aborted && written < 8 * MAX_SSE_BACKLOG_BYTES) {
        sink.write(chunk);
        written += chunk.length;
        await tick();
      }
      finish(gone.aborted);
    }));
    close = server.close;
    const { port } = new URL(server.url);
    const socket = net.connect(Number(port), '127.0.0.1');
    socket.on('error', () => {});
    socket.write('GET /sink HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n');
    socket.pause();
    expect(await finished).toBe(true);
    socket.destroy();
    expect(written).toBeLessThan(3 * MAX_SSE_BACKLOG_BYTES);
  });

  it('does not cut off a client that keeps reading', async () => {
    const chunk = `event: text\ndata: ${'x'.repeat(64 * 1024)}\n\n`;
    const total = 2 * MAX_SSE_BACKLOG_BYTES;
    const server = await serveApp(appWith(async (sink) => {
      for (let written = 0; written < total; written += chunk.length) {
        sink.write(chunk);
        await tick();
      }
    }));
    close = server.close;
    const { body } = await get(`${server.url}/sink`);
    expect(body.length).toBeGreaterThanOrEqual(total);
    expect(body.endsWith('\n\n')).toBe(true);
  });
});
