import { createMiddleware } from 'hono/factory';
import type { RateLimiter } from '../budgets/rate-limiter.ts';
import type { AuthEnv } from './auth.ts';

/** Counts the caller's requests on a route group against the per-user limit (429 with Retry-After past it). */
export function rateLimitPerUser(limiter: RateLimiter, group: string) {
  return createMiddleware<AuthEnv>(async (c, next) => {
    limiter.hit(`${group}:${c.get('userId')}`);
    await next();
  });
}
