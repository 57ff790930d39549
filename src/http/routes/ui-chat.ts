import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import { checkUiApprovals, resumeUiApprovals } from '../../agent/approvals/ui-approvals.ts';
import { readConnectedAppsEarly } from '../../agent/connected-apps.ts';
import { runAgent } from '../../agent/run-agent.ts';
import { uiChatBodySchema } from '../../agent/ui-messages.ts';
import { uiMessagesToTranscript } from '../../agent/ui-messages-to-transcript.ts';
import type { EmitEvent } from '../../stream/events.ts';
import { uiMessageResponse } from '../../stream/ui-message-response.ts';
import type { AuthEnv } from '../auth.ts';
import { validated } from '../validate.ts';
import type { ChatRouteDeps } from './chat.ts';

/**
 * `POST /api/chat` with the AI SDK's `DefaultChatTransport` body: answered with the UI message
 * stream. The chat `id` is the conversation id. A last assistant message carrying approval
 * responses resumes its paused run (checked first: a refusal is a 409 before any stream) and the
 * stream continues that message (`start.messageId` = its id); a last user message is a new turn
 * (`trigger: 'regenerate-message'` is our `regenerate`), the UIMessages converted to the transcript
 * for a conversation the server does not know yet.
 */
export async function uiChat(c: Context<AuthEnv>, deps: ChatRouteDeps, raw: unknown): Promise<Response> {
  const body = validated(uiChatBodySchema, raw, 'body');
  const userId = c.get('userId');
  const last = body.messages.at(-1)!;
  let messageId: string;
  let run: (emit: EmitEvent, signal: AbortSignal) => Promise<void>;
  if (last.role === 'assistant') {
    const decisions = await checkUiApprovals(deps, userId, body.id, last);
    messageId = last.id;
    run = (emit, signal) => resumeUiApprovals(deps, decisions, emit, signal);
  } else {
    messageId = randomUUID();
    const request = {
      userId, messages: uiMessagesToTranscript(body.messages), model: body.model, conversationId: body.id,
      regenerate: body.trigger === 'regenerate-message',
      // Read beside the run slot below: two independent reads, one wait.
      connectedApps: readConnectedAppsEarly(deps.store, userId, deps.connectUrl),
    };
    run = (emit, signal) => runAgent(deps, request, emit, signal);
  }
  const release = await deps.runSlots.acquire(userId);
  return uiMessageResponse(c, { logger: deps.logger, heartbeatMs: deps.heartbeatMs, messageId }, async (emit, signal) => {
    try {
      await run(emit, signal);
    } finally {
      await release();
    }
  });
}
