import { Hono, type Context } from 'hono';
import { asDatabaseOutage } from '../../db/database-errors.ts';
import { statusOf, toErrorBody } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import { toConnectionView } from '../../zoho/connection-view.ts';
import type { ConnectFlow } from '../../zoho/connect-flow.ts';
import { logError } from '../error-response.ts';

/** `GET /auth/zoho/callback`: where Zoho sends the user back. A page, or JSON when asked for JSON. */
export function oauthCallbackRoutes(deps: { flow: ConnectFlow; logger: Logger }) {
  return new Hono().get('/zoho/callback', async (c) => {
    // The URL carries a one-time code: keep it out of Referer headers and caches (RFC 9700 4.2).
    c.header('Referrer-Policy', 'no-referrer');
    c.header('Cache-Control', 'no-store');
    // A static page: nothing to load but its own inline style.
    c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'");
    c.header('X-Content-Type-Options', 'nosniff');
    const q = (name: string) => c.req.queries(name);
    try {
      const connection = await deps.flow.completeConnect({
        code: q('code'), state: q('state'), location: q('location'), accountsServer: q('accounts-server'), error: q('error'),
      });
      const view = toConnectionView(connection);
      if (wantsJson(c)) return c.json({ ok: true, connection: view });
      return c.html(page('Zoho is connected', `Your Zoho account${view.email ? ` ${escapeHtml(view.email)}` : ''} (${escapeHtml(view.dc)}) is connected. You can close this window.`), 200);
    } catch (thrown) {
      const error = asDatabaseOutage(thrown);
      logError(deps.logger, error, { path: '/auth/zoho/callback' });
      const body = toErrorBody(error);
      const status = statusOf(error) as 400;
      if (wantsJson(c)) return c.json({ ok: false, error: body }, status);
      return c.html(page('Zoho was not connected', escapeHtml(body.message)), status);
    }
  });
}

const wantsJson = (c: Context) => (c.req.header('accept') ?? '').includes('application/json');

function page(title: string, message: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title><style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#1f2937}</style></head>
<body><h1>${title}</h1><p>${message}</p><p><a href="/">Back to the app</a></p></body></html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
