import { Hono } from 'hono';
import { z } from 'zod';
import type { BrowserService } from '../../browser/browser-service.ts';
import type { BrowserSessionInfo } from '../../browser/session-store.ts';
import { storageStateSchema } from '../../browser/storage-state.ts';
import type { RateLimiter } from '../../budgets/rate-limiter.ts';
import { AppError } from '../../errors.ts';
import { DATA_CENTRE_CODES } from '../../zoho/data-centres.ts';
import type { AuthEnv } from '../auth.ts';
import { rateLimitPerUser } from '../rate-limit.ts';
import { readJsonBody } from '../validate.ts';

/** `POST /api/browser/login`'s body (also the OpenAPI document's). */
export const browserLoginBodySchema = z.object({ dc: z.enum(DATA_CENTRE_CODES).optional(), storageState: storageStateSchema.optional() }).strict();
/** Ids are ours (base64url, UUID): anything else is not found without a query. */
const ID = /^[A-Za-z0-9_-]{8,64}$/;

const sessionView = (info: BrowserSessionInfo | undefined) =>
  info ? { status: info.status, dc: info.dc, ...(info.expiresAt ? { expiresAt: info.expiresAt.toISOString() } : {}) } : { status: 'none' };

const notFound = (what: string) => new AppError('NOT_FOUND', `No such ${what}.`);

/**
 * `/api/browser`: login handovers and session imports, the session's state, and screenshots, each
 * for the authenticated caller only (another user's login or screenshot is not found).
 */
export function browserRoutes(deps: { browser: BrowserService; rateLimiter: RateLimiter }) {
  const { browser } = deps;
  return new Hono<AuthEnv>()
    .use('/login', rateLimitPerUser(deps.rateLimiter, 'browser'))
    .post('/login', async (c) => {
      const body = await readJsonBody(c, browserLoginBodySchema);
      const userId = c.get('userId');
      const dc = await browser.dcFor(userId, body.dc);
      if (body.storageState) return c.json(sessionView(await browser.importSession(userId, dc, body.storageState)));
      c.header('cache-control', 'no-store');
      return c.json(await browser.startLogin(userId, dc), 201);
    })
    .get('/login/:loginId', async (c) => {
      const loginId = c.req.param('loginId');
      const record = ID.test(loginId) ? await browser.loginStatus(c.get('userId'), loginId) : undefined;
      if (!record) throw notFound('sign-in');
      return c.json({ status: record.status, ...(record.message ? { message: record.message } : {}) });
    })
    .get('/session', async (c) => c.json(sessionView(await browser.describeSession(c.get('userId')))))
    .delete('/session', async (c) => {
      await browser.forgetSession(c.get('userId'));
      return c.body(null, 204);
    })
    .get('/screenshots/:id', async (c) => {
      const id = c.req.param('id');
      const shot = ID.test(id) ? await browser.screenshots.get(c.get('userId'), id) : undefined;
      if (!shot) throw notFound('screenshot');
      c.header('content-type', shot.mime);
      c.header('cache-control', 'private, max-age=3600');
      c.header('x-content-type-options', 'nosniff');
      c.header('content-security-policy', "default-src 'none'");
      return c.body(shot.bytes as Uint8Array<ArrayBuffer>);
    });
}
