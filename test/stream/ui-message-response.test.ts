import { afterEach, describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { asSchema, uiMessageChunkSchema } from 'ai';
import { createMemoryLogger } from '../../src/log.ts';
import type { EmitEvent } from '../../src/stream/events.ts';
import { uiMessageResponse } from '../../src/stream/ui-message-response.ts';
import { serveApp } from '../support/serve.ts';

const chunkSchema = asSchema(uiMessageChunkSchema);

/** The writer on a real port, running `run` for each request. */
async function serving(run: (emit: EmitEvent, signal: AbortSignal) => Promise<void>) {
  const logger = createMemoryLogger();
  const app = new Hono().post('/', (c) => uiMessageResponse(c, { logger, heartbeatMs: 30, messageId: 'msg_1' }, run));
  const server = await serveApp(app);
  return { logger, server, post: () => fetch(`${server.url}/`, { method: 'POST' }) };
}

async function chunksOf(res: Response) {
  const blocks = (await res.text()).split('\n\n').filter(Boolean);
  expect(blocks.at(-1)).toBe('data: [DONE]');
  const chunks = blocks.filter((b) => b.startsWith('data: {')).map((b) => JSON.parse(b.slice(6)));
  for (const c of chunks) expect((await chunkSchema.validate!(c)).success, JSON.stringify(c)).toBe(true);
  return { blocks, chunks };
}

describe('uiMessageResponse', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it('masks an internal error in its error chunk and logs it', async () => {
    const s = await serving(async (emit) => {
      emit({ type: 'text', data: { delta: 'Hi' } });
      throw new Error('db password hunter2 leaked');
    });
    close = s.server.close;
    const { chunks } = await chunksOf(await s.post());
    expect(chunks.map((c) => c.type)).toEqual(['start', 'text-start', 'text-delta', 'text-end', 'error']);
    expect(chunks[0]).toEqual({ type: 'start', messageId: 'msg_1' });
    expect(chunks.at(-1)!.errorText).toBe('INTERNAL: Internal error; it has been logged.');
    expect(JSON.stringify(chunks)).not.toContain('hunter2');
    expect(s.logger.lines.some((l) => l.includes('stream.internal_error') && l.includes('hunter2'))).toBe(true);
  });

  it('ends a run that returned without an end, once, and keeps the connection alive meanwhile', async () => {
    const s = await serving(async (emit) => {
      await new Promise((r) => setTimeout(r, 120));
      emit({ type: 'step', data: { step: 1 } });
    });
    close = s.server.close;
    const { blocks, chunks } = await chunksOf(await s.post());
    expect(blocks).toContain(': ping');
    expect(chunks.map((c) => c.type)).toEqual(['start', 'start-step', 'finish-step', 'error']);
    expect(chunks.at(-1)!.errorText).toBe('INTERNAL: The run ended without a result.');
  });

  it('aborts the run when the client goes away', async () => {
    let aborted: Promise<unknown> | undefined;
    const s = await serving(async (emit, signal) => {
      aborted = new Promise((r) => signal.addEventListener('abort', () => r(signal.reason)));
      emit({ type: 'text', data: { delta: 'Hi' } });
      await aborted;
      throw signal.reason;
    });
    close = s.server.close;
    const controller = new AbortController();
    const res = await fetch(`${s.server.url}/`, { method: 'POST', signal: controller.signal });
    const reader = res.body!.getReader();
    await reader.read();
    controller.abort();
    const reason = await Promise.race([aborted, new Promise((r) => setTimeout(() => r('timeout'), 2000))]);
    expect(reason).toMatchObject({ code: 'ABORTED' });
    expect(s.logger.lines.some((l) => l.includes('stream.internal_error'))).toBe(false);
  });
});
