import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { decideApproval, checkDecision } from '../../agent/approvals/decide-approval.ts';
import { readConnectedAppsEarly } from '../../agent/connected-apps.ts';
import { runAgent, type AgentDeps } from '../../agent/run-agent.ts';
import { conversationIdSchema, isUiChatBody, modelIdSchema } from '../../agent/ui-messages.ts';
import type { RateLimiter } from '../../budgets/rate-limiter.ts';
import type { RunSlots } from '../../budgets/run-slots.ts';
import type { Logger } from '../../log.ts';
import type { EmitEvent } from '../../stream/events.ts';
import type { RunStreams } from '../../stream/run-streams.ts';
import type { AuthEnv } from '../auth.ts';
import { rateLimitPerUser } from '../rate-limit.ts';
import { readJsonBody, validated } from '../validate.ts';
import { uiChat } from './ui-chat.ts';

/** What a client may send: its own turns only; the system prompt is the server's. */
export const chatBodySchema = z
  .object({
    messages: z
      .array(z.object({ role: z.enum(['user', 'assistant']), content: z.string().min(1).max(32_000) }).strict())
      .min(1)
      .max(200)
      .refine((m) => m.at(-1)?.role === 'user', 'the last message must be the user\'s'),
    model: modelIdSchema.optional(),
    conversationId: conversationIdSchema.optional(),
    /** With a conversationId: re-run its last turn (Retry, Regenerate) instead of adding the last message again. */
    regenerate: z.boolean().optional(),
  })
  .strict();

export const approvalBodySchema = z
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
 * `POST /api/chat` and `POST /api/chat/approvals`: validate, take a run slot, stream the run as SSE
 * (or, for the AI SDK body, its UI message stream: ui-chat.ts). Our SSE runs keep their slot until
 * they end, also while detached (a dropped client may resume them); the AI SDK's stop() is a cancel.
 */
export function chatRoutes(deps: ChatRouteDeps) {
  const stream = (c: Context<AuthEnv>, release: () => Promise<void>, run: (emit: EmitEvent, signal: AbortSignal, runId: string) => Promise<void>) =>
    deps.runStreams.start(c, c.get('userId'), release, run);

  return new Hono<AuthEnv>()
    .use('*', rateLimitPerUser(deps.rateLimiter, 'chat'))
    .post('/', async (c) => {
      const raw = await readJsonBody(c, z.unknown());
      if (isUiChatBody(raw)) return uiChat(c, deps, raw);
      const body = validated(chatBodySchema, raw, 'body');
      const userId = c.get('userId');
      // Two independent reads, one wait: the connected apps beside the run slot.
      const connectedApps = readConnectedAppsEarly(deps.store, userId, deps.connectUrl);
      const release = await deps.runSlots.acquire(userId);
      return stream(c, release, (emit, signal, runId) => runAgent(deps, { userId, ...body, runId, connectedApps }, emit, signal));
    })
    .post('/approvals', async (c) => {
      const body = await readJsonBody(c, approvalBodySchema);
      const userId = c.get('userId');
      const pending = await checkDecision(deps, userId, body);
      const release = await deps.runSlots.acquire(userId);
      return stream(c, release, (emit, signal) => decideApproval(deps, pending, body.decision, emit, signal));
    });
}
