import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { deleteConversation, listConversations, showConversation, type UserConversationDeps } from '../../agent/user-conversations.ts';
import type { AuthEnv } from '../auth.ts';
import { validated } from '../validate.ts';
import { chatBodySchema } from './chat.ts';

/** The same rule as `conversationId` in the chat body. */
export const conversationIdParam = z.object({ id: chatBodySchema.shape.conversationId.unwrap() });
export const conversationListQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(100) }).strict();

/** `/api/conversations`: list, show and delete the caller's own conversations (the server keeps their transcripts). */
export function conversationRoutes(deps: UserConversationDeps) {
  const id = (c: Context<AuthEnv>) => validated(conversationIdParam, c.req.param(), 'path').id;
  return new Hono<AuthEnv>()
    .get('/', async (c) => {
      const { limit } = validated(conversationListQuery, c.req.query(), 'query');
      return c.json({ conversations: await listConversations(deps, c.get('userId'), limit) });
    })
    .get('/:id', async (c) => c.json(await showConversation(deps, c.get('userId'), id(c))))
    .delete('/:id', async (c) => {
      await deleteConversation(deps, c.get('userId'), id(c));
      return c.body(null, 204);
    });
}
