import { asc, and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { conversationMessages, conversations } from '../db/schema.ts';
import type { TranscriptMessage } from './transcript.ts';

/**
 * Each user's conversations and their transcripts, in the database so that every instance (and a
 * restarted one) continues them. Keyed by the user and the client's conversation id, so one user's
 * id never reaches another user's transcript.
 */
export class ConversationStore {
  constructor(private readonly db: Db) {}

  /** The transcript in order; [] for a conversation the server does not know yet. */
  async load(userId: string, conversationId: string): Promise<TranscriptMessage[]> {
    const rows = await this.db
      .select({ message: conversationMessages.message })
      .from(conversationMessages)
      .where(and(eq(conversationMessages.appUserId, userId), eq(conversationMessages.conversationId, conversationId)))
      .orderBy(asc(conversationMessages.position));
    return rows.map((r) => r.message as TranscriptMessage);
  }

  /** Appends messages at the next positions; two runs appending at once each get their own range. */
  async append(userId: string, conversationId: string, messages: readonly TranscriptMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const n = messages.length;
    const [row] = await this.db
      .insert(conversations)
      .values({ appUserId: userId, id: conversationId, messageCount: n })
      .onConflictDoUpdate({
        target: [conversations.appUserId, conversations.id],
        set: { messageCount: sql`${conversations.messageCount} + ${n}`, updatedAt: sql`now()` },
      })
      .returning({ count: conversations.messageCount });
    const first = row!.count - n;
    await this.db.insert(conversationMessages).values(messages.map((message, i) => ({
      appUserId: userId, conversationId, position: first + i, message,
    })));
  }
}
