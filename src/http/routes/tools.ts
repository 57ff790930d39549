import { Hono } from 'hono';
import { z } from 'zod';
import { statusOf, toErrorBody } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import { sseResponse, wantsEventStream } from '../../stream/sse-response.ts';
import { actionFor, runToolByName, type RunToolDeps } from '../../tools/run-tool-by-name.ts';
import type { RateLimiter } from '../../budgets/rate-limiter.ts';
import type { AuthEnv } from '../auth.ts';
import { rateLimitPerUser } from '../rate-limit.ts';
import { readJsonBody } from '../validate.ts';

/** `POST /api/tools/:name`'s body (also the OpenAPI document's). */
export const toolRunBodySchema = z.object({ params: z.record(z.string(), z.unknown()).default({}) }).strict();

/** A tool this instance does not offer, and why (no Chromium for the browser tool). */
export interface UnavailableTool {
  name: string;
  app: string;
  reason: string;
}

/**
 * `GET /api/tools` and `POST /api/tools/:name` (JSON, or SSE with `Accept: text/event-stream`).
 * Tools that cannot run here are listed under `unavailable` with the reason, and calling one is 503.
 */
export function toolRoutes(deps: RunToolDeps & { logger: Logger; rateLimiter: RateLimiter; heartbeatMs?: number; unavailable?: UnavailableTool[] }) {
  const unavailable = deps.unavailable ?? [];
  return new Hono<AuthEnv>()
    .use('/:name', rateLimitPerUser(deps.rateLimiter, 'tools'))
    .get('/', (c) =>
      c.json({
        tools: deps.registry.describe().map(({ name, app, description, effect, inputSchema }) => ({ name, app, description, effect, inputSchema })),
        unavailable,
      }))
    .post('/:name', async (c) => {
      const name = c.req.param('name');
      const userId = c.get('userId');
      const off = unavailable.find((t) => t.name === name);
      if (off) return c.json({ ok: false, error: { code: 'BROWSER_UNAVAILABLE', message: off.reason } }, 503);
      if (!deps.registry.get(name)) return c.json({ ok: false, error: { code: 'NOT_FOUND', message: `No tool named ${name}.` } }, 404);
      const { params } = await readJsonBody(c, toolRunBodySchema);
      if (wantsEventStream(c)) {
        return sseResponse(c, { logger: deps.logger, heartbeatMs: deps.heartbeatMs }, async (emit, signal) => {
          const outcome = await runToolByName(deps, userId, name, params, { onEvent: emit, signal });
          if (outcome.ok) return emit({ type: 'done', data: { finishReason: 'completed', steps: 1 } });
          const action = actionFor(outcome.error);
          if (action) emit({ type: 'action_required', data: action });
          emit({ type: 'error', data: toErrorBody(outcome.error) });
        });
      }
      const outcome = await runToolByName(deps, userId, name, params, { signal: c.req.raw.signal });
      if (outcome.ok) return c.json({ ok: true, result: outcome.result, attempts: outcome.attempts });
      if (outcome.error.retryAfter !== undefined) c.header('Retry-After', String(Math.ceil(outcome.error.retryAfter)));
      return c.json({ ok: false, error: toErrorBody(outcome.error), attempts: outcome.attempts }, statusOf(outcome.error) as 400);
    });
}
