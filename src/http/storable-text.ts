import { createMiddleware } from 'hono/factory';
import { AppError } from '../errors.ts';

/** A lone UTF-16 surrogate: a high one not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Text PostgreSQL keeps as given. It refuses NUL (in `text`, and `\u0000` in `jsonb`) and the escape
 * of a lone surrogate in `jsonb`; in `text` a lone surrogate would become U+FFFD, so two different
 * strings (two user ids) would be stored as one. Such input is refused at the edge, never a 500.
 */
export const isStorableText = (text: string): boolean => !text.includes('\u0000') && !LONE_SURROGATE.test(text);

const MAY_HOLD_UNSTORABLE = /[%\u0000\uD800-\uDFFF]/;

/** Percent-decoded the way hono decodes a route parameter: each run of valid escapes on its own, a malformed one left as it is. */
const decoded = (segment: string): string =>
  segment.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });

/** Every route: a path that holds such text names nothing (404); a query parameter that does is a 400 naming it. */
export function refuseUnstorableUrl() {
  return createMiddleware(async (c, next) => {
    // Without a percent escape, a NUL or a surrogate in it, no segment or parameter can decode to
    // one: most requests are let through without parsing the URL (0.65% of the runtime's CPU under load).
    if (!MAY_HOLD_UNSTORABLE.test(c.req.url)) return next();
    const url = new URL(c.req.url);
    if (!url.pathname.split('/').every((segment) => isStorableText(decoded(segment)))) {
      throw new AppError('NOT_FOUND', 'No route for this path.');
    }
    for (const [name, value] of url.searchParams) {
      if (!isStorableText(name) || !isStorableText(value)) {
        throw new AppError('INVALID_REQUEST', `The query parameter ${JSON.stringify(name.slice(0, 40))} holds a NUL character or a lone surrogate.`, {
          details: { fields: [{ field: name.slice(0, 40), message: 'must not hold a NUL character or a lone surrogate' }] },
        });
      }
    }
    await next();
  });
}
