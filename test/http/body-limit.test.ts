import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limitBody } from '../../src/http/body-limit.ts';
import { serveApp } from '../support/serve.ts';

// Over a real socket: Node's fetch sends a string body with Content-Length and a stream body chunked.
describe('limitBody', () => {
  let server: { url: string; close: () => Promise<void> };

  beforeAll(async () => {
    const app = new Hono()
      .use('*', limitBody(1000, (c) => c.json({ error: 'too large' }, 413)))
      .post('/echo', async (c) => c.json({ length: (await c.req.text()).length }))
      .get('/echo', (c) => c.json({ ok: true }));
    server = await serveApp(app);
  });
  afterAll(() => server.close());

  const chunked = (text: string) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        const bytes = new TextEncoder().encode(text);
        for (let i = 0; i < bytes.length; i += 300) controller.enqueue(bytes.subarray(i, i + 300));
        controller.close();
      },
    });
  const post = (body: string | ReadableStream<Uint8Array>) =>
    fetch(`${server.url}/echo`, { method: 'POST', body, ...(typeof body === 'string' ? {} : { duplex: 'half' }) } as RequestInit);

  it('passes a declared length up to the limit, body whole', async () => {
    const res = await post('x'.repeat(1000));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ length: 1000 });
  });

  it('refuses a declared length over the limit', async () => {
    const res = await post('x'.repeat(1001));
    expect(res.status).toBe(413);
  });

  it('counts a chunked body: whole under the limit, refused over it', async () => {
    const under = await post(chunked('y'.repeat(900)));
    expect(under.status).toBe(200);
    expect(await under.json()).toEqual({ length: 900 });
    const over = await post(chunked('y'.repeat(1500)));
    expect(over.status).toBe(413);
  });

  it('lets a GET through', async () => {
    const res = await fetch(`${server.url}/echo`);
    expect(res.status).toBe(200);
  });
});
