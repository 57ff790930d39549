import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Hono, type Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { BrowserService } from '../../browser/browser-service.ts';
import { liveInputSchema } from '../../browser/live-view.ts';
import { AppError } from '../../errors.ts';
import { readJsonBody } from '../validate.ts';
import { PAGE_CSP } from './web.ts';
import { projectPath } from '../../project-root.ts';
import { limitBody } from '../body-limit.ts';

const PAGE_DIR = projectPath('web', 'browser-login') + '/';
const ASSET = /^[a-z0-9][a-z0-9-]*\.(js|css)$/;
const LOGIN_ID = /^[A-Za-z0-9_-]{8,64}$/;
const TYPES: Record<string, string> = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };

/** The page, its SSE stream and its input carry the user's sign-in: not cached, not framed, no Referer. */
function guard(c: Context): void {
  c.header('content-security-policy', PAGE_CSP);
  c.header('x-content-type-options', 'nosniff');
  c.header('referrer-policy', 'no-referrer');
  c.header('cache-control', 'no-store');
}

/**
 * `/browser-login/*`: the live view of a login handover. The page itself is public (it holds
 * nothing); its stream and input need the handover's view token as `Authorization: Bearer`, which
 * the page reads from its URL fragment. Frames go out as SSE `frame` events, the outcome as
 * `status`; input is `POST .../input` and is never logged (errors say only what was wrong).
 */
export function liveViewRoutes(deps: { browser: BrowserService; heartbeatMs?: number }) {
  async function viewer(c: Context) {
    const loginId = c.req.param('loginId') ?? '';
    const token = /^Bearer\s+([A-Za-z0-9_-]{20,100})$/.exec(c.req.header('authorization') ?? '')?.[1];
    if (!LOGIN_ID.test(loginId) || !token) throw new AppError('NOT_FOUND', 'No such sign-in.');
    return deps.browser.forViewer(loginId, token);
  }

  return new Hono()
    .get('/assets/:file', async (c) => {
      const name = c.req.param('file');
      if (!ASSET.test(name)) throw new AppError('NOT_FOUND', 'No such file.');
      const body = await readFile(join(PAGE_DIR, name)).catch(() => undefined);
      if (!body) throw new AppError('NOT_FOUND', 'No such file.');
      guard(c);
      c.header('content-type', TYPES[name.split('.').pop()!]!);
      return c.body(new Uint8Array(body));
    })
    .get('/:loginId', async (c) => {
      if (!LOGIN_ID.test(c.req.param('loginId'))) throw new AppError('NOT_FOUND', 'No such sign-in.');
      guard(c);
      return c.html(await readFile(join(PAGE_DIR, 'index.html'), 'utf8'));
    })
    .get('/:loginId/events', async (c) => {
      const { record, live } = await viewer(c);
      guard(c);
      c.header('x-accel-buffering', 'no');
      return streamSSE(c, async (stream) => {
        const send = (event: string, data: unknown) => stream.writeSSE({ event, data: JSON.stringify(data) }).catch(() => {});
        if (!live) {
          await send('status', { status: record.status, ...(record.message ? { message: record.message } : {}) });
          return;
        }
        let finish!: () => void;
        const finished = new Promise<void>((resolve) => (finish = resolve));
        const offEnd = live.onEnd((status, message) => void send('status', { status, message }).finally(finish));
        await send('status', { status: 'waiting', expiresAt: record.expiresAt.toISOString() });
        const unsubscribe = live.view.subscribe(
          (frame) => (stream.aborted ? Promise.resolve() : send('frame', frame)),
          () => void send('status', { status: 'waiting', message: 'This sign-in was opened in another tab.', replaced: true }).finally(finish),
        );
        stream.onAbort(finish);
        const ping = setInterval(() => void stream.write(': ping\n\n').catch(() => {}), deps.heartbeatMs ?? 15_000);
        try {
          await finished;
        } finally {
          clearInterval(ping);
          unsubscribe();
          offEnd();
        }
      });
    })
    .post(
      '/:loginId/input',
      limitBody(16 * 1024, () => { throw new AppError('PAYLOAD_TOO_LARGE', 'The body is larger than 16 KB.'); }),
      async (c) => {
        const { live } = await viewer(c);
        if (!live) throw new AppError('INVALID_REQUEST', 'This sign-in has ended.');
        const { events } = await readJsonBody(c, liveInputSchema);
        await live.view.input(events);
        c.header('cache-control', 'no-store');
        return c.body(null, 204);
      },
    );
}
