import { Hono } from 'hono';
import { z } from 'zod';
import { runAgent, type AgentDeps } from '../../agent/run-agent.ts';
import type { Logger } from '../../log.ts';
import { sseResponse } from '../../stream/sse-response.ts';
import type { AuthEnv } from '../auth.ts';
import { readJsonBody } from '../validate.ts';

/** What a client may send: its own turns only; the system prompt is the server's. */
export const chatBodySchema = z
  .object({
    messages: z
      .array(z.object({ role: z.enum(['user', 'assistant']), content: z.string().min(1).max(32_000) }).strict())
      .min(1)
      .max(200)
      .refine((m) => m.at(-1)?.role === 'user', 'the last message must be the user\'s'),
    model: z.string().regex(/^[\w.\-/:]+$/, 'a model id such as openai/gpt-4.1-mini').max(100).optional(),
  })
  .strict();

/** `POST /api/chat`: validate, then stream the agent run as SSE. */
export function chatRoutes(deps: AgentDeps & { logger: Logger; heartbeatMs?: number }) {
  return new Hono<AuthEnv>().post('/', async (c) => {
    const body = await readJsonBody(c, chatBodySchema);
    const userId = c.get('userId');
    return sseResponse(c, { logger: deps.logger, heartbeatMs: deps.heartbeatMs }, (emit, signal) =>
      runAgent(deps, { userId, messages: body.messages, model: body.model }, emit, signal));
  });
}
