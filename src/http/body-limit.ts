import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

/**
 * hono's `bodyLimit`, without its cost on every request: it reads `c.req.raw.body`, which makes
 * @hono/node-server build a web `Request` around the Node request (and the route's `c.req.text()`
 * then streams the body through it instead of reading it directly). Here a declared Content-Length
 * (without Transfer-Encoding) is judged from the header alone, as hono judges it; a GET or HEAD has
 * no body to limit; only a body of unknown length goes through hono's counting reader.
 */
export function limitBody(maxSize: number, onError: (c: Context) => Response | Promise<Response>): MiddlewareHandler {
  const counted = bodyLimit({ maxSize, onError });
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      if (parseInt(length, 10) > maxSize) return onError(c);
      return next();
    }
    return counted(c, next);
  };
}
