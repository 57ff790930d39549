import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { decideApproval, checkDecision } from '../../agent/approvals/decide-approval.ts';
import { runAgent, type AgentDeps } from '../../agent/run-agent.ts';
import type { RateLimiter } from '../../budgets/rate-limiter.ts';
import type { RunSlots } from '../../budgets/run-slots.ts';
import type { Logger } from '../../log.ts';
import type { EmitEvent } from '../../stream/events.ts';
import type { RunStreams } from '../../stream/run-streams.ts';
import type { AuthEnv } from '../auth.ts';
import { rateLimitPerUser } from '../rate-limit.ts';
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
    conversationId: z.string().regex(/^[\w-]{1,100}$/, 'letters, digits, _ and -, at most 100, e.g. a UUID').optional(),
    /** With a conversationId: re-run its last turn (Retry, Regenerate) instead of adding the last message again. */
    regenerate: z.boolean().optional(),
  })
  .strict();

const approvalBodySchema = z
  .object({
    callId: z.string().min(1).max(100),
    decision: z.enum(['approve', 'deny']),
    paramsHash: z.string().min(1).max(100).optional(),
  })
  .strict();

export interface ChatRouteDeps extends AgentDeps {
  logger: Logger;
  heartbeatMs?: number;
  rateLimiter: RateLimiter;
  runSlots: RunSlots;
  /** Runs go on detached from their connection and can be resumed (run-streams.ts). */
  runStreams: RunStreams;
}

/**
 * `POST /api/chat` and `POST /api/chat/approvals`: validate, take a run slot, stream the run as SSE.
 * The run keeps its slot until it ends, also while detached (a dropped client may resume it).
 */
export function chatRoutes(deps: ChatRouteDeps) {
  const stream = (c: Context<AuthEnv>, release: () => Promise<void>, run: (emit: EmitEvent, signal: AbortSignal, runId: string) => Promise<void>) =>
    deps.runStreams.start(c, c.get('userId'), release, run);

  return new Hono<AuthEnv>()
    .use('*', rateLimitPerUser(deps.rateLimiter, 'chat'))
    .post('/', async (c) => {
      const body = await readJsonBody(c, chatBodySchema);
      const userId = c.get('userId');
      const release = await deps.runSlots.acquire(userId);
      return stream(c, release, (emit, signal, runId) => runAgent(deps, { userId, ...body, runId }, emit, signal));
    })
    .post('/approvals', async (c) => {
      const body = await readJsonBody(c, approvalBodySchema);
      const userId = c.get('userId');
      const pending = await checkDecision(deps, userId, body);
      const release = await deps.runSlots.acquire(userId);
      return stream(c, release, (emit, signal) => decideApproval(deps, pending, body.decision, emit, signal));
    });
}
